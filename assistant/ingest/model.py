"""What every format parser hands back: text, spans into it, and what it learned on the way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker turn as read from a transcript or chat, before the text is rendered."""

    speaker: str | None
    text: str
    timestamp: float | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A span of the final Document.text that becomes one Utterance."""

    start: int
    end: int
    speaker: str | None
    timestamp: float | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """Facts about a participant gathered while parsing (email headers, signatures)."""

    name: str
    email: str | None = None
    title: str | None = None
    company: str | None = None
    phone: str | None = None


@dataclass(slots=True)
class Parsed:
    """A parser's result; the api module turns it into a Document."""

    format: str
    text: str
    segments: list[Segment]
    header_lines: list[str] = field(default_factory=list)
    quoted_text: str = ""
    people: list[Person] = field(default_factory=list)
    date: dt.date | None = None
    date_source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def render_turns(turns: list[Turn]) -> tuple[str, list[Segment]]:
    """Render turns as `Speaker: text` lines; each segment covers the text part only."""
    parts: list[str] = []
    segments: list[Segment] = []
    pos = 0
    for turn in turns:
        prefix = f"{turn.speaker}: " if turn.speaker else ""
        line = prefix + turn.text
        start = pos + len(prefix)
        segments.append(Segment(start, start + len(turn.text), turn.speaker, turn.timestamp))
        parts.append(line)
        pos += len(line) + 1
    return "\n".join(parts), segments


def merge_same_speaker(turns: list[Turn]) -> list[Turn]:
    """Join consecutive cues of one known speaker: captions split sentences mid-way."""
    merged: list[Turn] = []
    for turn in turns:
        prev = merged[-1] if merged else None
        if prev is not None and turn.speaker is not None and prev.speaker == turn.speaker:
            merged[-1] = Turn(prev.speaker, f"{prev.text} {turn.text}", prev.timestamp)
        else:
            merged.append(turn)
    return merged
