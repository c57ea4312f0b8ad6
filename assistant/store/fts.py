"""Turn what a user typed into a safe FTS5 query: every term is quoted, never parsed as syntax."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_WORD = re.compile(r"\w+")

MARK_START = "«"
MARK_END = "»"


def fts_query(text: str) -> str | None:
    """All terms must match (implicit AND); a trailing `*` keeps prefix search.

    Returns None when nothing searchable is left (only punctuation or blanks). Quoting each
    term means `AND`, `NEAR(`, `"`, `-` or `col:` in user text are searched, not interpreted.
    """
    # Control characters (NUL above all) end FTS5 strings early; they never appear in words.
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    parts: list[str] = []
    for raw in printable.split():
        prefix = raw.endswith("*")
        term = raw.rstrip("*")
        if not any(ch.isalnum() for ch in term):
            continue
        quoted = '"' + term.replace('"', '""') + '"'
        parts.append(quoted + ("*" if prefix else ""))
    return " ".join(parts) if parts else None


def _fold(text: str) -> str:
    """Lower case without diacritics, as the unicode61 tokenizer (remove_diacritics 2) sees it."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _terms(text: str) -> list[tuple[str, bool]]:
    """(folded term, prefix?) for each searchable word the user typed."""
    out = []
    for raw in "".join(ch if ch.isprintable() else " " for ch in text).split():
        prefix = raw.endswith("*")
        for word in _WORD.findall(_fold(raw.rstrip("*"))):
            out.append((word, prefix))
    return out


def best_passage(text: str, passages: Sequence[str]) -> int | None:
    """Index of the passage that matches most of the query's terms (earliest on a tie), or
    None when none matches any. Used to point a document hit at the turn that said it."""
    terms = _terms(text)
    if not terms:
        return None
    best, best_count = None, 0
    for i, passage in enumerate(passages):
        words = set(_WORD.findall(_fold(passage)))
        count = sum(
            1
            for term, prefix in terms
            if (term in words if not prefix else any(w.startswith(term) for w in words))
        )
        if count > best_count:
            best, best_count = i, count
    return best
