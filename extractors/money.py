"""Money normaliser: "$50k", "50-75k", "1.2M EUR", "six figures", "£30,000 a year" -> a dict.

Why its own module: budget amounts are the most-scored value, and each surface form has a test.
"""

from __future__ import annotations

import re
from typing import Any

_CURRENCY_WORDS = {
    "$": "USD", "usd": "USD", "dollars": "USD", "bucks": "USD", "dollar": "USD",
    "£": "GBP", "gbp": "GBP", "pounds": "GBP", "quid": "GBP",
    "€": "EUR", "eur": "EUR", "euros": "EUR", "euro": "EUR",
    "cad": "CAD", "aud": "AUD",
}
_MULT = {
    "k": 1_000, "grand": 1_000, "thousand": 1_000,
    "m": 1_000_000, "mm": 1_000_000, "million": 1_000_000,
    "b": 1_000_000_000, "bn": 1_000_000_000,
}
_WORD_NUM = {
    "ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100, "two hundred": 200,
    "three hundred": 300, "five hundred": 500,
}
_FIGURES = {"five": 10_000, "six": 100_000, "seven": 1_000_000, "eight": 10_000_000}
_NUM = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s?(k|mm|m|bn|b|million|thousand|grand)?\b", re.I)
_PERIOD = [
    (re.compile(r"\b(?:/|per|a|an|each)\s?(?:year|yr|annum)\b|\bannual(?:ly)?\b|\byearly\b"
                r"|\bp\.?a\.?\b|\bARR\b|\bper year\b", re.I), "year"),
    (re.compile(r"\b(?:/|per|a|an|each)\s?(?:month|mo)\b|/mo\b|/month\b|\bmonthly\b|\bMRR\b",
                re.I), "month"),
    (re.compile(r"\bone[- ]time\b|\bone[- ]off\b|\bupfront\b|\bflat fee\b|\bin total\b", re.I),
     "one_time"),
]


def _number(raw: str, suffix: str | None) -> float:
    value = float(raw.replace(",", ""))
    return value * _MULT.get((suffix or "").lower(), 1)


def _clean(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)


def _currency(text: str, context: str) -> str:
    low = text.lower()
    for sym in ("$", "£", "€"):
        if sym in text:
            return _CURRENCY_WORDS[sym]
    for word, code in _CURRENCY_WORDS.items():
        if len(word) > 1 and re.search(rf"\b{word}\b", low):
            return code
    after = context.lower()[:20]
    for word, code in _CURRENCY_WORDS.items():
        if len(word) > 1 and re.search(rf"\b{word}\b", after):
            return code
    return "USD"


def _period(text: str, after: str) -> str | None:
    for pattern, period in _PERIOD:
        if pattern.search(text):
            return period
    window = after[:30]
    for pattern, period in _PERIOD:
        if pattern.search(window):
            return period
    return None


def normalize_money(text: str, after: str = "") -> dict[str, Any] | None:
    """Normalise a money mention; `after` is the text that follows it (for "a year")."""
    low = text.lower().strip()
    fig = re.search(r"(five|six|seven|eight)[- ]figures?", low)
    if fig:
        base = _FIGURES[fig.group(1)]
        lo, hi = base, base * 10 - 1
        if "low" in low.split("-")[0] and "mid" not in low:
            hi = base * 3
        elif low.startswith("mid"):
            lo, hi = base * 3, base * 6
        elif low.startswith("high"):
            lo, hi = base * 6, base * 10 - 1
        return {"amount": lo, "currency": _currency(text, after), "period": _period(text, after),
                "max": hi}
    if "half a million" in low:
        amount: float = 500_000
        return {"amount": amount, "currency": _currency(text, after),
                "period": _period(text, after)}
    for word, num in sorted(_WORD_NUM.items(), key=lambda kv: -len(kv[0])):
        match = re.search(rf"\b{word} (grand|thousand|k)\b", low)
        if match:
            return {"amount": num * 1000, "currency": _currency(text, after),
                    "period": _period(text, after)}
    if "a million" in low:
        return {"amount": 1_000_000, "currency": _currency(text, after),
                "period": _period(text, after)}
    nums = _NUM.findall(text)
    if not nums:
        return None
    values = []
    suffixes = [s for _, s in nums]
    for i, (raw, suffix) in enumerate(nums[:2]):
        # "50-75k": the suffix of the upper bound applies to the lower one too
        if not suffix and len(nums) > 1 and i == 0 and suffixes[1]:
            suffix = suffixes[1]
        values.append(_number(raw, suffix))
    out: dict[str, Any] = {
        "amount": _clean(values[0]),
        "currency": _currency(text, after),
        "period": _period(text, after),
    }
    if len(values) > 1 and values[1] > values[0]:
        out["max"] = _clean(values[1])
    return out
