"""Hostile input: no crash, no hang, evidence always quotes the document."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import extract
from extractors.schema import Document, Utterance

PIECES = st.sampled_from([
    "we need SSO", "BUDGET IS APPROVED 50K", "no budget", "<div><br/>&nbsp;</div>", "🙂🔥",
    "| 12 | 34 | 56 |", "nous avons un budget de 50k €", "予算は承認済み", "?", ",,,", "Q3",
    "if", "not", "$$$", "CFO", "Dana Ortiz", "\t", "\n", "  ", "9" * 40, "a" * 300,
    "end of next quarter", "(((", "let's do a demo next Tuesday", "SOC 2 Type II",
])
TEXT = st.one_of(
    st.lists(PIECES, max_size=60).map(" ".join),
    st.text(max_size=400),
)


def _doc(text: str) -> Document:
    utt = (Utterance(index=0, role="prospect", speaker="P", start=0, end=len(text), text=text),)
    return Document(kind="call", text=text, utterances=utt if text else ())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_text_extracts_quickly_with_valid_evidence(text: str) -> None:
    started = time.perf_counter()
    signals = extract(_doc(text))
    assert time.perf_counter() - started < 1.0
    for sig in signals:
        sig.evidence.check_against(text)


def test_one_huge_line_without_punctuation_does_not_hang() -> None:
    text = ("we need sso and budget approved and our cfo signs " * 2000).strip()
    started = time.perf_counter()
    signals = extract(_doc(text))
    assert time.perf_counter() - started < 5.0
    for sig in signals:
        sig.evidence.check_against(text)


def test_empty_and_blank_documents() -> None:
    assert extract(Document(kind="notes", text="")) == []
    assert extract(Document(kind="notes", text="   \n\n  ")) == []
