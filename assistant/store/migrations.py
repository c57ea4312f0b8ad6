"""Numbered schema migrations, a `PRAGMA user_version` ladder; each step is one transaction.

Never edit a released step: add a new one. Step N turns a version N-1 database into version N.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from assistant.store.errors import SchemaTooNewError

Migration = Callable[[sqlite_utils.Database], None]


def _v1_core(db: sqlite_utils.Database) -> None:
    """Leads, the documents they came from, their utterances and extracted signals."""
    db["leads"].create(
        {
            "id": str,
            "name": str,
            "company": str,
            "segment": str,
            "employees": int,
            "revenue": float,
            "potential_arr": float,
            "industry": str,
            "owner": str,
            "stage": str,
            "created_at": str,
            "extra": str,
        },
        pk="id",
        not_null={"id", "name", "created_at", "extra"},
        defaults={"extra": "{}"},
    )
    db["documents"].create(
        {
            "id": int,
            "lead_id": str,
            "kind": str,
            "source": str,
            "date": str,
            "text": str,
            "quoted_text": str,
            "participants": str,
            "meta": str,
            "content_hash": str,
            "created_at": str,
        },
        pk="id",
        not_null={
            "lead_id",
            "kind",
            "source",
            "text",
            "quoted_text",
            "participants",
            "meta",
            "content_hash",
            "created_at",
        },
        foreign_keys=[("lead_id", "leads", "id")],
    )
    db["documents"].create_index(["lead_id", "content_hash"], unique=True)
    # A stored document is evidence: it must never change under the signals that quote it.
    db.execute(
        "CREATE TRIGGER documents_immutable BEFORE UPDATE ON documents "
        "BEGIN SELECT RAISE(ABORT, 'documents are immutable'); END"
    )
    db["utterances"].create(
        {
            "id": int,
            "document_id": int,
            "idx": int,
            "speaker": str,
            "role": str,
            "start": int,
            "end": int,
            "text": str,
            "timestamp": float,
            "embedding": bytes,
        },
        pk="id",
        not_null={"document_id", "idx", "role", "start", "end", "text"},
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["utterances"].create_index(["document_id", "idx"], unique=True)
    db["signals"].create(
        {
            "id": int,
            "document_id": int,
            "lead_id": str,
            "dimension": str,
            "type": str,
            "value": str,
            "polarity": str,
            "confidence": float,
            "modifiers": str,
            "start": int,
            "end": int,
            "speaker": str,
            "role": str,
            "quote": str,
            "extractor": str,
            "extractor_version": str,
            "reasons": str,
            "run_id": str,
            "created_at": str,
        },
        pk="id",
        not_null={
            "document_id",
            "lead_id",
            "dimension",
            "type",
            "value",
            "polarity",
            "confidence",
            "modifiers",
            "start",
            "end",
            "role",
            "quote",
            "extractor",
            "extractor_version",
            "reasons",
            "created_at",
        },
        foreign_keys=[("document_id", "documents", "id"), ("lead_id", "leads", "id")],
    )
    db["signals"].create_index(["lead_id"])
    db["signals"].create_index(["document_id"])


def _v2_review_and_audit(db: sqlite_utils.Database) -> None:
    """Human reviews, score history, stakeholders and the append-only event log."""
    db["signals"].add_column("retired_at", str)
    db["reviews"].create(
        {
            "id": int,
            "signal_id": int,
            "action": str,
            "value": str,
            "reason": str,
            "by": str,
            "at": str,
        },
        pk="id",
        not_null={"signal_id", "action", "by", "at"},
        foreign_keys=[("signal_id", "signals", "id")],
    )
    db["reviews"].create_index(["signal_id"])
    db["score_snapshots"].create(
        {
            "id": int,
            "lead_id": str,
            "at": str,
            "total": float,
            "stage": str,
            "model_version": str,
            "inputs_hash": str,
            "score": str,
        },
        pk="id",
        not_null={"lead_id", "at", "total", "model_version", "inputs_hash", "score"},
        foreign_keys=[("lead_id", "leads", "id")],
    )
    db["score_snapshots"].create_index(["lead_id", "id"])
    db["stakeholders"].create(
        {
            "lead_id": str,
            "key": str,
            "name": str,
            "title": str,
            "department": str,
            "buying_role": str,
            "stance": str,
            "present": int,
            "mentions": str,
        },
        pk=("lead_id", "key"),
        not_null={"lead_id", "key", "name", "present", "mentions"},
        foreign_keys=[("lead_id", "leads", "id")],
        defaults={"present": 0, "mentions": "[]"},
    )
    # Events outlive the leads they name (a purge is itself an event), so no foreign key.
    # AUTOINCREMENT keeps ids from being reused, so a deleted tail event leaves a trace.
    db.execute(
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL,
            lead_id TEXT,
            payload TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX idx_events_lead_id ON events (lead_id)")
    for op in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER events_append_only_{op.lower()} BEFORE {op} ON events "
            "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
        )


def _v3_full_text_search(db: sqlite_utils.Database) -> None:
    """FTS5 indexes over document and utterance text, kept in step by triggers."""
    for table in ("documents", "utterances"):
        db.execute(
            f"CREATE VIRTUAL TABLE {table}_fts USING fts5(text, content='{table}', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        db.execute(
            f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {table}_fts(rowid, text) VALUES (new.id, new.text); END"
        )
        db.execute(
            f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {table}_fts({table}_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); END"
        )
        db.execute(
            f"CREATE TRIGGER {table}_fts_au AFTER UPDATE OF text ON {table} BEGIN "
            f"INSERT INTO {table}_fts({table}_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); "
            f"INSERT INTO {table}_fts(rowid, text) VALUES (new.id, new.text); END"
        )
        # Index whatever an older schema already holds.
        db.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")


def _v4_one_text_index(db: sqlite_utils.Database) -> None:
    """Drop the utterance text index: documents_fts finds the documents, and the best turn of
    a hit is picked from its few utterances in Python. Indexing every turn a second time cost
    about a third of the time spent storing a transcript."""
    for op in ("ai", "ad", "au"):
        db.execute(f"DROP TRIGGER IF EXISTS utterances_fts_{op}")
    db.execute("DROP TABLE IF EXISTS utterances_fts")


MIGRATIONS: tuple[Migration, ...] = (
    _v1_core,
    _v2_review_and_audit,
    _v3_full_text_search,
    _v4_one_text_index,
)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: sqlite_utils.Database) -> int:
    """The version recorded in the file (0 for a new, empty database)."""
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(version: int) -> None:
    """Refuse a file from a newer qualify: old code could write rows the new schema forbids."""
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"database schema v{version} is newer than this qualify (v{SCHEMA_VERSION}); "
            "upgrade qualify"
        )


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the database up to SCHEMA_VERSION, one transaction per step; returns the version."""
    version = schema_version(db)
    check_not_newer(version)
    while version < SCHEMA_VERSION:
        # IMMEDIATE takes the write lock first, so two processes never migrate at once;
        # re-reading the version inside the lock tells us if the other one already did.
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            version = schema_version(db)
            check_not_newer(version)
            if version < SCHEMA_VERSION:
                MIGRATIONS[version](db)
                version += 1
                db.conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
    return version
