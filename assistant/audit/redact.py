"""Masking for reports that leave the team: emails, phone numbers, names outside the buying team.

The buying team (the lead's stakeholders) stays readable, since a manager needs it; anyone else
named in a document (our reps, people only mentioned in passing) is masked, as are every email
address and phone number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(
    r"(?<![\w/-])(?:"
    r"\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]\d{2,5}){1,4}"  # +49 40 5550 1187
    r"|\(\d{3}\)[\s.-]?\d{3}[\s.-]\d{4}"  # (512) 555-0139
    r"|\d{3}[\s.-]\d{3}[\s.-]\d{4}"  # 512-555-0139
    r"|\d{3}-\d{4}"  # 555-0139
    r")(?![\w/-])"
)
EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
NAME_MASK = "[name]"


class Redactor:
    """Masks a fixed set of names (whole words, any case) plus every email and phone number."""

    def __init__(self, names: Iterable[str], keep: Iterable[str]) -> None:
        kept = {k.casefold() for k in keep if k}
        kept |= {part.casefold() for k in keep if k for part in k.split()}
        masked: set[str] = set()
        for name in names:
            name = (name or "").strip()
            if not name or name.casefold() in kept or not any(c.isalpha() for c in name):
                continue
            masked.add(name)
            masked |= {p for p in name.split() if len(p) > 2 and p.casefold() not in kept}
        self._names = sorted(masked, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"\b(?:" + "|".join(re.escape(n) for n in self._names) + r")\b", re.IGNORECASE
            )
            if self._names
            else None
        )

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def text(self, value: str | None) -> str | None:
        """The value with emails, phones and masked names replaced."""
        if value is None:
            return None
        out = EMAIL.sub(EMAIL_MASK, value)
        out = PHONE.sub(PHONE_MASK, out)
        if self._pattern is not None:
            out = self._pattern.sub(NAME_MASK, out)
        return out

    def deep(self, value: object) -> object:
        """Apply `text` to every string inside dicts and lists."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(v) for v in value]
        return value
