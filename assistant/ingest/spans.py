"""Offsets of paragraphs and lines inside a text, for emails and notes."""

from __future__ import annotations

from collections.abc import Iterator


def lines_with_offsets(text: str) -> Iterator[tuple[int, str]]:
    """(offset of the line's first character, line) for every line."""
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each block of non-blank lines, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    for offset, line in lines_with_offsets(text):
        if line.strip():
            if start is None:
                start = offset + (len(line) - len(line.lstrip()))
            end = offset + len(line.rstrip())
        elif start is not None:
            spans.append((start, end))
            start = None
    if start is not None:
        spans.append((start, end))
    return spans
