"""The SQLite store: the only code in qualify that writes SQL.

from assistant import store
with store.open(settings.db) as db:
    db.add_lead(LeadRow(id="acme", name="ACME"))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from assistant.store.connect import DEFAULT_BUSY_TIMEOUT_MS, MEMORY, connect, translated
from assistant.store.errors import (
    DatabaseLockedError,
    DuplicateError,
    InvalidInputError,
    NotADatabaseError,
    NotFoundError,
    ReadOnlyDatabaseError,
    SchemaTooNewError,
    StoreError,
)
from assistant.store.fts import MARK_END, MARK_START
from assistant.store.migrations import SCHEMA_VERSION, migrate
from assistant.store.models import (
    Event,
    LeadRow,
    Review,
    SearchHit,
    Snapshot,
    Stakeholder,
    StakeholderMention,
    StoredDocument,
    StoredSignal,
    slugify,
)
from assistant.store.store import Store

__all__ = [
    "MARK_END",
    "MARK_START",
    "SCHEMA_VERSION",
    "DatabaseLockedError",
    "DuplicateError",
    "Event",
    "InvalidInputError",
    "LeadRow",
    "NotADatabaseError",
    "NotFoundError",
    "ReadOnlyDatabaseError",
    "Review",
    "SchemaTooNewError",
    "SearchHit",
    "Snapshot",
    "Stakeholder",
    "StakeholderMention",
    "Store",
    "StoreError",
    "StoredDocument",
    "StoredSignal",
    "open",
    "open_memory",
    "slugify",
]


def open(  # noqa: A001 - the natural name: store.open(path)
    path: Path | str,
    *,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    clock: Callable[[], dt.datetime] | None = None,
) -> Store:
    """Open (creating if needed, mode 0o600) and migrate the database at `path`.

    `":memory:"` gives a private in-memory database. Raises StoreError with a one-line
    message for a newer schema, a read-only or locked file, or a file that is not a database.
    """
    conn = connect(path, busy_timeout_ms)
    store = Store(conn, path if str(path) == MEMORY else Path(path).expanduser(), clock)
    try:
        with translated(path):
            migrate(store.db)
    except BaseException:
        conn.close()
        raise
    return store


def open_memory(clock: Callable[[], dt.datetime] | None = None) -> Store:
    """A fresh, migrated in-memory database (tests, dry runs)."""
    return open(MEMORY, clock=clock)
