"""The semantic dimension head: sentence spans, training data, candidates with offsets."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import heads, models, semantic  # noqa: E402
from extractors.heads import Head, HeadError, HeadMeta  # noqa: E402
from extractors.schema import Document, Utterance  # noqa: E402


def _model_or_skip() -> None:
    status = models.model_status()
    if not status.available:
        pytest.skip(f"embedding model not installed: {status.reason}")


# --- sentences ----------------------------------------------------------------------------


def test_split_sentences_examples() -> None:
    text = "Hi Jordan,\n\nWe have 80k approved. Does that help?\n- CFO signs; needs SOC2 T2"
    got = [text[s:e] for s, e in semantic.split_sentences(text)]
    assert got == [
        "Hi Jordan,", "We have 80k approved.", "Does that help?", "CFO signs", "needs SOC2 T2",
    ]
    quoted = 'She said "yes." Then left.'
    assert [quoted[s:e] for s, e in semantic.split_sentences(quoted)] == [
        'She said "yes."', "Then left.",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?;\n-\"'")), max_size=60), st.integers(0, 50))
def test_split_sentences_spans_are_exact_and_ordered(text: str, offset: int) -> None:
    padded = "x" * offset + text
    spans = semantic.split_sentences(text, offset=offset)
    last = offset
    for s, e in spans:
        assert last <= s < e <= offset + len(text)
        piece = padded[s:e]
        assert piece == piece.strip() and piece
        last = e


# --- training data ------------------------------------------------------------------------


def test_never_trains_on_the_test_split() -> None:
    with pytest.raises(semantic.SemanticError, match="never train"):
        semantic.examples_from_folder(ROOT / "fixtures" / "gold" / "test")


def test_examples_from_the_dev_corpus() -> None:
    folder = ROOT / "fixtures" / "docs"
    if not (folder / "labels.jsonl").is_file():
        pytest.skip("no labeled demo corpus yet")
    examples = semantic.examples_from_folder(folder)
    dims = {d for _, d in examples}
    assert None in dims and "budget" in dims
    assert all(t == t.strip() and t for t, _ in examples)
    # Rep questions are not negatives or positives: they are simply not prospect text.
    assert not any(t.startswith("<v ") for t, _ in examples)


def test_paraphrase_file_is_valid() -> None:
    path = semantic.PARAPHRASE_FILE
    assert path.is_file() and (path.parent / "README.md").is_file()
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 300
    for row in rows:
        assert set(row) == {"text", "dimension"}
        assert isinstance(row["text"], str) and row["text"] == row["text"].strip()
        assert row["dimension"] is None or row["dimension"] in semantic.DIMENSIONS
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts), "duplicate paraphrase texts"
    counts = Counter(r["dimension"] for r in rows)
    assert all(counts[d] >= 30 for d in semantic.DIMENSIONS), counts
    assert counts[None] >= 30
    assert semantic.paraphrase_examples() == [(r["text"], r["dimension"]) for r in rows]


def test_paraphrases_are_never_held_out() -> None:
    extra = semantic.paraphrase_examples()
    corpus = [f"Corpus sentence number {i}, about nothing much." for i in range(400)]
    train, test = semantic.split_examples([(t, None, t) for t in corpus], extra)
    held = {t for t, _ in test}
    assert held and held <= set(corpus)
    assert set(extra) <= set(train)
    # a paraphrase that happens to equal a held-out corpus sentence is not trained on either
    clash = next(iter(held))
    train, test = semantic.split_examples([(t, None, t) for t in corpus], [(clash, "need")])
    assert (clash, "need") not in train and (clash, None) in test
    # on the real corpus the held-out set holds no paraphrase
    folder = ROOT / "fixtures" / "docs"
    if (folder / "labels.jsonl").is_file():
        train, test = semantic.split_examples(semantic._grouped_examples(folder), extra)
        assert not {t for t, _ in test} & {t for t, _ in extra}
        assert set(extra) <= set(train)
    with pytest.raises(semantic.SemanticError, match="never train"):
        semantic.paraphrase_examples(ROOT / "fixtures" / "gold" / "test" / "labels.jsonl")


def test_shipped_head_metadata() -> None:
    head = heads.load(heads.HEADS_DIR / "semantic.json", kind="semantic")
    assert head.labels == list(semantic.LABELS)
    assert head.meta.embedding_model == models.MODEL_NAME
    assert head.meta.n_train > 100 and "macro_f1" in head.meta.metrics


# --- with the model -----------------------------------------------------------------------


@pytest.mark.slow
def test_classify_obvious_sentences() -> None:
    _model_or_skip()
    got = semantic.classify([
        "We have about 80k approved in the budget for this.",
        "We need SSO and a SOC 2 Type II report before we can sign.",
        "Our CFO has final sign-off on the contract.",
    ])
    assert [d for d, _ in got] == ["budget", "security", "authority"]
    assert all(0.0 < p <= 1.0 for _, p in got)
    assert semantic.classify([]) == []


@pytest.mark.slow
def test_candidates_skip_rep_turns_and_point_into_the_text() -> None:
    _model_or_skip()
    parts = [
        ("Sam", "rep", "Do you have budget approved for this? And do you need SOC 2?"),
        ("Dana", "prospect", "Yes. We have 60k approved for this year. We also need SSO."),
        ("Lee", "unknown", "Nice weather today, honestly."),
    ]
    text, utts, pos = "", [], 0
    for i, (who, role, said) in enumerate(parts):
        start = pos + len(who) + 2
        utts.append(Utterance(index=i, speaker=who, role=role, start=start,
                              end=start + len(said), text=said))
        text += f"{who}: {said}\n"
        pos = len(text)
    doc = Document(kind="call", text=text, utterances=tuple(utts))
    cands = semantic.semantic_candidates(doc)
    rep_end = utts[0].end
    assert cands, "expected the prospect's budget and security sentences"
    assert all(s > rep_end for s, _, _, _ in cands)
    found = {text[s:e]: dim for s, e, dim, _ in cands}
    assert found.get("We have 60k approved for this year.") == "budget"
    assert found.get("We also need SSO.") == "security"
    assert "Yes." not in found


@pytest.mark.slow
def test_head_for_another_model_is_refused(tmp_path: Path) -> None:
    _model_or_skip()
    meta = HeadMeta(kind="semantic", version="1", embedding_model="other/encoder",
                    embedding_dim=384, labels=list(semantic.LABELS), trained_at=heads.now_iso())
    path = Head(np.zeros((384, len(semantic.LABELS))), np.zeros(len(semantic.LABELS)),
                meta).save(tmp_path)
    with pytest.raises(HeadError, match="other/encoder.*retrain"):
        semantic.load_head(path)


@pytest.mark.slow
def test_train_head_on_a_few_examples() -> None:
    _model_or_skip()
    examples = [
        ("We have 50k set aside for this.", "budget"),
        ("The budget is approved for next year.", "budget"),
        ("Our spend on this is capped at 20k.", "budget"),
        ("We need SAML single sign-on.", "security"),
        ("The security questionnaire is mandatory.", "security"),
        ("All data must be encrypted at rest.", "security"),
        ("The traffic was bad this morning.", None),
        ("Thanks for the coffee recommendation.", None),
        ("It's been a long week.", None),
    ]
    head = semantic.train_head(examples, epochs=200)
    got = semantic.classify(["Money for this is already earmarked.", "We require MFA."],
                            head=head)
    assert [d for d, _ in got] == ["budget", "security"]
    with pytest.raises(semantic.SemanticError, match="unknown dimensions"):
        semantic.train_head([("x y z", "money")])
