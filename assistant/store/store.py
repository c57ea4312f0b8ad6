"""The Store: every read and write of qualify's SQLite database goes through this class.

Writes that belong together run in one `BEGIN IMMEDIATE` transaction (taking the write lock
up front, so WAL readers never have to upgrade a lock mid-way and fail), and append their
audit event inside that same transaction: either all of it lands, or none of it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlite_utils

from assistant.store import chain, rows, vouch
from assistant.store.connect import MEMORY, create_private, translate, translated
from assistant.store.errors import DuplicateError, InvalidInputError, NotFoundError, StoreError
from assistant.store.fts import MARK_END, MARK_START, best_passage, fts_query
from assistant.store.migrations import schema_version
from assistant.store.models import (
    REVIEW_ACTIONS,
    Event,
    LeadRow,
    Review,
    SearchHit,
    Snapshot,
    Stakeholder,
    StoredDocument,
    StoredSignal,
)
from extractors.schema import Document, Signal

P = ParamSpec("P")
R = TypeVar("R")
Clock = Callable[[], dt.datetime]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _guarded(method: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """One caller at a time (TUI workers share the connection); sqlite errors become messages."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock, translated(self.path):
            return method(self, *args, **kwargs)

    return wrapper


def _check_evidence(signals: Sequence[Signal], text: str) -> None:
    for number, signal in enumerate(signals):
        try:
            signal.evidence.check_against(text)
        except ValueError as error:
            raise InvalidInputError(
                f"signal {number} ({signal.dimension}/{signal.type}) does not quote its "
                f"document: {error}"
            ) from error


def _signal_key(dimension: str, type_: str, start: int, end: int, extractor: str) -> tuple:
    """What makes a re-extracted signal 'the same' one, so that its reviews stay attached."""
    return (dimension, type_, start, end, extractor)


class Store:
    """Typed access to leads, documents, signals, reviews, scores and the audit log."""

    def __init__(self, conn: sqlite3.Connection, path: Path | str, clock: Clock | None = None):
        self._conn = conn
        self.db = sqlite_utils.Database(conn)
        self.path = path
        self._clock = clock or _utcnow
        self._lock = threading.RLock()

    # ----------------------------------------------------------------- plumbing

    def close(self) -> None:
        """Close the connection; the Store is unusable afterwards."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The `PRAGMA user_version` of the open database."""
        with self._lock:
            return schema_version(self.db)

    def _now(self) -> str:
        return rows.to_ts(self._clock())

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction; any exception rolls back everything done inside it."""
        if self._conn.in_transaction:
            raise RuntimeError("nested store transaction")
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise

    def _one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        # Fetch everything so no half-read cursor keeps a WAL read snapshot open.
        found = list(self.db.query(sql, params))
        return found[0] if found else None

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        columns = ", ".join(f'"{name}"' for name in row)
        marks = ", ".join("?" for _ in row)
        cursor = self._conn.execute(
            f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', tuple(row.values())
        )
        return int(cursor.lastrowid or 0)

    def _require_lead(self, lead_id: str) -> None:
        if self._one("SELECT 1 AS ok FROM leads WHERE id = ?", (lead_id,)) is None:
            raise NotFoundError(f"unknown lead {lead_id!r}; add it first (qualify lead add)")

    # ----------------------------------------------------------------- events

    def _vouch(self, *keys: str) -> dict[str, Any]:
        """Digests of the rows an event records, read inside the caller's transaction."""
        return vouch.vouch(self._conn, *keys)

    @_guarded
    def seal(self, keys: Sequence[str], *, actor: str, reason: str) -> Event:
        """Vouch for rows no event recorded yet (written by an older qualify), as they are now.

        The caller picks the keys (only unvouched ones); the `seal` event names who and why.
        """
        if not actor.strip() or not reason.strip():
            raise InvalidInputError("a seal needs who does it (by) and a reason")
        with self._write():
            owners = vouch.current_keys(self._conn)
            return self._append_event(
                "seal",
                actor,
                None,
                {
                    "reason": reason,
                    "owners": {key: owners.get(key) for key in keys},
                    **self._vouch(*keys),
                },
            )

    @_guarded
    def audit_state(self) -> tuple[int | None, list[Event], dict[str, tuple[str | None, Any]]]:
        """(first broken event id, all events, row digests) read in one snapshot, so that a
        write by another process half-way through cannot look like tampering."""
        self._conn.execute("BEGIN")
        try:
            found = self._all("SELECT * FROM events ORDER BY id")
            seq = self._one("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
            broken = chain.first_broken(found, seq["seq"] if seq else 0)
            digests = {
                key: (lead_id, vouch.key_digest(self._conn, key))
                for key, lead_id in vouch.current_keys(self._conn).items()
            }
        finally:
            self._conn.execute("COMMIT")
        return broken, [rows.event_from_row(row) for row in found], digests

    @_guarded
    def row_digests(self) -> dict[str, tuple[str | None, Any]]:
        """Every vouchable unit of state now: key -> (lead id, digest). See store.vouch."""
        return {
            key: (lead_id, vouch.key_digest(self._conn, key))
            for key, lead_id in vouch.current_keys(self._conn).items()
        }

    def _append_event(
        self, kind: str, actor: str, lead_id: str | None, payload: dict[str, Any]
    ) -> Event:
        """Append inside the caller's transaction, chained to the newest event."""
        try:
            clean = json.loads(chain.canonical_json(payload))
        except (TypeError, ValueError) as error:
            raise InvalidInputError(f"event payload is not plain JSON: {error}") from error
        last = self._one("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
        seq = self._one("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
        event_id = max(seq["seq"] if seq else 0, last["id"] if last else 0) + 1
        prev_hash = last["hash"] if last else chain.GENESIS_HASH
        at = self._now()
        digest = chain.event_hash(
            prev_hash, id=event_id, at=at, actor=actor, kind=kind, lead_id=lead_id, payload=clean
        )
        row = {
            "id": event_id,
            "at": at,
            "actor": actor,
            "kind": kind,
            "lead_id": lead_id,
            "payload": chain.canonical_json(clean),
            "prev_hash": prev_hash,
            "hash": digest,
        }
        self._insert("events", row)
        return rows.event_from_row(row)

    @_guarded
    def append_event(
        self,
        kind: str,
        actor: str,
        lead_id: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> Event:
        """Record something that happened (a human override, an export) in the audit log."""
        if not kind.strip() or not actor.strip():
            raise InvalidInputError("an event needs a kind and an actor (who did it)")
        with self._write():
            return self._append_event(kind, actor, lead_id, payload or {})

    @_guarded
    def events(self, lead_id: str | None = None) -> list[Event]:
        """The audit log, oldest first; only one lead's events when lead_id is given."""
        if lead_id is None:
            found = self._all("SELECT * FROM events ORDER BY id")
        else:
            found = self._all("SELECT * FROM events WHERE lead_id = ? ORDER BY id", (lead_id,))
        return [rows.event_from_row(row) for row in found]

    @_guarded
    def verify_chain(self) -> int | None:
        """The first event id that was altered or removed, or None when the log is intact."""
        found = self._all("SELECT * FROM events ORDER BY id")
        seq = self._one("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
        return chain.first_broken(found, seq["seq"] if seq else 0)

    # ----------------------------------------------------------------- leads

    @_guarded
    def add_lead(self, lead: LeadRow, *, update: bool = False, actor: str = "system") -> LeadRow:
        """Create a lead; an existing id is an error unless update=True (then fields change)."""
        with self._write():
            existing = self._one("SELECT * FROM leads WHERE id = ?", (lead.id,))
            if existing is None:
                created = lead.created_at or self._clock()
                self._insert("leads", rows.lead_to_row(lead, created))
                self._append_event(
                    "add_lead",
                    actor,
                    lead.id,
                    {"name": lead.name, **self._vouch(f"lead:{lead.id}")},
                )
            else:
                if not update:
                    raise DuplicateError(
                        f"lead {lead.id!r} already exists; use update (--update) to change it"
                    )
                old = rows.lead_from_row(existing)
                assert old.created_at is not None
                new_row = rows.lead_to_row(lead, old.created_at)
                changed = [k for k, v in new_row.items() if existing[k] != v]
                if changed:
                    sets = ", ".join(f'"{k}" = ?' for k in changed)
                    self._conn.execute(
                        f"UPDATE leads SET {sets} WHERE id = ?",
                        (*(new_row[k] for k in changed), lead.id),
                    )
                    overrides = {k: new_row[k] for k in ("segment", "stage") if k in changed}
                    self._append_event(
                        "update_lead",
                        actor,
                        lead.id,
                        {"fields": changed, **overrides, **self._vouch(f"lead:{lead.id}")},
                    )
            stored = self._one("SELECT * FROM leads WHERE id = ?", (lead.id,))
        assert stored is not None
        return rows.lead_from_row(stored)

    @_guarded
    def get_lead(self, lead_id: str) -> LeadRow | None:
        """The lead with this id, or None."""
        row = self._one("SELECT * FROM leads WHERE id = ?", (lead_id,))
        return rows.lead_from_row(row) if row else None

    @_guarded
    def list_leads(self) -> list[LeadRow]:
        """All leads, oldest first."""
        return [
            rows.lead_from_row(row)
            for row in self._all("SELECT * FROM leads ORDER BY created_at, id")
        ]

    @_guarded
    def set_stage(
        self, lead_id: str, stage: str | None, *, reason: str, by: str
    ) -> tuple[LeadRow, str | None]:
        """A human stage override (None clears it) with an `override` event saying who and why.

        Returns (the lead after the change, the previous override).
        """
        if not by.strip() or not reason.strip():
            raise InvalidInputError("a stage override needs a reason and who made it (by)")
        with self._write():
            row = self._one("SELECT * FROM leads WHERE id = ?", (lead_id,))
            if row is None:
                raise NotFoundError(f"unknown lead {lead_id!r}; add it first (qualify lead add)")
            previous = row["stage"]
            self._conn.execute("UPDATE leads SET stage = ? WHERE id = ?", (stage, lead_id))
            self._append_event(
                "override",
                by,
                lead_id,
                {
                    "field": "stage",
                    "stage": stage,
                    "previous": previous,
                    "reason": reason,
                    **self._vouch(f"lead:{lead_id}"),
                },
            )
            stored = self._one("SELECT * FROM leads WHERE id = ?", (lead_id,))
        assert stored is not None
        return rows.lead_from_row(stored), previous

    @_guarded
    def import_lead(
        self,
        lead: LeadRow,
        documents: Sequence[tuple[Document, Sequence[tuple[int, Signal, bool]]]],
        reviews: Sequence[tuple[int, Review]] = (),
        snapshots: Sequence[Snapshot] = (),
        stakeholders: Sequence[Stakeholder] = (),
        *,
        actor: str = "system",
        source: dict[str, Any] | None = None,
    ) -> dict[str, int]:
        """Write a whole lead from an export in one transaction, with one `import` event.

        `documents` pairs each document with (old signal id, signal, retired) triples; reviews
        name the old signal id and are re-attached to the new one. Stakeholder mentions name
        documents by their position in `documents`. The lead id must be free.
        """
        with self._write():
            if self._one("SELECT 1 AS ok FROM leads WHERE id = ?", (lead.id,)) is not None:
                raise DuplicateError(
                    f"lead {lead.id!r} already exists; delete it first or import elsewhere"
                )
            now = self._clock()
            self._insert("leads", rows.lead_to_row(lead, lead.created_at or now))
            keys = [f"lead:{lead.id}"]
            signal_ids: dict[int, int] = {}
            doc_ids: list[int] = []
            for document, signals in documents:
                _check_evidence([sig for _, sig, _ in signals], document.text)
                doc_id = self._insert("documents", rows.document_to_row(lead.id, document, now))
                doc_ids.append(doc_id)
                for utt in document.utterances:
                    self._insert("utterances", rows.utterance_to_row(doc_id, utt))
                for old_id, signal, retired in signals:
                    row = rows.signal_to_row(
                        signal,
                        document_id=doc_id,
                        lead_id=lead.id,
                        run_id="import",
                        created_at=rows.to_ts(now),
                    )
                    row["retired_at"] = rows.to_ts(now) if retired else None
                    signal_ids[old_id] = self._insert("signals", row)
                keys += [f"document:{doc_id}", f"signals:{doc_id}"]
            for old_id, review in reviews:
                if old_id not in signal_ids:
                    raise InvalidInputError(f"review {review.id} names unknown signal {old_id}")
                review_id = self._insert(
                    "reviews",
                    {
                        "signal_id": signal_ids[old_id],
                        "action": review.action,
                        "value": rows.dumps(review.value) if review.value is not None else None,
                        "reason": review.reason,
                        "by": review.by,
                        "at": rows.to_ts(review.at),
                    },
                )
                keys.append(f"review:{review_id}")
            for snap in snapshots:
                snap_id = self._insert(
                    "score_snapshots",
                    {
                        "lead_id": lead.id,
                        "at": rows.to_ts(snap.at),
                        "total": float(snap.total),
                        "stage": snap.stage,
                        "model_version": snap.model_version,
                        "inputs_hash": snap.inputs_hash,
                        "score": rows.dumps(snap.score),
                    },
                )
                keys.append(f"snapshot:{snap_id}")
            for person in stakeholders:
                mentions = []
                for m in person.mentions:
                    if not 0 <= m.document_id < len(doc_ids):
                        raise InvalidInputError(
                            f"stakeholder {person.name!r} names unknown document {m.document_id}"
                        )
                    mentions.append(m.model_copy(update={"document_id": doc_ids[m.document_id]}))
                moved = person.model_copy(update={"mentions": tuple(mentions)})
                self._insert("stakeholders", rows.stakeholder_to_row(lead.id, moved))
            if stakeholders:
                keys.append(f"stakeholders:{lead.id}")
            counts = {
                "documents": len(doc_ids),
                "signals": len(signal_ids),
                "reviews": len(reviews),
                "snapshots": len(snapshots),
                "stakeholders": len(stakeholders),
            }
            self._append_event(
                "import",
                actor,
                lead.id,
                {"counts": counts, "source": source or {}, **self._vouch(*keys)},
            )
        return counts

    @_guarded
    def delete_lead(
        self, lead_id: str, *, purge: bool = False, actor: str = "system"
    ) -> dict[str, int]:
        """Delete a lead. With documents it refuses unless purge=True, which removes them too.

        The audit log keeps a `delete_lead` event with counts (never the deleted content).
        """
        with self._write():
            self._require_lead(lead_id)
            docs = self._one("SELECT count(*) AS n FROM documents WHERE lead_id = ?", (lead_id,))
            n_docs = docs["n"] if docs else 0
            if n_docs and not purge:
                raise StoreError(
                    f"lead {lead_id!r} has {n_docs} document(s); delete with purge (--purge) "
                    "to remove them with their signals, reviews and scores"
                )
            deletes = {
                "reviews": "DELETE FROM reviews WHERE signal_id IN "
                "(SELECT id FROM signals WHERE lead_id = ?)",
                "signals": "DELETE FROM signals WHERE lead_id = ?",
                "utterances": "DELETE FROM utterances WHERE document_id IN "
                "(SELECT id FROM documents WHERE lead_id = ?)",
                "documents": "DELETE FROM documents WHERE lead_id = ?",
                "score_snapshots": "DELETE FROM score_snapshots WHERE lead_id = ?",
                "stakeholders": "DELETE FROM stakeholders WHERE lead_id = ?",
                "leads": "DELETE FROM leads WHERE id = ?",
            }
            counts = {
                table: self._conn.execute(sql, (lead_id,)).rowcount
                for table, sql in deletes.items()
            }
            self._append_event("delete_lead", actor, lead_id, {"purge": purge, "deleted": counts})
        return counts

    # ----------------------------------------------------------------- documents

    @_guarded
    def add_document(
        self,
        lead_id: str,
        document: Document,
        signals: Sequence[Signal] = (),
        actor: str = "system",
        run_id: str | None = None,
    ) -> tuple[int, bool]:
        """Store a document with its utterances, signals and an `ingest` event, atomically.

        Returns (document id, created). The same content for the same lead is a no-op that
        returns the existing id and created=False.
        """
        with self._write():
            self._require_lead(lead_id)
            existing = self._one(
                "SELECT id FROM documents WHERE lead_id = ? AND content_hash = ?",
                (lead_id, document.content_hash),
            )
            if existing is not None:
                return int(existing["id"]), False
            _check_evidence(signals, document.text)
            now = self._clock()
            doc_id = self._insert("documents", rows.document_to_row(lead_id, document, now))
            utterance_rows = [rows.utterance_to_row(doc_id, u) for u in document.utterances]
            if utterance_rows:
                columns = ", ".join(f'"{name}"' for name in utterance_rows[0])
                marks = ", ".join("?" for _ in utterance_rows[0])
                self._conn.executemany(
                    f'INSERT INTO "utterances" ({columns}) VALUES ({marks})',
                    [tuple(r.values()) for r in utterance_rows],
                )
            run = run_id or uuid.uuid4().hex
            created_at = rows.to_ts(now)
            for signal in signals:
                self._insert(
                    "signals",
                    rows.signal_to_row(
                        signal,
                        document_id=doc_id,
                        lead_id=lead_id,
                        run_id=run,
                        created_at=created_at,
                    ),
                )
            self._append_event(
                "ingest",
                actor,
                lead_id,
                {
                    "document_id": doc_id,
                    "content_hash": document.content_hash,
                    "kind": document.kind,
                    "source": document.source,
                    "utterances": len(document.utterances),
                    "signals": len(signals),
                    "run_id": run,
                    **self._vouch(f"document:{doc_id}", f"signals:{doc_id}"),
                },
            )
        return doc_id, True

    def _load_document(self, row: dict[str, Any]) -> StoredDocument:
        utterances = self._all(
            "SELECT * FROM utterances WHERE document_id = ? ORDER BY idx", (row["id"],)
        )
        return StoredDocument(
            id=row["id"],
            lead_id=row["lead_id"],
            document=rows.document_from_rows(row, utterances),
            created_at=rows.from_ts(row["created_at"]),
        )

    @_guarded
    def get_document(self, document_id: int) -> StoredDocument | None:
        """The stored document (with utterances), or None."""
        row = self._one("SELECT * FROM documents WHERE id = ?", (document_id,))
        return self._load_document(row) if row else None

    @_guarded
    def documents_for_lead(self, lead_id: str) -> list[StoredDocument]:
        """A lead's documents in conversation order (by date, then ingestion)."""
        found = self._all(
            "SELECT * FROM documents WHERE lead_id = ? ORDER BY date IS NULL, date, id",
            (lead_id,),
        )
        return [self._load_document(row) for row in found]

    # ----------------------------------------------------------------- signals

    @_guarded
    def signals_for_lead(
        self, lead_id: str, *, include_retired: bool = False
    ) -> list[StoredSignal]:
        """A lead's signals in the order they were stored."""
        retired = "" if include_retired else " AND retired_at IS NULL"
        found = self._all(
            f"SELECT * FROM signals WHERE lead_id = ?{retired} ORDER BY id", (lead_id,)
        )
        return [rows.signal_from_row(row) for row in found]

    @_guarded
    def signals_for_document(
        self, document_id: int, *, include_retired: bool = False
    ) -> list[StoredSignal]:
        """One document's signals in the order they were stored."""
        retired = "" if include_retired else " AND retired_at IS NULL"
        found = self._all(
            f"SELECT * FROM signals WHERE document_id = ?{retired} ORDER BY id", (document_id,)
        )
        return [rows.signal_from_row(row) for row in found]

    @_guarded
    def get_signal(self, signal_id: int) -> StoredSignal | None:
        """One signal by id (retired ones too), or None."""
        row = self._one("SELECT * FROM signals WHERE id = ?", (signal_id,))
        return rows.signal_from_row(row) if row else None

    @_guarded
    def replace_signals(
        self,
        document_id: int,
        signals: Sequence[Signal],
        run_id: str,
        actor: str = "system",
    ) -> dict[str, int]:
        """Swap a document's signals for a re-extraction without losing human reviews.

        A new signal with the same dimension, type, span and extractor as an old one keeps
        the old id (so its reviews still apply) and takes the new value. Old signals that
        are gone are deleted, unless reviewed: those are kept as retired.
        """
        with self._write():
            doc = self._one("SELECT lead_id, text FROM documents WHERE id = ?", (document_id,))
            if doc is None:
                raise NotFoundError(f"unknown document {document_id}")
            _check_evidence(signals, doc["text"])
            old: dict[tuple, list[dict[str, Any]]] = {}
            for row in self._all(
                "SELECT * FROM signals WHERE document_id = ? ORDER BY retired_at IS NOT NULL, id",
                (document_id,),
            ):
                key = _signal_key(
                    row["dimension"], row["type"], row["start"], row["end"], row["extractor"]
                )
                old.setdefault(key, []).append(row)
            now = self._now()
            counts = {"kept": 0, "added": 0, "retired": 0, "deleted": 0}
            for signal in signals:
                ev = signal.evidence
                key = _signal_key(signal.dimension, signal.type, ev.start, ev.end, ev.extractor)
                new_row = rows.signal_to_row(
                    signal,
                    document_id=document_id,
                    lead_id=doc["lead_id"],
                    run_id=run_id,
                    created_at=now,
                )
                matches = old.get(key)
                if matches:
                    match = matches.pop(0)
                    new_row.pop("created_at")
                    sets = ", ".join(f'"{k}" = ?' for k in new_row)
                    self._conn.execute(
                        f"UPDATE signals SET {sets}, retired_at = NULL WHERE id = ?",
                        (*new_row.values(), match["id"]),
                    )
                    counts["kept"] += 1
                else:
                    self._insert("signals", new_row)
                    counts["added"] += 1
            for leftover in (row for group in old.values() for row in group):
                reviewed = self._one(
                    "SELECT 1 AS ok FROM reviews WHERE signal_id = ? LIMIT 1", (leftover["id"],)
                )
                if reviewed:
                    if leftover["retired_at"] is None:
                        self._conn.execute(
                            "UPDATE signals SET retired_at = ? WHERE id = ?", (now, leftover["id"])
                        )
                        counts["retired"] += 1
                else:
                    self._conn.execute("DELETE FROM signals WHERE id = ?", (leftover["id"],))
                    counts["deleted"] += 1
            self._append_event(
                "reextract",
                actor,
                doc["lead_id"],
                {
                    "document_id": document_id,
                    "run_id": run_id,
                    **counts,
                    **self._vouch(f"signals:{document_id}"),
                },
            )
        return counts

    # ----------------------------------------------------------------- reviews

    @_guarded
    def add_review(
        self,
        signal_id: int,
        action: str,
        value: dict[str, Any] | str | None = None,
        reason: str | None = None,
        by: str = "",
    ) -> Review:
        """Record a human confirm / reject / edit of a signal, with an audit event."""
        if action not in REVIEW_ACTIONS:
            raise InvalidInputError(
                f"review action must be one of {', '.join(REVIEW_ACTIONS)} (got {action!r})"
            )
        if not by.strip():
            raise InvalidInputError("a review needs a reviewer name (by)")
        if action == "edit" and value is None:
            raise InvalidInputError("an edit review needs the corrected value")
        with self._write():
            signal = self._one("SELECT lead_id FROM signals WHERE id = ?", (signal_id,))
            if signal is None:
                raise NotFoundError(f"unknown signal {signal_id}")
            row = {
                "signal_id": signal_id,
                "action": action,
                "value": rows.dumps(value) if value is not None else None,
                "reason": reason,
                "by": by,
                "at": self._now(),
            }
            row["id"] = self._insert("reviews", row)
            self._append_event(
                "review",
                by,
                signal["lead_id"],
                {
                    "review_id": row["id"],
                    "signal_id": signal_id,
                    "action": action,
                    "value": value,
                    "reason": reason,
                    **self._vouch(f"review:{row['id']}"),
                },
            )
        return rows.review_from_row(row)

    @_guarded
    def reviews_for_lead(self, lead_id: str) -> list[Review]:
        """Every review of the lead's signals (retired ones too), oldest first."""
        found = self._all(
            "SELECT r.* FROM reviews r JOIN signals s ON s.id = r.signal_id "
            "WHERE s.lead_id = ? ORDER BY r.id",
            (lead_id,),
        )
        return [rows.review_from_row(row) for row in found]

    # ----------------------------------------------------------------- scores

    @_guarded
    def save_snapshot(
        self,
        lead_id: str,
        total: float,
        stage: str | None,
        model_version: str,
        inputs_hash: str,
        score_json: dict[str, Any] | str,
        actor: str = "system",
    ) -> tuple[int, bool]:
        """Keep a score in history when its inputs changed. Returns (snapshot id, created)."""
        score = json.loads(score_json) if isinstance(score_json, str) else score_json
        if not isinstance(score, dict):
            raise InvalidInputError("score_json must be a JSON object")
        with self._write():
            self._require_lead(lead_id)
            latest = self._one(
                "SELECT id, inputs_hash FROM score_snapshots WHERE lead_id = ? "
                "ORDER BY id DESC LIMIT 1",
                (lead_id,),
            )
            if latest is not None and latest["inputs_hash"] == inputs_hash:
                return int(latest["id"]), False
            snapshot_id = self._insert(
                "score_snapshots",
                {
                    "lead_id": lead_id,
                    "at": self._now(),
                    "total": float(total),
                    "stage": stage,
                    "model_version": model_version,
                    "inputs_hash": inputs_hash,
                    "score": rows.dumps(score),
                },
            )
            self._append_event(
                "snapshot",
                actor,
                lead_id,
                {
                    "snapshot_id": snapshot_id,
                    "total": float(total),
                    "stage": stage,
                    "model_version": model_version,
                    **self._vouch(f"snapshot:{snapshot_id}"),
                },
            )
        return snapshot_id, True

    @_guarded
    def snapshots(self, lead_id: str) -> list[Snapshot]:
        """A lead's score history, oldest first."""
        found = self._all("SELECT * FROM score_snapshots WHERE lead_id = ? ORDER BY id", (lead_id,))
        return [rows.snapshot_from_row(row) for row in found]

    # ----------------------------------------------------------------- stakeholders

    @_guarded
    def upsert_stakeholders(
        self, lead_id: str, people: Sequence[Stakeholder], actor: str = "system"
    ) -> list[Stakeholder]:
        """Add or merge people by key: new facts win, unknown fields keep what we knew."""
        with self._write():
            self._require_lead(lead_id)
            changed: list[str] = []
            for person in people:
                row = self._one(
                    "SELECT * FROM stakeholders WHERE lead_id = ? AND key = ?",
                    (lead_id, person.key),
                )
                merged = (
                    rows.merge_stakeholder(rows.stakeholder_from_row(row), person)
                    if row
                    else person
                )
                new_row = rows.stakeholder_to_row(lead_id, merged)
                if row is not None and all(row[k] == v for k, v in new_row.items()):
                    continue
                self._conn.execute(
                    "INSERT OR REPLACE INTO stakeholders "
                    f"({', '.join(new_row)}) VALUES ({', '.join('?' for _ in new_row)})",
                    tuple(new_row.values()),
                )
                changed.append(person.key)
            if changed:
                self._append_event(
                    "stakeholders",
                    actor,
                    lead_id,
                    {"keys": changed, **self._vouch(f"stakeholders:{lead_id}")},
                )
            found = self._all(
                "SELECT * FROM stakeholders WHERE lead_id = ? ORDER BY key", (lead_id,)
            )
        return [rows.stakeholder_from_row(row) for row in found]

    @_guarded
    def stakeholders(self, lead_id: str) -> list[Stakeholder]:
        """A lead's stakeholders, by key."""
        found = self._all("SELECT * FROM stakeholders WHERE lead_id = ? ORDER BY key", (lead_id,))
        return [rows.stakeholder_from_row(row) for row in found]

    # ----------------------------------------------------------------- search

    @_guarded
    def search(self, text: str, lead_id: str | None = None, limit: int = 20) -> list[SearchHit]:
        """Full-text search over document text; user text is quoted, never parsed as syntax."""
        if not 1 <= limit <= 1000:
            raise InvalidInputError(f"search limit must be between 1 and 1000 (got {limit})")
        query = fts_query(text)
        if query is None:
            return []
        sql = (
            "SELECT d.id, d.lead_id, d.kind, d.source, "
            "snippet(documents_fts, 0, ?, ?, ' … ', 12) AS snip, "
            "bm25(documents_fts) AS rank "
            "FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid "
            "WHERE documents_fts MATCH ?"
        )
        params: list[Any] = [MARK_START, MARK_END, query]
        if lead_id is not None:
            sql += " AND d.lead_id = ?"
            params.append(lead_id)
        sql += " ORDER BY rank, d.id LIMIT ?"
        params.append(limit)
        try:
            found = self._all(sql, params)
        except sqlite3.OperationalError as error:
            if translate(error, self.path) is not None:
                raise
            raise InvalidInputError(f"cannot search for {text!r}; use plain words") from error
        hits = []
        for row in found:
            turns = self._all(
                "SELECT idx, speaker, text FROM utterances WHERE document_id = ? ORDER BY idx",
                (row["id"],),
            )
            best = best_passage(text, [t["text"] for t in turns])
            utt = turns[best] if best is not None else None
            hits.append(
                SearchHit(
                    document_id=row["id"],
                    lead_id=row["lead_id"],
                    kind=row["kind"],
                    source=row["source"],
                    snippet=row["snip"],
                    rank=row["rank"],
                    utterance_index=utt["idx"] if utt else None,
                    speaker=utt["speaker"] if utt else None,
                )
            )
        return hits

    # ----------------------------------------------------------------- backup

    @_guarded
    def backup(self, path: Path | str, *, overwrite: bool = False) -> Path:
        """Copy the live database with SQLite's online backup API (safe while in use)."""
        target = Path(path).expanduser()
        if str(self.path) != MEMORY and target.resolve() == Path(self.path).resolve():
            raise InvalidInputError("backup target is the database itself; choose another path")
        if target.exists():
            if not overwrite:
                raise DuplicateError(
                    f"backup target {target} exists; choose another path or overwrite it"
                )
            target.unlink()
        create_private(target)
        with translated(target):
            dest = sqlite3.connect(str(target))
            try:
                self._conn.backup(dest)
            finally:
                dest.close()
        return target

    # ----------------------------------------------------------------- embeddings

    @_guarded
    def set_utterance_embeddings(self, document_id: int, vectors: dict[int, bytes]) -> int:
        """Store derived vectors (float32 bytes) per utterance index; the text is untouched."""
        with self._write():
            for idx, blob in vectors.items():
                self._conn.execute(
                    "UPDATE utterances SET embedding = ? WHERE document_id = ? AND idx = ?",
                    (blob, document_id, idx),
                )
        return len(vectors)

    @_guarded
    def utterance_rows(
        self, lead_id: str | None = None, *, with_embedding: bool | None = None
    ) -> list[dict[str, Any]]:
        """Utterances (with lead id and embedding bytes) for semantic search and backfills."""
        sql = (
            "SELECT u.document_id, d.lead_id, u.idx, u.speaker, u.role, u.text, u.embedding "
            "FROM utterances u JOIN documents d ON d.id = u.document_id WHERE 1 = 1"
        )
        params: list[Any] = []
        if lead_id is not None:
            sql += " AND d.lead_id = ?"
            params.append(lead_id)
        if with_embedding is True:
            sql += " AND u.embedding IS NOT NULL"
        elif with_embedding is False:
            sql += " AND u.embedding IS NULL"
        return self._all(sql + " ORDER BY u.document_id, u.idx", params)
