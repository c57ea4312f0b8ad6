"""Stacked decisions for the hybrid: which rule findings to keep, which model sentences to add.

Why: one threshold on the classifier's score treats every rule alike, but the rules differ in
how often they are right (a SOC 2 match almost always is; a product name read as a competitor
often is not), and a classifier score means more in call notes than in a chatty email. A small
logistic model over the classifier's scores, the rule's measured precision, the dimension and
the kind of document decides instead. It is fitted on out-of-fold scores (every document
scored by a classifier that never saw it), so it learns how the classifier behaves on text it
has not seen, not on its own training data.

The judge is numpy and JSON only (extractors/heads/judge.json, a few KB). Without it the hybrid
uses the classifier's two thresholds. Fit it with `python -m assistant.audit.judge_fit`.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from extractors import heads
from extractors.schema import DIMENSIONS, Document, Signal

FORMAT_VERSION = 1
JUDGE_FILE = "judge.json"
JUDGE_ENV = "QUALIFY_JUDGE"
KINDS = ("call", "chat", "email", "notes")
PRIOR_WEIGHT = 2.0  # pseudo-counts pulling a rarely seen rule's precision to the mean
ADD_FLOOR = 0.3  # sentences scored below this are never added (keeps the judge's work small)
Scores = list[tuple[int, int, dict[str, float]]]


class JudgeError(ValueError):
    """The judge file is missing, corrupt or for other features; one line says what to do."""


class Logit(BaseModel):
    """sigmoid(x . weights + bias) >= threshold, over the named features."""

    features: list[str]
    weights: list[float]
    bias: float
    threshold: float = Field(ge=0, le=1)

    def probabilities(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        z = np.asarray(rows, dtype=np.float64) @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))


class JudgeMeta(BaseModel):
    """The two decisions, the rules' measured precision, and how the judge was measured."""

    kind: str = "judge"
    version: str
    rules_version: str
    rule_counts: dict[str, tuple[int, int]]  # rule id -> (right, fired) out-of-fold
    prior_mean: float = Field(gt=0, lt=1)
    keep: Logit
    add: Logit
    add_floor: float = ADD_FLOOR
    metrics: dict[str, Any] = Field(default_factory=dict)
    trained_at: str
    format_version: int = FORMAT_VERSION

    def rule_precision(self, rule: str) -> float:
        """Smoothed precision of a rule; an unknown rule gets the mean."""
        return smoothed_precision(*self.rule_counts.get(rule, (0, 0)), self.prior_mean)


def smoothed_precision(right: int, fired: int, mean: float) -> float:
    """right / fired pulled towards `mean` by PRIOR_WEIGHT pseudo-counts."""
    return (right + PRIOR_WEIGHT * mean) / (fired + PRIOR_WEIGHT)


# --- features (shared by fitting and deciding, so the two can never drift apart) ------------


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _onehot(value: str, choices: Sequence[str]) -> list[float]:
    return [1.0 if value == c else 0.0 for c in choices]


KEEP_FEATURES = [
    "logit p(dimension)", "logit p(other dimension)", "logit rule precision",
    "logit p x logit precision", *(f"dim={d}" for d in DIMENSIONS), "speaker unknown",
    "quote words / 20", "polarity against", *(f"kind={k}" for k in KINDS),
]
ADD_FEATURES = [
    "logit p(dimension)", "logit p(other dimension)", "logit p(previous sentence)",
    "logit p(next sentence)", "sentence words / 20", "speaker unknown",
    "a rule found another dimension here", *(f"dim={d}" for d in DIMENSIONS),
    *(f"kind={k}" for k in KINDS),
]


def rule_of(signal: Signal) -> str:
    """The rule id a rule signal records in its reasons ("rule:<id>")."""
    for reason in signal.evidence.reasons:
        if reason.startswith("rule:"):
            return reason[5:]
    return signal.evidence.extractor


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def keep_features(
    signal: Signal, scores: Scores, kind: str, precision: float
) -> list[float] | None:
    """Features of one rule finding, or None when no scored sentence covers it (a rep's line,
    a fragment): the model has no say there and the finding stays."""
    ev = signal.evidence
    probs = [p for s, e, p in scores if _overlaps(s, e, ev.start, ev.end)]
    if not probs:
        return None
    p_dim = max(p[signal.dimension] for p in probs)
    p_other = max(max(v for d, v in p.items() if d != signal.dimension) for p in probs)
    lp, lq = _logit(p_dim), _logit(precision)
    return [
        lp, _logit(p_other), lq, lp * lq, *_onehot(signal.dimension, DIMENSIONS),
        1.0 if ev.role == "unknown" else 0.0, len(ev.quote.split()) / 20,
        1.0 if signal.polarity == "against" else 0.0, *_onehot(kind, KINDS),
    ]


def add_candidates(
    document: Document, rule_signals: Sequence[Signal], scores: Scores, floor: float
) -> list[tuple[tuple[int, int, str, float], list[float]]]:
    """((start, end, dimension, p), features) for each sentence and dimension scored at
    `floor` or more that no rule finding of that dimension already covers."""
    out = []
    for i, (start, end, probs) in enumerate(scores):
        covered = [
            s for s in rule_signals if _overlaps(start, end, s.evidence.start, s.evidence.end)
        ]
        utt = document.utterance_at(start)
        for dim, p in probs.items():
            if p < floor or any(s.dimension == dim for s in covered):
                continue
            prev = scores[i - 1][2][dim] if i else 0.0
            nxt = scores[i + 1][2][dim] if i + 1 < len(scores) else 0.0
            features = [
                _logit(p), _logit(max(v for d, v in probs.items() if d != dim)),
                _logit(prev), _logit(nxt), len(document.text[start:end].split()) / 20,
                1.0 if utt is not None and utt.role == "unknown" else 0.0,
                1.0 if covered else 0.0, *_onehot(dim, DIMENSIONS),
                *_onehot(document.kind, KINDS),
            ]
            out.append(((start, end, dim, p), features))
    return out


# --- deciding -------------------------------------------------------------------------------


def decide(
    judge: JudgeMeta, document: Document, rule_signals: Sequence[Signal], scores: Scores
) -> tuple[list[Signal], list[tuple[int, int, str, float]]]:
    """(rule findings kept, sentences to add as (start, end, dimension, p))."""
    rows, judged = [], []
    for sig in rule_signals:
        feats = keep_features(sig, scores, document.kind, judge.rule_precision(rule_of(sig)))
        if feats is not None:
            rows.append(feats)
            judged.append(id(sig))
    keep_p = dict(zip(judged, judge.keep.probabilities(rows), strict=True))
    kept = [s for s in rule_signals if keep_p.get(id(s), 1.0) >= judge.keep.threshold]
    cands = add_candidates(document, rule_signals, scores, judge.add_floor)
    add_p = judge.add.probabilities([f for _, f in cands])
    added = [c for (c, _), q in zip(cands, add_p, strict=True) if q >= judge.add.threshold]
    return kept, added


# --- fitting --------------------------------------------------------------------------------


def fit_logit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50
              ) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (the bias is not penalised)."""
    n, k = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(k + 1)
    penalty = np.full(k + 1, l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w[:-1], float(w[-1])


class JudgeRow(BaseModel):
    """One labeled document with its rule findings and out-of-fold sentence scores."""

    model_config = {"arbitrary_types_allowed": True}
    document: Document
    gold: list[tuple[str, int, int]]  # (dimension, start, end)
    rules: list[Signal]
    scores: Scores


def _right(dim: str, start: int, end: int, gold: Iterable[tuple[str, int, int]]) -> bool:
    return any(d == dim and _overlaps(start, end, gs, ge) for d, gs, ge in gold)


def rule_counts(rows: Iterable[JudgeRow]) -> dict[str, tuple[int, int]]:
    """(right, fired) per rule over the rows' scored rule findings."""
    counts: dict[str, list[int]] = {}
    for row in rows:
        for sig in row.rules:
            ev = sig.evidence
            if not any(_overlaps(s, e, ev.start, ev.end) for s, e, _ in row.scores):
                continue
            c = counts.setdefault(rule_of(sig), [0, 0])
            c[0] += _right(sig.dimension, ev.start, ev.end, row.gold)
            c[1] += 1
    return {rule: (c[0], c[1]) for rule, c in sorted(counts.items())}


def fit(rows: Sequence[JudgeRow], rules_version: str, keep_threshold: float = 0.5,
        add_threshold: float = 0.5, l2: float = 1.0) -> JudgeMeta:
    """Fit both decisions on rows whose scores are out-of-fold."""
    counts = rule_counts(rows)
    fired = sum(f for _, f in counts.values())
    mean = min(0.99, max(0.01, sum(r for r, _ in counts.values()) / max(1, fired)))
    draft = JudgeMeta(
        version="1", rules_version=rules_version, rule_counts=counts, prior_mean=mean,
        keep=Logit(features=KEEP_FEATURES, weights=[], bias=0, threshold=keep_threshold),
        add=Logit(features=ADD_FEATURES, weights=[], bias=0, threshold=add_threshold),
        trained_at=heads.now_iso(),
    )
    kx, ky, ax, ay = [], [], [], []
    for row in rows:
        # a rule's precision without this document's own findings: no answer leaks in
        own = rule_counts([row])
        for sig in row.rules:
            rule = rule_of(sig)
            right, fired = counts.get(rule, (0, 0))
            own_right, own_fired = own.get(rule, (0, 0))
            precision = smoothed_precision(right - own_right, fired - own_fired, mean)
            feats = keep_features(sig, row.scores, row.document.kind, precision)
            if feats is not None:
                kx.append(feats)
                ky.append(_right(sig.dimension, sig.evidence.start, sig.evidence.end, row.gold))
        for (s, e, dim, _), feats in add_candidates(row.document, row.rules, row.scores,
                                                      ADD_FLOOR):
            ax.append(feats)
            ay.append(_right(dim, s, e, row.gold))
    if len(set(ky)) < 2 or len(set(ay)) < 2:
        raise JudgeError("the judge needs right and wrong findings to learn from; "
                         "give it more labeled documents")
    kw, kb = fit_logit(np.asarray(kx), np.asarray(ky, dtype=float), l2)
    aw, ab = fit_logit(np.asarray(ax), np.asarray(ay, dtype=float), l2)
    keep = draft.keep.model_copy(update={"weights": kw.round(5).tolist(), "bias": round(kb, 5)})
    add = draft.add.model_copy(update={"weights": aw.round(5).tolist(), "bias": round(ab, 5)})
    return draft.model_copy(update={"keep": keep, "add": add})


# --- files ----------------------------------------------------------------------------------


def save(judge: JudgeMeta, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(judge.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return path


def read_judge(path: Path) -> JudgeMeta:
    """The checked judge at `path` (features must be the ones this code computes)."""
    if not path.is_file():
        raise JudgeError(f"no judge at {path}; fit one with `python -m assistant.audit.judge_fit`")
    judge = heads.read_json_model(path, JudgeMeta, JudgeError, "judge", FORMAT_VERSION)
    for name, logit, expected in (("keep", judge.keep, KEEP_FEATURES),
                                  ("add", judge.add, ADD_FEATURES)):
        if logit.features != expected or len(logit.weights) != len(expected):
            raise JudgeError(f"{path}: the {name} decision is for other features; refit it")
    return judge


_LOCK = threading.Lock()
_LOADED: dict[str, JudgeMeta | JudgeError] = {}


def load_judge(path: str | Path | None = None) -> JudgeMeta:
    """The shipped judge (extractors/heads/judge.json), `QUALIFY_JUDGE`, or `path`; read once,
    failures remembered too. Raises JudgeError."""
    chosen = Path(path or os.environ.get(JUDGE_ENV) or heads.HEADS_DIR / JUDGE_FILE)
    key = str(chosen.expanduser().resolve())
    with _LOCK:
        if key not in _LOADED:
            try:
                _LOADED[key] = read_judge(chosen.expanduser())
            except JudgeError as exc:
                _LOADED[key] = exc
        item = _LOADED[key]
    if isinstance(item, JudgeError):
        raise item
    return item


def clear_cache() -> None:
    """Forget loaded judges (tests)."""
    with _LOCK:
        _LOADED.clear()
