"""Turn what a user typed into a safe FTS5 query: every term is quoted, never parsed as syntax."""

from __future__ import annotations

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
