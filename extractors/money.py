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
    "cad": "CAD", "aud": "AUD", "nzd": "NZD", "chf": "CHF", "nok": "NOK", "sek": "SEK",
    "₹": "INR", "inr": "INR", "rupees": "INR", "rupee": "INR", "rs": "INR",
    "¥": "JPY", "jpy": "JPY", "yen": "JPY", "brl": "BRL", "reais": "BRL",
}
_MULT = {
    "k": 1_000, "grand": 1_000, "thousand": 1_000,
    "m": 1_000_000, "mm": 1_000_000, "million": 1_000_000,
    "b": 1_000_000_000, "bn": 1_000_000_000,
    "lakh": 100_000, "lakhs": 100_000, "lac": 100_000, "lacs": 100_000,
    "crore": 10_000_000, "crores": 10_000_000,
}
_WORD_NUM = {
    "ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100, "two hundred": 200,
    "three hundred": 300, "five hundred": 500,
}
_FIGURES = {"five": 10_000, "six": 100_000, "seven": 1_000_000, "eight": 10_000_000}
_NUM = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s?(lakhs?|lacs?|crores?|k|mm|m|bn|b|million|thousand|"
                  r"grand)?\b", re.I)
_PERIOD = [
    (re.compile(r"\b(?:/|per|a|an|each)\s?(?:year|yr|annum)\b|\bannual(?:ly)?\b|\byearly\b"
                r"|\bp\.?a\.?\b|\bARR\b|\bper year\b", re.I), "year"),
    (re.compile(r"\b(?:/|per|a|an|each)\s?(?:month|mo)\b|/mo\b|/month\b|\bmonthly\b|\bMRR\b",
                re.I), "month"),
    (re.compile(r"\bone[- ]time\b|\bone[- ]off\b|\bupfront\b|\bflat fee\b|\bin total\b", re.I),
     "one_time"),
]


_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
          "nineteen": 19,
          "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
          "eighty": 80, "ninety": 90, "a": 1, "few": 3, "couple": 2, "several": 3}
_SPELLED = re.compile(
    r"^(?:(?:about|around|roughly|some|somewhere around|under|up to|~)\s)?"
    r"(?P<lo>[a-z -]+?)(?:\s?(?:-|to|or)\s?(?P<hi>[a-z -]+?))?\s"
    r"(?P<mult>grand|thousand|k|quid|dollars|euros|pounds|bucks|hundred)?\s*$"
)


def _words_value(phrase: str) -> float | None:
    """"twenty-five" -> 25, "a hundred and fifty" -> 150, "a few hundred" -> 300."""
    total, current = 0.0, 0.0
    seen = False
    for word in re.split(r"[\s-]+", phrase.strip()):
        if word in ("and", "of", ""):
            continue
        if word == "hundred":
            current = (current or 1) * 100
        elif word in _UNITS:
            current += _UNITS[word]
        else:
            return None
        seen = True
    total += current
    return total if seen else None


def _half(phrase: str) -> float | None:
    """ "two and a half" -> 2.5; anything else as _words_value."""
    found = re.match(r"^(.*?)\s+and a half$", phrase.strip())
    if found:
        whole = _words_value(found.group(1))
        return None if whole is None else whole + 0.5
    return _words_value(phrase)


def _spelled(low: str) -> tuple[float, float] | None:
    """Amounts spelled out in words ("thirty to thirty-five thousand"), as (low, high)."""
    if re.search(r"\d", low):
        return None
    text = re.sub(r"\b(?:a|per|/|an|each) (?:month|year|seat|user|office|location|site|"
                  r"license|head)\b.*$", "", low).strip()
    mult = 1
    last = text.split()[-1] if text.split() else ""
    if last in ("quid", "dollars", "euros", "euro", "pounds", "bucks", "rupees", "inr"):
        text = text.rsplit(" ", 1)[0]
        last = text.split()[-1] if text.split() else ""
    if last in ("grand", "thousand", "k", "million", "lakh", "lakhs", "lac", "lacs", "crore",
                "crores"):
        mult, text = _MULT[last], text.rsplit(" ", 1)[0]
    text = re.sub(r"^(?:somewhere |anywhere )?between\s+", "", text)
    parts = re.split(r"\s?(?:\bto\b|\bor\b|(?<=[a-z])\s-\s|–)\s?", text)
    if (len(parts) == 1 and " and " in text and "hundred" not in text.split(" and ")[0]
            and not text.endswith("and a half")):
        parts = text.split(" and ", 1)  # "between sixty and eighty thousand" is a range
    values = [_half(re.sub(r"\ba (?=few|couple)", "", p)) for p in parts[:2]]
    if not values or any(v is None for v in values):
        return None
    nums = [float(v) * mult for v in values if v is not None]
    return nums[0], nums[-1]


def _number(raw: str, suffix: str | None) -> float:
    value = float(raw.replace(",", ""))
    return value * _MULT.get((suffix or "").lower(), 1)


def _clean(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)


_CURRENCY_WORD_RX = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(_CURRENCY_WORDS, key=len, reverse=True)
                      if len(w) > 1) + r")\b")


def document_currency(text: str) -> str:
    """The currency a document talks in: the only one it names, else USD.

    Why: "30k a year" in a thread that elsewhere says "EUR" or "£" is not dollars."""
    found = {code for sym, code in _CURRENCY_WORDS.items() if len(sym) == 1 and sym in text}
    found |= {_CURRENCY_WORDS[w] for w in set(_CURRENCY_WORD_RX.findall(text.lower()))}
    return found.pop() if len(found) == 1 else "USD"


def _currency(text: str, context: str, default: str = "USD") -> str:
    low = text.lower()
    if "R$" in text:
        return "BRL"
    for sym in ("₹", "¥", "£", "€", "$"):
        if sym in text:
            return _CURRENCY_WORDS[sym]
    for word, code in _CURRENCY_WORDS.items():
        if len(word) > 1 and re.search(rf"\b{word}\b", low):
            return code
    after = context.lower()[:20]
    for word, code in _CURRENCY_WORDS.items():
        if len(word) > 1 and re.search(rf"\b{word}\b", after):
            return code
    if re.search(r"\b(?:lakhs?|lacs?|crores?)\b", low):
        return "INR"  # lakh and crore are counted in rupees
    return default


def _period(text: str, after: str) -> str | None:
    for pattern, period in _PERIOD:
        if pattern.search(text):
            return period
    window = after[:30]
    for pattern, period in _PERIOD:
        if pattern.search(window):
            return period
    return None


def normalize_money(text: str, after: str = "", default_currency: str = "USD",
                    ) -> dict[str, Any] | None:
    """Normalise a money mention; `after` is the text that follows it (for "a year"), and
    `default_currency` the one a bare "30k" is in (see `document_currency`)."""
    text = re.sub(r"(?<=\d)[ '’](?=\d{3}\b)", "", text)
    text = re.sub(r"(?<=\d)\.(?=\d{3}\b(?![.,]\d))", "", text)  # "60.000 €" is sixty thousand
    low = text.lower().strip()
    currency = _currency(text, after, default_currency)
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
        return {"amount": lo, "currency": currency, "period": _period(text, after),
                "max": hi}
    if "half a million" in low:
        amount: float = 500_000
        return {"amount": amount, "currency": currency,
                "period": _period(text, after)}
    words = _spelled(low)
    if words is not None:
        out_w: dict[str, Any] = {"amount": _clean(words[0]), "currency": currency,
                                 "period": _period(text, after)}
        if words[1] > words[0]:
            out_w["max"] = _clean(words[1])
        return out_w
    for word, num in sorted(_WORD_NUM.items(), key=lambda kv: -len(kv[0])):
        match = re.search(rf"\b{word} (grand|thousand|k)\b", low)
        if match:
            return {"amount": num * 1000, "currency": currency,
                    "period": _period(text, after)}
    if "a million" in low:
        return {"amount": 1_000_000, "currency": currency,
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
        "currency": currency,
        "period": _period(text, after),
    }
    if len(values) > 1 and values[1] > values[0]:
        out["max"] = _clean(values[1])
    return out
