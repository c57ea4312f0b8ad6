"""Sentiment per utterance (positive / neutral / negative) and objection types.

No packaged English sentiment transformer exists on PyPI that ships its weights, so sentiment is
a small softmax head on the MiniLM sentence embeddings (extractors.models), trained on the
sales-conversation utterances in fixtures/sentiment/utterances.jsonl. Objection types are rules:
the cue words are few and a manager must be able to read why a line counts as "price".

Retrain the shipped head:  python -m extractors.sentiment train
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ValidationError

from extractors import heads
from extractors.heads import Head, HeadError, HeadMeta
from extractors.models import ModelUnavailable, get_embedder
from extractors.schema import Document, Role

SentimentLabel = Literal["positive", "neutral", "negative"]
SENTIMENT_LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
ObjectionType = Literal["price", "timing", "competitor", "security", "status_quo"]
OBJECTION_TYPES: tuple[str, ...] = ("price", "timing", "competitor", "security", "status_quo")
HEAD_KIND = "sentiment"
HEAD_VERSION = "1"
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURE = ROOT / "fixtures" / "sentiment" / "utterances.jsonl"


class SentimentError(ValueError):
    """Bad sentiment input (e.g. a malformed fixture line); the message says what to fix."""


class Sentiment(BaseModel):
    """One text's sentiment: `score` = P(positive) - P(negative), in [-1, 1]."""

    label: SentimentLabel
    score: float
    confidence: float


class UtteranceSentiment(BaseModel):
    """Sentiment of one utterance, with where it is and, when negative, its objection type."""

    index: int
    speaker: str | None
    role: Role
    start: int
    end: int
    label: SentimentLabel
    score: float
    confidence: float
    objection: ObjectionType | None = None


class SpeakerSentiment(BaseModel):
    """Average score and label counts for one speaker."""

    speaker: str
    role: Role
    mean_score: float
    n: int
    counts: dict[str, int]


class DocumentSentiment(BaseModel):
    """Per-utterance list, per-speaker averages, and the prospect-side document average."""

    utterances: list[UtteranceSentiment]
    speakers: list[SpeakerSentiment]
    mean_score: float | None
    label: SentimentLabel | None
    objections: dict[str, int]


class LabeledUtterance(BaseModel):
    """One line of fixtures/sentiment/utterances.jsonl."""

    id: str
    text: str
    label: SentimentLabel
    split: Literal["train", "test"]
    objection: ObjectionType | None = None


# --- objection rules ----------------------------------------------------------------------
# Checked in this order: the first type whose cue matches wins ("the competitor quoted half of
# that" is a competitor objection even though it talks about price).
_OBJECTION_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("security", re.compile(
        r"\b(security|soc ?2|iso ?27001|hipaa|baa|gdpr|dpa|compliance|ciso|on-?prem\w*|"
        r"data residency|residency|encryption|audit(or)?s?|sso|saml|pen ?test|questionnaire|"
        r"customer data|data retention|data leaving|our region|privacy|infosec)\b")),
    ("competitor", re.compile(
        r"\b(competitors?|competitor's|another vendor|other vendors?|different (direction|vendor)|"
        r"signed with|went with|go(ing)? with (another|someone|them)|chose|chosen|"
        r"gong|clari|chorus|outreach|salesloft|they look (stronger|better))\b")),
    ("status_quo", re.compile(
        r"\b(happy with what we have|current (tool|contract|vendor|system|setup|process)|"
        r"stick(ing)? with|locked in(to)?|works fine|why would we change|switch(ing)?|"
        r"incumbent|renew(ing)? with|spreadsheets? for now|what we have)\b")),
    ("price", re.compile(
        r"\b(price[sd]?|pricing|expensive|overpriced|costs?|afford|budget(ed)?|quote[ds]?|"
        r"discount|fees?|per-seat|too much money|roi|invoice|cheaper|money|charged|"
        r"upsold|upsell)\b")),
    ("timing", re.compile(
        r"\b(not a priority|priorit\w*|deprioriti\w*|this year|next year|next quarter|timing|"
        r"on hold|too late|too long|timeline|wait(ing)?|not ready|later|end of the year|"
        r"right now|q[1-4]|not now|this quarter|pause[d]?)\b")),
)


def objection_type(text: str) -> ObjectionType | None:
    """The kind of objection a line raises (price, timing, competitor, security, status quo)."""
    low = text.lower()
    for kind, pattern in _OBJECTION_RULES:
        if pattern.search(low):
            return kind  # type: ignore[return-value]
    return None


# --- the head -----------------------------------------------------------------------------


class _HeadCache:
    """Loaded sentiment heads by path, shared by every caller."""

    def __init__(self) -> None:
        self._heads: dict[str, Head] = {}

    def get(self, path: str | Path | None) -> Head:
        key = str(path or heads.HEADS_DIR / f"{HEAD_KIND}.json")
        if key not in self._heads:
            self._heads[key] = heads.load(key, kind=HEAD_KIND)
        return self._heads[key]


_HEADS = _HeadCache()


def load_sentiment_head(path: str | Path | None = None) -> Head:
    """The shipped head (extractors/heads/sentiment.json) or one at `path`. Raises HeadError."""
    return _HEADS.get(path)


def load_fixture(path: str | Path = DEFAULT_FIXTURE) -> list[LabeledUtterance]:
    """Read labeled utterances; a bad line gives one clear error naming the line."""
    rows: list[LabeledUtterance] = []
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SentimentError(f"cannot read {p}: {exc.strerror}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append(LabeledUtterance.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise SentimentError(f"{p}:{n}: not a valid labeled utterance ({first})") from exc
    return rows


def train_sentiment_head(
    examples: Sequence[tuple[str, str]], metrics: dict | None = None, epochs: int = 400
) -> Head:
    """Fit the head on (text, label) pairs using the shared embedder."""
    bad = {lab for _, lab in examples if lab not in SENTIMENT_LABELS}
    if bad:
        raise SentimentError(f"unknown sentiment labels {sorted(bad)}; use {SENTIMENT_LABELS}")
    if not examples:
        raise SentimentError("no examples to train the sentiment head on")
    emb = get_embedder()
    x = emb.embed([t for t, _ in examples])
    y = np.array([SENTIMENT_LABELS.index(lab) for _, lab in examples])
    k = len(SENTIMENT_LABELS)
    w, b = heads.fit_softmax(
        x, y, k, l2=1e-3, epochs=epochs, lr=0.05, class_weight=heads.balanced_weights(y, k)
    )
    meta = HeadMeta(
        kind=HEAD_KIND, version=HEAD_VERSION, embedding_model=emb.name, embedding_dim=emb.dim,
        labels=list(SENTIMENT_LABELS), metrics=metrics or {}, trained_at=heads.now_iso(),
        n_train=len(examples),
    )
    return Head(w, b, meta)


def classify_sentiment(
    texts: Sequence[str], head: Head | None = None, batch_size: int = 32
) -> list[Sentiment]:
    """Sentiment of each text. Raises ModelUnavailable / HeadError; callers fall back."""
    if not texts:
        return []
    head = head or load_sentiment_head()
    emb = get_embedder()
    head.check_embedder(emb.name, emb.dim)
    proba = head.predict_proba(emb.embed(list(texts), batch_size=batch_size))
    li = {lab: head.labels.index(lab) for lab in SENTIMENT_LABELS}
    out = []
    for row in proba:
        best = int(row.argmax())
        out.append(Sentiment(
            label=head.labels[best],  # type: ignore[arg-type]
            score=round(float(row[li["positive"]] - row[li["negative"]]), 4),
            confidence=round(float(row[best]), 4),
        ))
    return out


def sentiment(text: str, head: Head | None = None) -> Sentiment:
    """Sentiment of one text."""
    return classify_sentiment([text], head=head)[0]


def _label_for(score: float) -> SentimentLabel:
    if score >= 0.25:
        return "positive"
    if score <= -0.25:
        return "negative"
    return "neutral"


def document_sentiment(document: Document, head: Head | None = None) -> DocumentSentiment:
    """Sentiment of every utterance; the document average covers prospect/unknown turns only,
    since a rep's cheerfulness says nothing about the lead."""
    utts = [
        (u.index, u.speaker, u.role, u.start, u.end, u.text)
        for u in document.utterances
        if u.text.strip()
    ]
    if not utts and document.text.strip():
        utts = [(0, None, "unknown", 0, len(document.text), document.text)]
    results = classify_sentiment([u[5] for u in utts], head=head)
    items: list[UtteranceSentiment] = []
    for (index, speaker, role, start, end, text), res in zip(utts, results, strict=True):
        items.append(UtteranceSentiment(
            index=index, speaker=speaker, role=role, start=start, end=end, label=res.label,
            score=res.score, confidence=res.confidence,
            objection=objection_type(text) if res.label == "negative" else None,
        ))
    by_speaker: dict[str, list[UtteranceSentiment]] = {}
    for item in items:
        by_speaker.setdefault(item.speaker or "(unknown)", []).append(item)
    speakers = [
        SpeakerSentiment(
            speaker=name, role=group[0].role, n=len(group),
            mean_score=round(float(np.mean([g.score for g in group])), 4),
            counts={lab: sum(1 for g in group if g.label == lab) for lab in SENTIMENT_LABELS},
        )
        for name, group in by_speaker.items()
    ]
    prospect = [i.score for i in items if i.role != "rep"]
    mean = round(float(np.mean(prospect)), 4) if prospect else None
    objections: dict[str, int] = {}
    for item in items:
        if item.objection and item.role != "rep":
            objections[item.objection] = objections.get(item.objection, 0) + 1
    return DocumentSentiment(
        utterances=items, speakers=speakers, mean_score=mean,
        label=_label_for(mean) if mean is not None else None, objections=objections,
    )


# --- evaluation and training entry point --------------------------------------------------


def evaluate(head: Head, rows: Sequence[LabeledUtterance]) -> dict:
    """Accuracy, macro-F1 and per-label scores of `head` on labeled rows."""
    preds = classify_sentiment([r.text for r in rows], head=head)
    return heads.classification_metrics(
        [r.label for r in rows], [p.label for p in preds], SENTIMENT_LABELS
    )


def evaluate_objections(rows: Sequence[LabeledUtterance]) -> dict:
    """Rule accuracy on negative rows: typed ones must match, untyped ones count as None."""
    neg = [r for r in rows if r.label == "negative"]
    gold = [r.objection or "none" for r in neg]
    pred = [objection_type(r.text) or "none" for r in neg]
    return heads.classification_metrics(gold, pred, (*OBJECTION_TYPES, "none"))


def train_and_measure(fixture: str | Path = DEFAULT_FIXTURE) -> tuple[Head, dict]:
    """Train on the train split and measure on the test split.

    The shipped head is the one measured, so its metrics hold: it never saw the test split.
    """
    rows = load_fixture(fixture)
    train = [r for r in rows if r.split == "train"]
    test = [r for r in rows if r.split == "test"]
    head = train_sentiment_head([(r.text, r.label) for r in train])
    metrics = evaluate(head, test)
    metrics["objections_all_negative_rows"] = {
        k: v for k, v in evaluate_objections(rows).items() if k != "per_label"
    }
    head.meta.metrics = {"test": metrics, "fixture": str(Path(fixture).name),
                         "n_test": len(test)}
    return head, metrics


def main(argv: list[str] | None = None) -> int:
    """`python -m extractors.sentiment train|eval`: retrain the shipped head or measure it."""
    parser = argparse.ArgumentParser(prog="python -m extractors.sentiment")
    parser.add_argument("command", choices=("train", "eval"))
    parser.add_argument("--fixture", default=str(DEFAULT_FIXTURE))
    parser.add_argument("--out", default=str(heads.HEADS_DIR))
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            head, metrics = train_and_measure(args.fixture)
            path = head.save(args.out)
            print(f"saved {path}")
        else:
            rows = [r for r in load_fixture(args.fixture) if r.split == "test"]
            metrics = evaluate(load_sentiment_head(), rows)
    except (SentimentError, HeadError, ModelUnavailable) as exc:
        print(f"error: {exc}")
        return 1
    print(json.dumps({k: v for k, v in metrics.items()}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
