"""Resolve date phrases ("end of next quarter", "EOQ", "Q3", "in six weeks") against a date.

dateparser handles the long tail; our own resolver goes first because sales speak (quarters,
fiscal years, "EOQ") is where general date parsers guess wrong.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache
from typing import Any

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sunday": 6,
}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a few": 3, "a couple": 2, "a couple of": 2, "several": 3,
}
_SEASON_END = {"spring": 5, "summer": 8, "fall": 11, "autumn": 11, "winter": 2}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _quarter_end(year: int, quarter: int) -> dt.date:
    return _month_end(year, quarter * 3)


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _year_of(text: str, ref: dt.date) -> int | None:
    match = re.search(r"\b(?:FY\s?'?|')?(20\d{2}|\d{2})\b", text)
    if not match:
        return None
    value = int(match.group(1))
    return value if value > 100 else 2000 + value


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th given weekday of a month (n = -1: the last one)."""
    days = [d for d in calendar.Calendar().itermonthdates(year, month)
            if d.month == month and d.weekday() == weekday]
    return days[n if n < 0 else n - 1]


_HOLIDAYS: dict[str, Any] = {
    "christmas": lambda y: dt.date(y, 12, 25),
    "new year": lambda y: dt.date(y, 1, 1),
    "thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "memorial day": lambda y: _nth_weekday(y, 5, 0, -1),
    "labor day": lambda y: _nth_weekday(y, 9, 0, 1),
    "labour day": lambda y: _nth_weekday(y, 9, 0, 1),
    "black friday": lambda y: _nth_weekday(y, 11, 3, 4) + dt.timedelta(days=1),
    "independence day": lambda y: dt.date(y, 7, 4),
    "fourth of july": lambda y: dt.date(y, 7, 4),
    "july 4th": lambda y: dt.date(y, 7, 4),
}


_HOLIDAY_RX = re.compile(r"\b(" + "|".join(_HOLIDAYS) + ")")


def _holiday(p: str, ref: dt.date) -> dt.date | None:
    """The next named (US) holiday on or after the conversation date."""
    found = _HOLIDAY_RX.search(p)
    if not found:
        return None
    when = _HOLIDAYS[found.group(1)]
    day = when(ref.year)
    return day if day >= ref else when(ref.year + 1)


_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
          "seventh": 7, "eighth": 8, "ninth": 9}
_TEENS = {"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
          "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
          "nineteenth": 19, "twentieth": 20, "thirtieth": 30}
_ORDINAL_WORD = re.compile(r"\b(?:(?:twenty|thirty)[- ])?(?:" + "|".join(_UNITS) + r")\b|\b(?:"
                           + "|".join(_TEENS) + r")\b")


def _spoken_days(phrase: str) -> str:
    """Day numbers said as words written as digits: "the eleventh of may" -> "the 11th of may"."""
    return _ORDINAL_WORD.sub(lambda w: f"{_ordinal_number(w[0])}th", phrase)


def _ordinal_number(word: str) -> int:
    """"twenty-third" -> 23: spoken day numbers, so "the eleventh of May" resolves like 11 May."""
    tens = 20 if word.startswith("twenty") else 30 if word.startswith("thirty") else 0
    last = re.split(r"[- ]", word)[-1]
    return tens + _UNITS.get(last, 0) if last in _UNITS else _TEENS[last]


def _weekday_and_day(p: str, ref: dt.date) -> dt.date | None:
    """"thursday the 23rd" / "wed 20th": the next date with that day of the month, preferring
    one that falls on the weekday said (within three months), else the first such date."""
    p = _spoken_days(p)
    wd = re.search(r"\b(" + "|".join(_WEEKDAYS) + r")\b", p)
    num = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?! ?(?:am|pm|:))", p)
    if not wd or not num or any(re.search(rf"\b{m}\b", p) for m in _MONTHS):
        return None
    want, found = int(num[1]), []
    for ahead in range(1, 95):
        day = ref + dt.timedelta(days=ahead)
        if day.day == want:
            found.append(day)
    same = [d for d in found if d.weekday() == _WEEKDAYS[wd[1]]]
    return (same or found or [None])[0]


def _resolve_own(phrase: str, ref: dt.date) -> dt.date | None:
    p = phrase.lower().strip().replace("’", "'")
    p = re.sub(r"^(?:by|before|until|on|in|at|the)\s+", "", p)
    if (day := _holiday(p, ref)) is not None:
        return day
    if m := re.search(r"\b(back|second|latter|first|front) half of (this|next) year\b", p):
        year = ref.year + (m[2] == "next")
        return dt.date(year, 6, 30) if m[1] in ("first", "front") else dt.date(year, 12, 31)
    quarter_now = (ref.month - 1) // 3 + 1
    if m := re.match(r"(\d{4})-(\d{2})-(\d{2})$", p):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.search(r"\beoq([1-4])\b", p):
        q = int(m[1])
        return _quarter_end(ref.year if q >= quarter_now else ref.year + 1, q)
    if re.search(r"\beoq\b|end of (?:the |this )?quarter\b|this quarter", p) and "next" not in p:
        return _quarter_end(ref.year, quarter_now)
    if re.search(r"next quarter", p):
        q, y = (1, ref.year + 1) if quarter_now == 4 else (quarter_now + 1, ref.year)
        return _quarter_end(y, q)
    if m := re.search(r"\bq([1-4])\b|(first|second|third|fourth|1st|2nd|3rd|4th) quarter", p):
        names = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2,
                 "3rd": 3, "4th": 4}
        q = int(m[1]) if m[1] else names[m[2]]
        year = _year_of(p[m.end():], ref)
        if year is None:
            year = ref.year if q >= quarter_now else ref.year + 1
        return _quarter_end(year, q)
    if re.search(r"\beoy\b|end of (?:the |this )?(?:calendar )?year|year[- ]end|this year", p):
        return dt.date(ref.year, 12, 31)
    if re.search(r"next (?:calendar )?year|new year", p) and "fiscal" not in p:
        return dt.date(ref.year + 1, 12, 31) if "end" in p else dt.date(ref.year + 1, 1, 1)
    if m := re.search(r"\bfy\s?'?(\d{2,4})\b", p):
        year = int(m[1]) if len(m[1]) == 4 else 2000 + int(m[1])
        return dt.date(year, 12, 31) if "end" in p else dt.date(year, 1, 1)
    if "fiscal" in p or re.search(r"\bfy\b", p):
        year = ref.year + (1 if "next" in p or "coming" in p else 0)
        return dt.date(year, 12, 31) if "end" in p else dt.date(year, 1, 1)
    if re.search(r"\beom\b|end of (?:the |this )?month|this month", p):
        return _month_end(ref.year, ref.month)
    if "next month" in p:
        nxt = _add_months(ref.replace(day=1), 1)
        return _month_end(nxt.year, nxt.month)
    if re.search(r"\beow\b|end of (?:the |this )?week|this week", p):
        return ref + dt.timedelta(days=(4 - ref.weekday()) % 7)
    if "next week" in p:
        return ref + dt.timedelta(days=7 - ref.weekday())
    if re.search(r"\beod\b|end of (?:day|business)|today", p):
        return ref
    if "day after tomorrow" in p:
        return ref + dt.timedelta(days=2)
    if "tomorrow" in p or "tmrw" in p:
        return ref + dt.timedelta(days=1)
    if m := re.search(
        r"(\d{1,3}|a few|a couple(?: of)?|several|an?|one|two|three|four|five|six|seven|eight|"
        r"nine|ten|eleven|twelve)(?:\s?(?:-|to|or)\s?(\d{1,3}|two|three|four|five|six|eight|ten|"
        r"twelve))?[\s-](?:business |working )?(day|week|month|quarter|year)s?", p):
        raw = m[2] or m[1]
        n = int(raw) if raw.isdigit() else _NUMBERS.get(raw, 1)
        unit = m[3]
        if unit == "day":
            return ref + dt.timedelta(days=n)
        if unit == "week":
            return ref + dt.timedelta(weeks=n)
        return _add_months(ref, n * {"month": 1, "quarter": 3, "year": 12}[unit])
    dotted = re.match(r"(?:\w+\s)?(\d{1,2})\.(\d{1,2})\.(\d{2,4})?$", p)
    if m := dotted or re.match(r"(?:\w+\s)?(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?$", p):
        # "27.05." / "31.12.2026" are day-first (European); "3/23" is month-first
        month, day = (int(m[2]), int(m[1])) if dotted else (int(m[1]), int(m[2]))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        year = (int(m[3]) + (2000 if len(m[3]) == 2 else 0)) if m[3] else ref.year
        day = min(day, calendar.monthrange(year, month)[1])
        found = dt.date(year, month, day)
        if not m[3] and found < ref - dt.timedelta(days=180):
            found = dt.date(year + 1, month, day)
        return found
    p = _spoken_days(p)
    if m := re.search(r"(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+)\.?(?:,? (20\d{2}))?", p):
        month = _MONTHS.get(m[2])
        if month:
            year = int(m[3]) if m[3] else (ref.year if month >= ref.month else ref.year + 1)
            day = min(int(m[1]), calendar.monthrange(year, month)[1])
            return dt.date(year, month, day)
    if m := re.search(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
                      r"(?:\s(\d{1,2})(?:st|nd|rd|th)?\b)?(?:,?\s(20\d{2}))?", p):
        month = _MONTHS[m[1]]
        year = int(m[3]) if m[3] else (ref.year if month >= ref.month else ref.year + 1)
        if m[2]:
            day = min(int(m[2]), calendar.monthrange(year, month)[1])
            if not m[3] and dt.date(year, month, day) < ref:
                year += 1
            return dt.date(year, month, day)
        if re.search(r"\b(?:early|start|beginning)\b", p):
            return dt.date(year, month, 1)
        if re.search(r"\bmid\b|middle", p):
            return dt.date(year, month, 15)
        return _month_end(year, month)
    if (day := _weekday_and_day(p, ref)) is not None:
        return day
    if m := re.search(r"\b(" + "|".join(_WEEKDAYS) + r")\b", p):
        wd = _WEEKDAYS[m[1]]
        delta = (wd - ref.weekday()) % 7 or 7
        return ref + dt.timedelta(days=delta)
    if m := re.search(r"\b(spring|summer|fall|autumn|winter)\b", p):
        month = _SEASON_END[m[1]]
        year = ref.year + (1 if "next" in p or month < ref.month else 0)
        return _month_end(year, month)
    if m := re.search(r"\b(20[2-3]\d)\b", p):
        year = int(m[1])
        return dt.date(year, 1, 1) if re.search(r"early|start|beginning", p) else dt.date(
            year, 12, 31)
    return None


@lru_cache(maxsize=2048)
def _dateparser(phrase: str, ref: dt.date) -> dt.date | None:
    try:
        import dateparser  # slow to import: only when our own resolver gives up
    except ImportError:  # pragma: no cover - dateparser is a dependency
        return None
    base = dt.datetime(ref.year, ref.month, ref.day)
    try:
        result = dateparser.parse(
            phrase,
            languages=["en"],
            settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"},
        )
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    return result.date() if result else None


def resolve_date(phrase: str, ref: dt.date | None) -> dict[str, Any] | None:
    """{"date": ISO, "phrase": phrase} for a date phrase, or None when it cannot be resolved."""
    if ref is None:
        return {"date": None, "phrase": phrase}
    try:
        day = _resolve_own(phrase, ref)
    except (ValueError, OverflowError):
        day = None
    if day is None and len(phrase) < 60:
        day = _dateparser(phrase, ref)
    if day is None:
        return None
    return {"date": day.isoformat(), "phrase": phrase}
