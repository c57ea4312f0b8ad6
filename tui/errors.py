"""The errors a screen shows as a one-line notification instead of a traceback.

SQLite errors reach us as StoreError: the store translates them (and tui never imports
sqlite3)."""

from __future__ import annotations

from assistant.ingest import IngestError
from assistant.service import ServiceError
from assistant.store import StoreError
from assistant.views import ViewError
from scoring import ScoringError

USER_ERRORS: tuple[type[BaseException], ...] = (
    IngestError,
    ServiceError,
    StoreError,
    ViewError,
    ScoringError,
    OSError,
)


def one_line(error: BaseException) -> str:
    """The first line of an error's message, for a notification."""
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
