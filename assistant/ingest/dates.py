"""Find the date of a conversation in a header line or a file name (never in the body)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ISO = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})[-_./](?P<mon>\d{1,2})[-_./](?P<day>\d{1,2})(?!\d)"
)
_MDY_NAME = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{{2}})\b", re.I
)
_DMY_NAME = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>(?:19|20)\d{{2}})\b", re.I
)
_NUMERIC = re.compile(r"(?<!\d)(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>(?:19|20)\d{2})(?!\d)")


def _make(year: str, month: int, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), month, int(day))
    except ValueError:
        return None


def find_date(text: str) -> dt.date | None:
    """The first date written as 2026-03-14, March 14, 2026, 14 March 2026 or 3/14/2026."""
    for match in _ISO.finditer(text):
        found = _make(match["year"], int(match["mon"]), match["day"])
        if found:
            return found
    for pattern in (_MDY_NAME, _DMY_NAME):
        for match in pattern.finditer(text):
            found = _make(match["year"], _MONTHS[match["month"].lower()], match["day"])
            if found:
                return found
    for match in _NUMERIC.finditer(text):
        a, b = int(match["a"]), int(match["b"])
        month, day = (b, a) if a > 12 else (a, b)  # US order unless impossible
        found = _make(match["year"], month, str(day))
        if found:
            return found
    return None


def date_from_lines(lines: Iterable[str]) -> tuple[dt.date, str] | None:
    """(date, how it was found) from the first header line that carries one."""
    for line in lines:
        found = find_date(line)
        if found:
            return found, f"header line: {line[:80]!r}"
    return None
