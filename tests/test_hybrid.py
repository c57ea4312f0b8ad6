"""How model-only findings join the rule signals (no model needed: candidates are given)."""

from __future__ import annotations

from extractors.hybrid import combine
from extractors.schema import Document


def _notes(text: str) -> Document:
    return Document(kind="notes", text=text)


def _added(text: str, dimension: str, prob: float = 0.9) -> list:
    doc = _notes(text)
    return combine(doc, [], [(0, len(text), dimension, prob)], "test")


def test_a_next_step_must_look_ahead() -> None:
    assert _added("Thanks for the call on Monday.", "next_step") == []
    [sig] = _added("I'll send the deck over before Friday.", "next_step")
    assert sig.extractor == "semantic" and sig.polarity == "for"


def test_a_timeline_must_name_a_time() -> None:
    assert _added("The team is keen on this.", "timeline") == []
    [sig] = _added("We need it running before the busy season.", "timeline")
    assert sig.dimension == "timeline"


def test_questions_and_hypotheticals_from_the_model_are_dropped() -> None:
    assert _added("Do you have budget set aside for this?", "budget") == []
    assert _added("If we had the money we would buy it.", "budget") == []


def test_a_firm_date_is_not_read_as_no_timeline() -> None:
    [sig] = _added("Our kickoff is in January, so that date doesn't move.", "timeline")
    assert sig.polarity == "for"


def test_model_only_confidence_stays_below_rules() -> None:
    [sig] = _added("The money side is sorted for this.", "budget", prob=0.99)
    assert sig.confidence <= 0.75
    assert sig.evidence.quote == "The money side is sorted for this."
