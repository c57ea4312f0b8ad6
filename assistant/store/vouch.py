"""Row digests that events carry ("vouch" for), so that editing a row directly is detectable.

The event log's hash chain proves the events were not changed; these digests extend that proof
to the rows the events recorded. Each write puts `{"vouch": {key: digest}}` in its event; the
auditor recomputes the digests of the current rows and compares. Keys name one unit of state:

    lead:ID            the lead row (stage and segment overrides included)
    document:N         a document row and its utterances (embeddings excluded: derived data)
    signals:N          every signal row of document N, retired ones too ({signal id: digest})
    review:N           one review row
    snapshot:N         one score snapshot row
    stakeholders:ID    every stakeholder row of lead ID
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from typing import Any

from assistant.store.chain import canonical_json

VOUCH_KEY = "vouch"
KINDS: tuple[str, ...] = ("lead", "document", "signals", "review", "snapshot", "stakeholders")


def digest(value: Any) -> str:
    """sha256 of the canonical JSON of a value, hex."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def _rows(conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, tuple(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _utterances(conn: sqlite3.Connection, document_id: int) -> list[dict[str, Any]]:
    found = _rows(
        conn, "SELECT * FROM utterances WHERE document_id = ? ORDER BY idx", (document_id,)
    )
    for row in found:
        row.pop("embedding", None)
    return found


def key_digest(conn: sqlite3.Connection, key: str) -> str | dict[str, str] | None:
    """The digest of the rows behind `key` as they are now, or None when they are gone."""
    kind, _, ident = key.partition(":")
    if kind == "lead":
        found = _rows(conn, "SELECT * FROM leads WHERE id = ?", (ident,))
        return digest(found[0]) if found else None
    if kind == "document":
        found = _rows(conn, "SELECT * FROM documents WHERE id = ?", (int(ident),))
        if not found:
            return None
        return digest({"row": found[0], "utterances": _utterances(conn, int(ident))})
    if kind == "signals":
        if not _rows(conn, "SELECT id FROM documents WHERE id = ?", (int(ident),)):
            return None
        found = _rows(
            conn, "SELECT * FROM signals WHERE document_id = ? ORDER BY id", (int(ident),)
        )
        # One digest per signal, so the auditor can name the very row that changed.
        return {str(row["id"]): digest(row) for row in found}
    if kind == "review":
        found = _rows(conn, "SELECT * FROM reviews WHERE id = ?", (int(ident),))
        return digest(found[0]) if found else None
    if kind == "snapshot":
        found = _rows(conn, "SELECT * FROM score_snapshots WHERE id = ?", (int(ident),))
        return digest(found[0]) if found else None
    if kind == "stakeholders":
        found = _rows(conn, "SELECT * FROM stakeholders WHERE lead_id = ? ORDER BY key", (ident,))
        return digest(found) if found else None
    raise ValueError(f"unknown vouch key {key!r}")


def vouch(conn: sqlite3.Connection, *keys: str) -> dict[str, dict[str, object]]:
    """The payload fragment an event carries: `{"vouch": {key: digest}}`."""
    return {VOUCH_KEY: {key: key_digest(conn, key) for key in keys}}


def current_keys(conn: sqlite3.Connection) -> dict[str, str | None]:
    """Every key the database holds now, with the lead it belongs to (for purge handling)."""
    keys: dict[str, str | None] = {}
    for row in _rows(conn, "SELECT id FROM leads"):
        keys[f"lead:{row['id']}"] = row["id"]
    for row in _rows(conn, "SELECT id, lead_id FROM documents"):
        keys[f"document:{row['id']}"] = row["lead_id"]
        keys[f"signals:{row['id']}"] = row["lead_id"]
    for row in _rows(
        conn, "SELECT r.id, s.lead_id FROM reviews r LEFT JOIN signals s ON s.id = r.signal_id"
    ):
        keys[f"review:{row['id']}"] = row["lead_id"]
    for row in _rows(conn, "SELECT id, lead_id FROM score_snapshots"):
        keys[f"snapshot:{row['id']}"] = row["lead_id"]
    for row in _rows(conn, "SELECT DISTINCT lead_id FROM stakeholders"):
        keys[f"stakeholders:{row['lead_id']}"] = row["lead_id"]
    return keys
