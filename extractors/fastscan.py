"""Whole-document rule scans on RE2, when it is installed and gives the same spans as `re`.

Why: the rules pipeline scans every rule over a document's joined utterances once. Python's
backtracking engine tries each of a big rule's alternatives at every word start; RE2 runs the
same pattern as an automaton, about six times faster on our rules. RE2 is used only where it
cannot change a result:
- the pattern compiles in RE2 (no lookarounds or back-references), has no ^/$ anchors (their
  newline handling differs) and names no non-ASCII character but a few punctuation and
  currency signs, which get ASCII stand-ins;
- the text RE2 sees is an ASCII stand-in for the lowered document of the same length: those
  signs become their stand-ins, and every other non-ASCII character one that RE2 classifies
  as Python classifies the original: a word character, white space, or neither.
Anything else, or no RE2 at all, falls back to `re` with identical results.
`QUALIFY_REGEX_ENGINE=re` turns RE2 off (to compare engines or rule out a difference).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Protocol

try:  # optional speed-up: the rules behave the same without it
    import re2 as _re2
except ImportError:  # pragma: no cover - exercised only where the wheel is missing
    _re2 = None


class SpanMatch(Protocol):
    """What the scanners need of a match object (re.Match and RE2's both have it)."""

    def span(self) -> tuple[int, int]: ...


# Punctuation and currency signs rules name: each gets its own ASCII control character in the
# text and in the pattern, so a rule on "[$£€]" or "don['’]t" reads the stand-in exactly as re
# reads the original. None of them is a word or space character for re, nor are the stand-ins.
_NAMED = {"’": "\x02", "‘": "\x03", "“": "\x04", "”": "\x05", "–": "\x06", "—": "\x07",
          "£": "\x08", "€": "\x0e", "¥": "\x0f", "₹": "\x10", "…": "\x11", "•": "\x12"}
_RESERVED = re.compile("[" + "".join(sorted(_NAMED.values())) + "]")
# characters the view rewrites: non-ASCII, the stand-ins themselves when the text has them, and
# the ASCII spaces only re calls \s
_REWRITE = re.compile(r"[^\x00-\x7f]|" + _RESERVED.pattern + r"|[\x0b\x1c-\x1f]")
_WORD_STANDIN = "_"  # \w in both engines; no rule names an underscore
_SPACE_STANDIN = "\f"  # \s in both engines; no rule names a form feed
_OTHER_STANDIN = "\x01"  # neither word nor space; no rule names it


def _stand_in(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    if ch.isspace():
        return _SPACE_STANDIN
    if ch.isalnum() or ch == "_":
        return _WORD_STANDIN
    return _OTHER_STANDIN


def ascii_view(text: str) -> bytes | None:
    """`text` as ASCII bytes with the same length and character classes, or None when it
    holds a non-ASCII digit (re's \\d matches it; no stand-in is both \\d and \\w-only)."""
    if not text.isascii() or _REWRITE.search(text):
        if any(ch.isdecimal() for ch in _REWRITE.findall(text)):
            return None
        text = _REWRITE.sub(_stand_in, text)
    return text.encode("ascii")


def enabled() -> bool:
    """Whether RE2 scans are on: installed, and not switched off by configuration."""
    return _re2 is not None and os.environ.get("QUALIFY_REGEX_ENGINE", "").lower() != "re"


def _has_line_anchor(items: Any) -> bool:
    """Whether a parsed pattern uses ^, $, \\A or \\Z (RE2 treats the newline before the
    end differently); word boundaries are fine."""
    from re import _constants as c  # type: ignore[attr-defined]

    for op, arg in items:
        if op is c.AT and arg not in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY):
            return True
        if op is c.SUBPATTERN and _has_line_anchor(arg[3]):
            return True
        if op is c.BRANCH and any(_has_line_anchor(alt) for alt in arg[1]):
            return True
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) and _has_line_anchor(arg[2]):
            return True
    return False


@lru_cache(maxsize=4096)
def compiled(pattern: str) -> Any | None:
    """`pattern` (already lowered, case-sensitive) compiled for RE2, or None when RE2 could
    give a different answer than `re` on it."""
    if _re2 is None or _RESERVED.search(pattern) or re.search(r"\\[xuUN0-7]", pattern):
        return None
    source = "".join(_NAMED.get(ch, ch) for ch in pattern)
    if not source.isascii():
        return None
    try:
        from re import _parser  # type: ignore[attr-defined]

        if _has_line_anchor(_parser.parse(pattern)):
            return None
    except Exception:  # private module: any surprise means re does the scan
        return None
    options = _re2.Options()
    options.log_errors = False
    options.never_capture = True
    options.max_mem = 64 << 20  # the big rules need more DFA room than the 8 MB default
    try:
        return _re2.compile(source.encode("ascii"), options)
    except Exception:  # unsupported syntax (lookarounds, back-references): use re
        return None


class Views:
    """The ASCII stand-ins of one document's text and of its lowercase, each made on first
    use (most documents never need the cased one)."""

    def __init__(self, text: str, lowered: str | None) -> None:
        self._text = text
        self._lowered = lowered
        self._made: dict[str, bytes | None] = {}

    @property
    def lower(self) -> bytes | None:
        if "lower" not in self._made:
            self._made["lower"] = None if self._lowered is None else ascii_view(self._lowered)
        return self._made["lower"]

    @property
    def text(self) -> bytes | None:
        if "text" not in self._made:
            self._made["text"] = ascii_view(self._text)
        return self._made["text"]


def without_lookarounds(pattern: str) -> str:
    """`pattern` with every lookahead and lookbehind dropped: it matches wherever the original
    does (a dropped assertion only removes a constraint), and RE2 can run it."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            i = _group_end(pattern, i) + 1
            continue
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
        elif ch == "[":
            j = _class_end(pattern, i)
            out.append(pattern[i:j + 1])
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _class_end(pattern: str, i: int) -> int:
    """Index of the ] closing the character class opened at i."""
    j = i + 1
    if pattern[j:j + 1] == "^":
        j += 1
    if pattern[j:j + 1] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j


def _group_end(pattern: str, i: int) -> int:
    """Index of the ) closing the group opened at i."""
    depth, j = 0, i
    while j < len(pattern):
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            j = _class_end(pattern, j)
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return j


@lru_cache(maxsize=4096)
def _relaxed(pattern: str) -> Any | None:
    """RE2 for `pattern` without its lookarounds, used to find where `pattern` can start;
    None when that cannot help (it would match the empty string, or RE2 cannot run it)."""
    relaxed = without_lookarounds(pattern)
    if relaxed == pattern:
        return None
    try:
        re.compile(relaxed)
    except re.error:
        return None
    rx = compiled(relaxed)
    if rx is None or rx.search(b"") is not None:
        return None
    return rx


def _verified(rx: re.Pattern[str], relaxed: Any, subject: str,
              view: bytes) -> Iterator[SpanMatch]:
    """rx.finditer(subject), found by trying rx only where its relaxed form matches: every
    position rx matches at is one of those, and rx.match still sees the text before it."""
    pos, end = 0, len(view)
    search, match = relaxed.search, rx.match
    while pos <= end:
        found = search(view, pos)
        if found is None:
            return
        start = found.start()
        hit = match(subject, start)
        if hit is None:
            pos = start + 1
            continue
        yield hit
        pos = max(hit.end(), start + 1)


def scan(source: str, rx: re.Pattern[str], subject: str,
         view: bytes | None) -> Iterator[SpanMatch] | None:
    """The matches of `rx` (compiled from `source`) in `subject`, found with RE2 on `view`,
    or None when the caller must run `rx` itself."""
    if view is None or not enabled():
        return None
    exact = compiled(source)
    if exact is not None:
        return exact.finditer(view)
    relaxed = _relaxed(source)
    if relaxed is not None:
        return _verified(rx, relaxed, subject, view)
    return None
