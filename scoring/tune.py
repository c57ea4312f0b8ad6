"""Fit dimension weights to won/lost outcomes and write them back as a candidate model file."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import numpy as np
from pydantic import BaseModel, ConfigDict

from scoring.backtest import OutcomeRow, validate_outcomes
from scoring.errors import InputError
from scoring.explain import allocate
from scoring.model import SCORING_DIMENSIONS, ScoringModel
from scoring.result import Score
from scoring.tomlwrite import dumps

FEATURES: tuple[str, ...] = ("fit", *SCORING_DIMENSIONS)
MIN_SEGMENT_ROWS = 60


class FeatureRow(BaseModel):
    """Per-dimension share reached (0..1, negative when against), as the tuner sees a lead."""

    model_config = ConfigDict(frozen=True)

    lead_id: str
    segment: str
    features: dict[str, float]


def feature_rows(scores: Iterable[Score]) -> list[FeatureRow]:
    """Feature rows from scores (the unrounded `Score.features`)."""
    return [
        FeatureRow(lead_id=s.lead, segment=s.segment, features=dict(s.features)) for s in scores
    ]


def fit_logistic(
    x: np.ndarray, y: np.ndarray, epochs: int = 3000, rate: float = 0.5, l2: float = 1e-3
) -> tuple[np.ndarray, float]:
    """Logistic regression by full-batch gradient descent; weights kept >= 0 (a weight is a
    maximum number of points, so it cannot be negative)."""
    w = np.zeros(x.shape[1])
    b = 0.0
    n = len(y)
    for _ in range(epochs):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        err = p - y
        w -= rate * (x.T @ err / n + l2 * w)
        b -= rate * float(err.mean())
        np.maximum(w, 0.0, out=w)
    return w, b


def _weights(coef: np.ndarray, scale: int) -> tuple[int, dict[str, int]]:
    """Map coefficients onto integer points that sum to the scale: (fit, dimension weights)."""
    if coef.sum() <= 0:
        raise InputError("tuning found no dimension that predicts wins; add more outcomes")
    share = coef / coef.sum() * scale
    ints, _ = allocate(list(share))
    return ints[0], dict(zip(SCORING_DIMENSIONS, ints[1:], strict=True))


def tune(
    rows: list[FeatureRow],
    outcomes: Iterable[Mapping[str, str] | OutcomeRow],
    base_model: ScoringModel,
) -> str:
    """Candidate model TOML: the base model with fit/engagement and weights refit per segment
    (segments with fewer than 60 labelled leads use weights fit on all leads)."""
    by_lead = {r.lead_id: r for r in rows}
    good, problems = validate_outcomes(outcomes, set(by_lead))
    if len(good) < 20:
        raise InputError(f"tuning needs at least 20 usable outcome rows, got {len(good)}")
    data = [(by_lead[o.lead_id], 1.0 if o.outcome == "won" else 0.0) for o in good]
    x = np.array([[r.features.get(f, 0.0) for f in FEATURES] for r, _ in data])
    y = np.array([label for _, label in data])
    if y.min() == y.max():
        raise InputError("tuning needs both won and lost outcomes")
    global_w, _ = fit_logistic(x, y)
    dump = base_model.model_dump(mode="json", exclude={"version"}, exclude_defaults=True)
    notes = []
    for seg in base_model.segments:
        mask = np.array([r.segment == seg for r, _ in data], dtype=bool)
        ys = y[mask]
        if mask.sum() >= MIN_SEGMENT_ROWS and 0 < ys.sum() < len(ys):
            coef, _ = fit_logistic(x[mask], ys)
            how = f"{int(mask.sum())} leads"
        else:
            coef = global_w
            how = f"global fit ({int(mask.sum())} leads in segment)"
        fit, weights = _weights(coef, base_model.scale)
        seg_dump = dump["segments"][seg]
        seg_dump["fit"] = fit
        seg_dump["engagement"] = base_model.scale - fit
        seg_dump["weights"] = weights
        notes.append(f"{seg}: {how}")
    dump["name"] = f"{base_model.name}-tuned"
    source = f"{base_model.name}@{base_model.version}"
    dump["description"] = f"Tuned from {source} on {len(good)} outcomes"
    header = "\n".join(
        [
            f"Candidate model tuned from {base_model.name}@{base_model.version}.",
            f"Logistic regression on {len(good)} outcomes; {len(problems)} rows skipped.",
            *notes,
            *problems[:20],
        ]
    )
    return dumps(dump, header=header)


def in_training_half(lead_id: str) -> bool:
    """Deterministic 50/50 split by lead id, so tuning and held-out checks never overlap."""
    return int(hashlib.sha256(lead_id.encode()).hexdigest(), 16) % 2 == 0
