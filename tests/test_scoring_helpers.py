"""Builders for hand-made leads used by the scoring tests."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

import datetime as dt
from typing import Any

from extractors.schema import Evidence, Signal
from scoring import LeadFacts, ScoredSignal

NOW = dt.date(2026, 4, 1)


def sig(
    sid: int,
    dimension: str,
    type_: str,
    value: Any = None,
    *,
    polarity: str = "for",
    confidence: float = 1.0,
    quote: str | None = None,
    age_days: int | None = 0,
    review: str | None = None,
    edited_value: Any = None,
    doc: int = 1,
) -> ScoredSignal:
    """One scored signal; `age_days` is how old its document is relative to NOW."""
    q = quote or f"{dimension} {type_} quote"
    return ScoredSignal(
        signal_id=sid,
        document_id=doc,
        document_date=None if age_days is None else NOW - dt.timedelta(days=age_days),
        review=review,
        edited_value=edited_value,
        reviewer="mgr" if review else None,
        review_reason="checked the call" if review else None,
        signal=Signal(
            dimension=dimension,
            type=type_,
            value=value,
            polarity=polarity,
            confidence=confidence,
            evidence=Evidence(
                start=0, end=len(q), quote=q, extractor="test", extractor_version="1"
            ),
        ),
    )


def enterprise_sql() -> tuple[LeadFacts, list[ScoredSignal]]:
    """Everything an enterprise SQL needs, but no procurement steps yet."""
    facts = LeadFacts(id="acme", name="Acme Logistics", employees=2400, industry="logistics",
                      potential_arr=250000)
    signals = [
        sig(1, "budget", "status", "earmarked", quote="we have 80k earmarked for this", doc=3),
        sig(2, "budget", "amount", {"amount": 80000, "currency": "USD", "period": "year"}),
        sig(3, "authority", "economic_buyer", "economic_buyer", quote="our CFO Dana signs"),
        sig(4, "timeline", "target_date", {"date": "2026-06-30", "phrase": "end of Q2"}),
        sig(5, "security", "requirement", "SOC 2 Type II"),
        sig(6, "stakeholder", "person", {"name": "Dana Ortiz", "title": "CFO",
                                         "buying_role": "economic_buyer"}),
        sig(7, "stakeholder", "person", {"name": "Lee Park", "title": "VP Operations",
                                         "buying_role": "champion"}),
        sig(8, "need", "pain", None, quote="manual review takes days"),
        sig(9, "next_step", "meeting", {"date": "2026-04-08", "phrase": "next Wednesday"}),
    ]
    return facts, signals


def enterprise_planned() -> tuple[LeadFacts, list[ScoredSignal]]:
    """Like enterprise_sql, but budget only planned: the SQL gate must block on budget."""
    facts, signals = enterprise_sql()
    signals[0] = sig(1, "budget", "status", "planned", quote="budget is planned for FY27", doc=3)
    return facts, signals


def smb_stale() -> tuple[LeadFacts, list[ScoredSignal]]:
    """A small company whose intent is three months old."""
    facts = LeadFacts(id="tiny", name="Tiny Shop", employees=12, industry="retail",
                      potential_arr=4000)
    signals = [
        sig(1, "need", "pain", None, age_days=90),
        sig(2, "timeline", "urgency", "urgent", age_days=90),
        sig(3, "budget", "status", "approved", age_days=90, confidence=0.8),
    ]
    return facts, signals


def disqualified() -> tuple[LeadFacts, list[ScoredSignal]]:
    """A student who is just researching and already chose a competitor."""
    facts = LeadFacts(id="student", name="Uni project", employees=1, industry="education",
                      student=True)
    signals = [
        sig(1, "need", "no_need", None, polarity="against", quote="just researching"),
        sig(2, "competition", "chosen", {"name": "Gong"}, polarity="against"),
    ]
    return facts, signals


GOLDEN_LEADS = {
    "enterprise_sql": enterprise_sql,
    "enterprise_planned": enterprise_planned,
    "smb_stale": smb_stale,
    "disqualified": disqualified,
}
