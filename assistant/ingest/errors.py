"""The one error type ingest raises, so callers can show a clean one-line message."""

from __future__ import annotations


class IngestError(ValueError):
    """Input we refuse to ingest; the message says what is wrong and what to do."""


def locate(source: str, message: str) -> IngestError:
    """Prefix a parser message with the source name, so the user knows which file failed."""
    return IngestError(f"{source}: {message}")
