"""Apply human reviews to signals and derive the keys that the model's tables use."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from scoring.inputs import ScoredSignal


@dataclass(frozen=True, slots=True)
class Effective:
    """A signal as scoring sees it: reviewed value, confidence, scoring dimension and keys."""

    sid: int
    dimension: str
    type: str
    value: Any
    value_key: str
    polarity: str
    confidence: float
    date: dt.date | None
    document_id: int | None
    quote: str
    note: str


def value_key(dimension: str, value: Any) -> str:
    """The lower-case value part of a table key (`budget.status.approved`)."""
    if isinstance(value, str):
        return value.strip().lower()
    if isinstance(value, dict):
        for field in ("buying_role", "status"):
            got = value.get(field)
            if isinstance(got, str):
                return got.strip().lower()
    return ""


def effective(ss: ScoredSignal) -> Effective | None:
    """None for a rejected signal; confirmed and edited signals count with confidence 1."""
    if ss.review == "rejected":
        return None
    sig = ss.signal
    value = ss.edited_value if ss.review == "edited" else sig.value
    confidence = 1.0 if ss.review in ("confirmed", "edited") else sig.confidence
    dimension, type_ = sig.dimension, sig.type
    if type_ == "sentiment":
        dimension = "sentiment"
        type_ = value.lower() if isinstance(value, str) else (
            "positive" if sig.polarity == "for" else "negative"
        )
    notes = []
    if ss.review == "edited":
        notes.append(f"edited by {ss.reviewer or 'reviewer'}")
    elif ss.review == "confirmed":
        notes.append(f"confirmed by {ss.reviewer or 'reviewer'}")
    if sig.modifiers:
        notes.append(", ".join(sig.modifiers))
    return Effective(
        sid=ss.signal_id,
        dimension=dimension,
        type=type_.lower(),
        value=value,
        value_key=value_key(dimension, value),
        polarity=sig.polarity,
        confidence=confidence,
        date=ss.document_date,
        document_id=ss.document_id,
        quote=sig.evidence.quote,
        note="; ".join(notes),
    )


def _money(amount: float, currency: str | None) -> str:
    sign = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency or "USD", "")
    suffix = "" if sign else f" {currency}"
    if amount >= 1_000_000:
        text = f"{amount / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    elif amount >= 1000:
        text = f"{amount / 1000:.0f}k"
    else:
        text = f"{amount:.0f}"
    return f"{sign}{text}{suffix}"


def describe(value: Any) -> str:
    """A short human reading of a normalised value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("_", " ")
    if isinstance(value, dict):
        if isinstance(value.get("amount"), int | float):
            text = _money(float(value["amount"]), value.get("currency"))
            if isinstance(value.get("max"), int | float):
                text += "-" + _money(float(value["max"]), value.get("currency"))
            return text
        if value.get("date"):
            return str(value.get("phrase") or value["date"]) + f" ({value['date']})"
        if value.get("name") or value.get("title"):
            parts = [p for p in (value.get("title"), value.get("buying_role")) if p]
            extra = f" ({', '.join(str(p).replace('_', ' ') for p in parts)})" if parts else ""
            return f"{value.get('name') or 'someone'}{extra}"
    return str(value)


_WORD = re.compile(r"[a-z]+")


def is_senior(value: Any, title_words: tuple[str, ...]) -> bool:
    """A stakeholder counts as senior by title words or as the economic buyer."""
    if not isinstance(value, dict):
        return False
    if value.get("buying_role") == "economic_buyer":
        return True
    title = str(value.get("title") or "").lower()
    if not title:
        return False
    words = set(_WORD.findall(title))
    return any((w in words) if " " not in w else (w in title) for w in title_words)


def identity(eff: Effective) -> str:
    """Who or what a signal is about, so two mentions of one person count once in a gate."""
    if isinstance(eff.value, dict) and eff.value.get("name"):
        return f"{eff.dimension}:{str(eff.value['name']).lower()}"
    return f"#{eff.sid}"
