"""Sentiment per utterance, objection types, and the labeled fixture they are measured on."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import models, sentiment  # noqa: E402
from extractors.heads import HeadError  # noqa: E402
from extractors.schema import Document, Utterance  # noqa: E402

FIXTURE = ROOT / "fixtures" / "sentiment" / "utterances.jsonl"


def _model_or_skip() -> None:
    status = models.model_status()
    if not status.available:
        pytest.skip(f"embedding model not installed: {status.reason}")


# --- the fixture --------------------------------------------------------------------------


def test_fixture_is_large_balanced_and_split() -> None:
    rows = sentiment.load_fixture(FIXTURE)
    assert len(rows) >= 260
    labels = Counter(r.label for r in rows)
    assert min(labels.values()) >= 80, labels
    test_share = sum(r.split == "test" for r in rows) / len(rows)
    assert 0.35 <= test_share <= 0.45
    texts = [r.text for r in rows]
    assert len(set(texts)) == len(texts), "duplicate utterances leak between splits"
    assert len({r.id for r in rows}) == len(rows)


def test_bad_fixture_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "u.jsonl"
    good = {"id": "a", "text": "ok", "label": "neutral", "split": "train"}
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "label": "meh"}) + "\n")
    with pytest.raises(sentiment.SentimentError, match=r"u\.jsonl:2"):
        sentiment.load_fixture(path)
    with pytest.raises(sentiment.SentimentError, match="cannot read"):
        sentiment.load_fixture(tmp_path / "missing.jsonl")


# --- objection rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("That's way too expensive for a team our size.", "price"),
        ("We can't afford the per-seat fees.", "price"),
        ("Not a priority until next year.", "timing"),
        ("The project is on hold for now.", "timing"),
        ("We already signed with Gong last month.", "competitor"),
        ("Your competitor quoted us half of that.", "competitor"),
        ("Without SOC 2 Type II our CISO won't approve it.", "security"),
        ("We need EU data residency and you don't have it.", "security"),
        ("We're happy with what we have, why would we switch?", "status_quo"),
        ("We're locked into our current contract.", "status_quo"),
        ("The demo kept crashing.", None),
        ("", None),
    ],
)
def test_objection_type(text: str, kind: str | None) -> None:
    assert sentiment.objection_type(text) == kind


def test_objection_rules_agree_with_the_fixture() -> None:
    metrics = sentiment.evaluate_objections(sentiment.load_fixture(FIXTURE))
    assert metrics["accuracy"] >= 0.85


def test_missing_head_is_a_head_error(tmp_path: Path) -> None:
    with pytest.raises(HeadError, match="does not exist"):
        sentiment.load_sentiment_head(tmp_path / "sentiment.json")


def test_shipped_head_metadata() -> None:
    head = sentiment.load_sentiment_head()
    assert head.labels == list(sentiment.SENTIMENT_LABELS)
    assert head.meta.embedding_model == models.MODEL_NAME and head.meta.embedding_dim == 384
    assert head.meta.metrics["test"]["accuracy"] >= 0.80
    assert head.meta.metrics["test"]["macro_f1"] >= 0.75


# --- with the model -----------------------------------------------------------------------


@pytest.mark.slow
def test_shipped_head_meets_targets_on_the_test_split() -> None:
    _model_or_skip()
    rows = [r for r in sentiment.load_fixture(FIXTURE) if r.split == "test"]
    metrics = sentiment.evaluate(sentiment.load_sentiment_head(), rows)
    assert metrics["accuracy"] >= 0.80, metrics
    assert metrics["macro_f1"] >= 0.75, metrics


@pytest.mark.slow
def test_clear_cases() -> None:
    _model_or_skip()
    got = sentiment.classify_sentiment([
        "This is fantastic, my team is going to love it!",
        "Honestly this is a waste of money and I'm really disappointed.",
        "Our fiscal year starts in February.",
    ])
    assert [g.label for g in got] == ["positive", "negative", "neutral"]
    assert got[0].score > 0.3 > -0.3 > got[1].score
    assert all(0 <= g.confidence <= 1 for g in got)
    assert sentiment.classify_sentiment([]) == []


def _doc() -> Document:
    lines = [
        ("Sam Rivera", "rep", "Great to meet you! We're thrilled you're here."),
        ("Dana Ortiz", "prospect", "Honestly the price is way too high for us, it's frustrating."),
        ("Dana Ortiz", "prospect", "We'd also need SOC 2 Type II and we're worried you lack it."),
        ("Sam Rivera", "rep", "Understood, let me check on that."),
    ]
    text, utts, pos = "", [], 0
    for i, (who, role, said) in enumerate(lines):
        line = f"{who}: {said}\n"
        start = pos + len(who) + 2
        utts.append(Utterance(index=i, speaker=who, role=role, start=start,
                              end=start + len(said), text=said))
        text += line
        pos += len(line)
    return Document(kind="call", text=text, utterances=tuple(utts))


@pytest.mark.slow
def test_document_sentiment_per_speaker_and_prospect_average() -> None:
    _model_or_skip()
    doc = _doc()
    result = sentiment.document_sentiment(doc)
    assert len(result.utterances) == 4
    for item in result.utterances:
        assert doc.text[item.start : item.end] == doc.utterances[item.index].text
    by = {s.speaker: s for s in result.speakers}
    assert by["Dana Ortiz"].n == 2 and by["Dana Ortiz"].mean_score < 0
    assert by["Sam Rivera"].mean_score > by["Dana Ortiz"].mean_score
    # The cheerful rep does not lift the document: it is the prospect's mood.
    assert result.mean_score == pytest.approx(by["Dana Ortiz"].mean_score, abs=1e-3)
    assert result.label == "negative"
    assert result.utterances[1].objection == "price"
    assert result.objections.get("price") == 1


@pytest.mark.slow
def test_document_without_utterances_uses_its_text() -> None:
    _model_or_skip()
    doc = Document(kind="notes", text="Prospect is excited, loved the demo, wants a pilot.")
    result = sentiment.document_sentiment(doc)
    assert len(result.utterances) == 1 and result.label == "positive"
