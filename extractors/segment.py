"""Sentences and clauses as character spans: the unit that evidence quotes.

Notes are bullets without full stops and chats are fragments, so sentence ends also come
from newlines, bullets and semicolons; clauses split a sentence where a new statement starts.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

_ABBREV = ("Dir", "Mgr", "Sr", "Jr", "Dept", "Mr", "Ms", "Mrs", "Dr", "St", "vs", "approx", "Inc",
           "Ltd", "Corp", "Assoc", "Asst", "Gov", "Univ")
_NOT_ABBREV = "".join(rf"(?<!\b{a}\.)" for a in _ABBREV)
_SENT_BREAK = re.compile(rf"(?<=[.!?]){_NOT_ABBREV}[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9$£€])|"
                         r"\n+|(?<=[.!?])\s*$"
                         r"|\s+(?:[-*•·]|\d+[.)])\s+(?=\S)|(?<=[!?])\s+")
_CLAUSE_BREAK = re.compile(
    r";\s*|\s+[-–—]+\s+|,\s+(?=(?:but|and|so|although|though|because|which|while|whereas|"
    r"plus|then|otherwise|we|we're|we've|we'd|we'll|i|i'm|i've|i'll|they|they're|he|she|"
    r"our|my|it's|that's|there's|this|that)\b)|\s+(?=(?:but|although|though|whereas|however)\b)"
    r"|(?<=[a-z])\.\.\.+\s*|:\s+(?=\S)",
    re.IGNORECASE,
)


def _strip(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start] in " \t\r\n-*•·>\"'":
        start += 1
    while end > start and text[end - 1] in " \t\r\n,;:":
        end -= 1
    return (start, end) if end > start else None


MAX_SENTENCE = 400  # characters; longer runs (no punctuation at all) are cut at spaces
_SOFT_BREAK = re.compile(r",\s+|\s+(?=(?:and|but|so|then)\b)|\s+")


def _long_cuts(text: str, a: int, b: int) -> list[int]:
    """Cut points that keep a punctuation-free run under MAX_SENTENCE characters."""
    cuts = []
    pos = a
    while b - pos > MAX_SENTENCE:
        window = text[pos + MAX_SENTENCE // 2 : pos + MAX_SENTENCE]
        match = None
        for m in _SOFT_BREAK.finditer(window):
            match = m
            if m.group(0).startswith(","):
                break
        cut = pos + MAX_SENTENCE // 2 + (match.end() if match else len(window))
        cuts.append(cut)
        pos = cut
    return cuts


def split_sentences(text: str, base: int = 0, hard_breaks: list[int] | None = None) -> list[Span]:
    """Sentence spans of `text` (offsets shifted by `base`)."""
    cuts = {0, len(text)}
    for match in _SENT_BREAK.finditer(text):
        cuts.add(match.start())
        cuts.add(match.end())
    for brk in hard_breaks or ():
        if 0 < brk < len(text):
            cuts.add(brk)
    points = sorted(cuts)
    for a, b in zip(points, points[1:], strict=False):
        if b - a > MAX_SENTENCE:
            cuts.update(_long_cuts(text, a, b))
    points = sorted(cuts)
    out: list[Span] = []
    for a, b in zip(points, points[1:], strict=False):
        span = _strip(text, a, b)
        if span and any(ch.isalnum() for ch in text[span[0] : span[1]]):
            out.append((span[0] + base, span[1] + base))
    return out


def split_clauses(text: str, sentence: Span, base: int = 0) -> list[Span]:
    """Clause spans inside one sentence (absolute offsets, like the sentence)."""
    s, e = sentence
    local = text[s - base : e - base]
    cuts = {0, len(local)}
    for match in _CLAUSE_BREAK.finditer(local):
        cuts.add(match.start())
        cuts.add(match.end())
    points = sorted(cuts)
    out: list[Span] = []
    for a, b in zip(points, points[1:], strict=False):
        span = _strip(local, a, b)
        if span and any(ch.isalnum() for ch in local[span[0] : span[1]]):
            out.append((span[0] + s, span[1] + s))
    # very short fragments ("so", "yes") are merged into their neighbour
    merged: list[Span] = []
    for span in out:
        words = len(local[span[0] - s : span[1] - s].split())
        if merged and words < 3:
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    if len(merged) > 1 and len(local[merged[0][0] - s : merged[0][1] - s].split()) < 3:
        first, second = merged[0], merged[1]
        merged[0:2] = [(first[0], second[1])]
    return merged or [sentence]
