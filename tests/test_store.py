"""The SQLite store: schema, migrations, atomic ingest, search, audit chain, file safety."""

from __future__ import annotations

import os
import sqlite3
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from pydantic import ValidationError

from assistant import store
from assistant.store import (
    DatabaseLockedError,
    DuplicateError,
    InvalidInputError,
    LeadRow,
    NotADatabaseError,
    NotFoundError,
    ReadOnlyDatabaseError,
    SchemaTooNewError,
    Stakeholder,
    StakeholderMention,
    Store,
    StoreError,
    migrations,
    rows,
)
from extractors.schema import Document, Evidence, Participant, Signal, Utterance

TEXT = (
    "Dana: We have a budget of 50k approved for FY26.\n"
    "Rep: Great. Who signs the contract?\n"
    "Dana: Our CFO signs, and we need SOC2 Type II before go-live in Q3."
)


def _utterances(text: str) -> tuple[Utterance, ...]:
    out, start = [], 0
    for index, line in enumerate(text.split("\n")):
        speaker = line.split(":", 1)[0]
        out.append(
            Utterance(
                index=index,
                speaker=speaker,
                role="rep" if speaker == "Rep" else "prospect",
                start=start,
                end=start + len(line),
                text=line,
                timestamp=float(index * 10),
            )
        )
        start += len(line) + 1
    return tuple(out)


def make_doc(text: str = TEXT) -> Document:
    return Document(
        kind="call",
        source="call-1.txt",
        text=text,
        utterances=_utterances(text),
        participants=(Participant(name="Dana", role="prospect", title="VP Ops"),),
        meta={"tool": "zoom"},
    )


def make_signal(
    word: str, dimension: str = "budget", type_: str = "amount", text: str = TEXT
) -> Signal:
    start = text.index(word)
    return Signal(
        dimension=dimension,
        type=type_,
        value={"raw": word},
        confidence=0.8,
        modifiers=("uncertain",) if word == "Q3" else (),
        evidence=Evidence(
            start=start,
            end=start + len(word),
            speaker="Dana",
            role="prospect",
            quote=word,
            extractor=f"{dimension}.rule",
            extractor_version="1.0",
            reasons=("pattern matched",),
        ),
    )


SIGNALS = [
    make_signal("50k"),
    make_signal("CFO", "authority", "signer"),
    make_signal("SOC2 Type II", "security", "framework"),
    make_signal("Q3", "timeline", "go_live"),
]


@pytest.fixture()
def db() -> Store:
    st = store.open_memory()
    st.add_lead(LeadRow(id="acme", name="ACME Corp", company="ACME", employees=1200))
    return st


def count(st: Store, table: str) -> int:
    return st.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# ------------------------------------------------------------------ schema


def test_schema_tables_columns_and_foreign_keys(db: Store) -> None:
    assert db.schema_version == store.SCHEMA_VERSION == 4
    names = set(db.db.table_names())
    for table in (
        "leads",
        "documents",
        "utterances",
        "signals",
        "stakeholders",
        "reviews",
        "score_snapshots",
        "events",
        "documents_fts",
    ):
        assert table in names
    assert "utterances_fts" not in names  # one text index: documents
    columns = db.db["signals"].columns_dict
    for column in (
        "document_id",
        "lead_id",
        "dimension",
        "value",
        "quote",
        "extractor",
        "extractor_version",
        "reasons",
        "run_id",
        "retired_at",
        "start",
        "end",
    ):
        assert column in columns
    assert db.db["utterances"].columns_dict["embedding"] is bytes
    fks = {(fk.column, fk.other_table) for fk in db.db["signals"].foreign_keys}
    assert fks == {("document_id", "documents"), ("lead_id", "leads")}
    assert {(fk.column, fk.other_table) for fk in db.db["reviews"].foreign_keys} == {
        ("signal_id", "signals")
    }
    assert db.db["documents"].pks == ["id"]
    unique = [ix for ix in db.db["documents"].indexes if ix.unique]
    assert any(ix.columns == ["lead_id", "content_hash"] for ix in unique)
    assert db.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_foreign_keys_are_enforced(db: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        db.db.execute(
            "INSERT INTO reviews (signal_id, action, by, at) VALUES (999, 'confirm', 'x', 'now')"
        )


# ------------------------------------------------------------------ migrations


def test_open_creates_file_private_with_parents_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "qualify.db"
    old_umask = os.umask(0)  # even a permissive umask must not widen the file
    try:
        st = store.open(path)
    finally:
        os.umask(old_umask)
    st.add_lead(LeadRow(id="acme", name="ACME"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert st.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert st.db.execute("PRAGMA busy_timeout").fetchone()[0] == 2000
    st.close()
    # Reopening is a no-op migration that keeps the data.
    again = store.open(path)
    assert again.schema_version == 4
    assert [lead.id for lead in again.list_leads()] == ["acme"]
    again.close()


V1_SQL = """
CREATE TABLE leads (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, company TEXT,
  segment TEXT, employees INTEGER, revenue FLOAT, potential_arr FLOAT, industry TEXT,
  owner TEXT, stage TEXT, created_at TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}');
CREATE TABLE documents (id INTEGER PRIMARY KEY, lead_id TEXT NOT NULL REFERENCES leads(id),
  kind TEXT NOT NULL, source TEXT NOT NULL, date TEXT, text TEXT NOT NULL,
  quoted_text TEXT NOT NULL, participants TEXT NOT NULL, meta TEXT NOT NULL,
  content_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE UNIQUE INDEX idx_documents_lead_id_content_hash ON documents (lead_id, content_hash);
CREATE TABLE utterances (id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id), idx INTEGER NOT NULL,
  speaker TEXT, role TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
  text TEXT NOT NULL, timestamp FLOAT, embedding BLOB);
CREATE TABLE signals (id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id),
  lead_id TEXT NOT NULL REFERENCES leads(id), dimension TEXT NOT NULL, type TEXT NOT NULL,
  value TEXT NOT NULL, polarity TEXT NOT NULL, confidence FLOAT NOT NULL,
  modifiers TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, speaker TEXT,
  role TEXT NOT NULL, quote TEXT NOT NULL, extractor TEXT NOT NULL,
  extractor_version TEXT NOT NULL, reasons TEXT NOT NULL, run_id TEXT,
  created_at TEXT NOT NULL);
PRAGMA user_version = 1;
"""


def _write_v1(path: Path) -> None:
    doc = make_doc()
    conn = sqlite3.connect(path)
    conn.executescript(V1_SQL)
    now = "2025-01-02T03:04:05.000000+00:00"
    conn.execute("INSERT INTO leads (id, name, created_at) VALUES ('old', 'Old Co', ?)", (now,))
    row = rows.document_to_row("old", doc, rows.from_ts(now))
    conn.execute(
        f"INSERT INTO documents ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        tuple(row.values()),
    )
    for utt in doc.utterances:
        urow = rows.utterance_to_row(1, utt)
        conn.execute(
            f"INSERT INTO utterances ({', '.join(chr(34) + k + chr(34) for k in urow)}) "
            f"VALUES ({', '.join('?' * len(urow))})",
            tuple(urow.values()),
        )
    srow = rows.signal_to_row(SIGNALS[0], document_id=1, lead_id="old", run_id="r1", created_at=now)
    conn.execute(
        f"INSERT INTO signals ({', '.join(chr(34) + k + chr(34) for k in srow)}) "
        f"VALUES ({', '.join('?' * len(srow))})",
        tuple(srow.values()),
    )
    conn.commit()
    conn.close()


def test_migrates_a_v1_file_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    _write_v1(path)
    st = store.open(path)
    assert st.schema_version == 4
    assert "retired_at" in st.db["signals"].columns_dict
    [signal] = st.signals_for_lead("old")
    assert signal.signal.evidence.quote == "50k" and not signal.retired
    assert st.get_document(1).document == make_doc()
    # The FTS index was built from rows that existed before it.
    assert [hit.document_id for hit in st.search("SOC2")] == [1]
    # The new tables work on the migrated file.
    st.add_review(signal.id, "confirm", by="manager")
    assert st.verify_chain() is None
    st.close()


def test_failed_migration_step_leaves_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v1.db"
    _write_v1(path)

    def broken_v2(database) -> None:
        database["reviews"].create({"id": int}, pk="id")
        raise RuntimeError("boom half-way")

    monkeypatch.setattr(
        migrations, "MIGRATIONS", (migrations.MIGRATIONS[0], broken_v2, migrations.MIGRATIONS[2])
    )
    with pytest.raises(RuntimeError, match="boom"):
        store.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "reviews" not in tables
    conn.close()


def test_refuses_a_newer_schema_without_touching_it(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    with pytest.raises(SchemaTooNewError) as info:
        store.open(path)
    assert str(info.value) == (
        "database schema v7 is newer than this qualify (v4); upgrade qualify"
    )
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 7
    conn.close()


# ------------------------------------------------------------------ file problems


def test_read_only_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    store.open(path).close()
    path.chmod(0o400)
    with pytest.raises(ReadOnlyDatabaseError) as info:
        store.open(path)
    message = str(info.value)
    assert "read-only" in message and str(path) in message and "\n" not in message


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a text file, not sqlite " * 100)
    with pytest.raises(NotADatabaseError, match="is not a qualify database"):
        store.open(path)


def test_locked_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    store.open(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        st = store.open(path, busy_timeout_ms=50)  # readers still get in under WAL
        with pytest.raises(DatabaseLockedError, match="locked by another program"):
            st.add_lead(LeadRow(id="acme", name="ACME"))
        st.close()
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_locked_new_database_fails_on_open(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            store.open(path, busy_timeout_ms=50)
    finally:
        other.execute("ROLLBACK")
        other.close()


# ------------------------------------------------------------------ leads


def test_add_lead_never_silently_overwrites(db: Store) -> None:
    with pytest.raises(DuplicateError, match="already exists"):
        db.add_lead(LeadRow(id="acme", name="Someone else"))
    assert db.get_lead("acme").name == "ACME Corp"
    first_created = db.get_lead("acme").created_at
    updated = db.add_lead(LeadRow(id="acme", name="ACME Corp", stage="SQL"), update=True)
    assert updated.stage == "SQL" and updated.created_at == first_created
    last = db.events()[-1]
    assert last.kind == "update_lead" and last.payload["stage"] == "SQL"
    assert db.get_lead("nope") is None


def test_lead_id_must_be_a_slug() -> None:
    with pytest.raises(ValidationError, match="must be a slug"):
        LeadRow(id="ACME Corp", name="ACME")
    assert store.slugify("ACME Corp. (Zürich)") == "acme-corp-zurich"


def test_delete_lead_needs_purge_when_it_has_documents(db: Store) -> None:
    db.add_document("acme", make_doc(), SIGNALS)
    with pytest.raises(StoreError, match="purge"):
        db.delete_lead("acme")
    counts = db.delete_lead("acme", purge=True, actor="admin")
    assert counts["documents"] == 1 and counts["signals"] == 4
    assert db.get_lead("acme") is None
    for table in ("documents", "utterances", "signals"):
        assert count(db, table) == 0
    assert db.search("budget") == []
    assert db.events()[-1].kind == "delete_lead" and db.verify_chain() is None
    with pytest.raises(NotFoundError):
        db.delete_lead("acme")


# ------------------------------------------------------------------ documents


def test_add_document_round_trips_and_fills_evidence_ids(db: Store) -> None:
    doc_id, created = db.add_document("acme", make_doc(), SIGNALS, actor="sdr")
    assert created
    stored = db.get_document(doc_id)
    assert stored.lead_id == "acme" and stored.document == make_doc()
    signals = db.signals_for_lead("acme")
    assert [s.signal.evidence.quote for s in signals] == ["50k", "CFO", "SOC2 Type II", "Q3"]
    assert all(s.document_id == doc_id == s.signal.evidence.document_id for s in signals)
    assert signals[3].signal.modifiers == ("uncertain",)
    assert db.get_signal(signals[0].id) == signals[0]
    ingest = db.events("acme")[-1]
    assert ingest.kind == "ingest" and ingest.actor == "sdr"
    assert ingest.payload["signals"] == 4 and ingest.payload["document_id"] == doc_id
    assert [d.id for d in db.documents_for_lead("acme")] == [doc_id]


def test_reingest_is_a_no_op(db: Store) -> None:
    first = db.add_document("acme", make_doc(), SIGNALS)
    before = {t: count(db, t) for t in ("documents", "utterances", "signals", "events")}
    again = db.add_document("acme", make_doc(), SIGNALS)
    assert again == (first[0], False)
    assert {t: count(db, t) for t in before} == before
    # The same text for another lead is that lead's own evidence.
    db.add_lead(LeadRow(id="globex", name="Globex"))
    assert db.add_document("globex", make_doc(), [])[1] is True


def test_unknown_lead_is_refused(db: Store) -> None:
    with pytest.raises(NotFoundError, match="unknown lead 'ghost'"):
        db.add_document("ghost", make_doc(), [])


def test_ingest_is_atomic_when_a_signal_insert_fails(
    db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    events_before = count(db, "events")
    real = rows.signal_to_row
    calls = {"n": 0}

    def fail_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(rows, "signal_to_row", fail_on_third)
    with pytest.raises(RuntimeError, match="disk on fire"):
        db.add_document("acme", make_doc(), SIGNALS)
    for table in ("documents", "utterances", "signals"):
        assert count(db, table) == 0
    assert count(db, "events") == events_before
    assert db.search("budget") == []
    monkeypatch.setattr(rows, "signal_to_row", real)
    assert db.add_document("acme", make_doc(), SIGNALS)[1] is True


def test_evidence_that_does_not_quote_the_document_is_refused(db: Store) -> None:
    bad = make_signal("budget", text="xx budget")  # offsets into another text
    with pytest.raises(InvalidInputError, match="does not quote its document"):
        db.add_document("acme", make_doc(), [SIGNALS[0], bad])
    assert count(db, "documents") == 0 and count(db, "signals") == 0


def test_stored_documents_are_immutable(db: Store) -> None:
    db.add_document("acme", make_doc(), [])
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.db.execute("UPDATE documents SET text = 'changed'")


# ------------------------------------------------------------------ signals and reviews


def test_replace_signals_keeps_reviews_attached(db: Store) -> None:
    doc_id, _ = db.add_document("acme", make_doc(), SIGNALS)
    budget, signer, security, timeline = db.signals_for_lead("acme")
    db.add_review(budget.id, "confirm", by="manager")
    db.add_review(security.id, "reject", reason="parent company", by="manager")
    changed_budget = make_signal("50k").model_copy(update={"confidence": 0.99})
    counts = db.replace_signals(doc_id, [changed_budget, make_signal("FY26", "timeline")], "r2")
    assert counts == {"kept": 1, "added": 1, "retired": 1, "deleted": 2}
    active = db.signals_for_lead("acme")
    assert [s.signal.evidence.quote for s in active] == ["50k", "FY26"]
    assert active[0].id == budget.id and active[0].signal.confidence == 0.99
    assert active[0].run_id == "r2"
    # The rejected signal is gone from scoring but its review is not lost.
    assert db.get_signal(security.id).retired
    assert db.get_signal(signer.id) is None and db.get_signal(timeline.id) is None
    assert [r.signal_id for r in db.reviews_for_lead("acme")] == [budget.id, security.id]
    # If a later run finds it again, it comes back with the same id.
    db.replace_signals(doc_id, [SIGNALS[0], SIGNALS[2]], "r3")
    assert not db.get_signal(security.id).retired


def test_review_validation(db: Store) -> None:
    db.add_document("acme", make_doc(), SIGNALS)
    signal_id = db.signals_for_lead("acme")[0].id
    with pytest.raises(InvalidInputError, match="confirm, reject, edit"):
        db.add_review(signal_id, "approve", by="m")
    with pytest.raises(InvalidInputError, match="corrected value"):
        db.add_review(signal_id, "edit", by="m")
    with pytest.raises(NotFoundError, match="unknown signal 999"):
        db.add_review(999, "confirm", by="m")
    review = db.add_review(signal_id, "edit", value={"amount": 60000}, reason="typo", by="m")
    assert review.value == {"amount": 60000}
    assert db.events()[-1].kind == "review" and db.events()[-1].actor == "m"


# ------------------------------------------------------------------ snapshots, stakeholders


def test_snapshot_only_written_when_inputs_change(db: Store) -> None:
    first = db.save_snapshot("acme", 42.0, "MQL", "m1", "h1", {"total": 42})
    assert first[1] is True
    assert db.save_snapshot("acme", 42.0, "MQL", "m1", "h1", {"total": 42}) == (first[0], False)
    assert db.save_snapshot("acme", 55.5, "SQL", "m2", "h2", '{"total": 55.5}')[1] is True
    history = db.snapshots("acme")
    assert [(s.total, s.stage, s.model_version) for s in history] == [
        (42.0, "MQL", "m1"),
        (55.5, "SQL", "m2"),
    ]
    assert history[1].score == {"total": 55.5}
    assert [e.kind for e in db.events("acme")].count("snapshot") == 2


def test_upsert_stakeholders_merges_by_key(db: Store) -> None:
    doc_id, _ = db.add_document("acme", make_doc(), [])
    db.upsert_stakeholders(
        "acme",
        [
            Stakeholder(
                name="Dana Lee",
                title="VP Ops",
                present=True,
                mentions=(StakeholderMention(document_id=doc_id, start=0, end=4),),
            )
        ],
    )
    merged = db.upsert_stakeholders(
        "acme",
        [
            Stakeholder(
                name="dana  lee",
                buying_role="champion",
                mentions=(
                    StakeholderMention(document_id=doc_id, start=0, end=4),
                    StakeholderMention(document_id=doc_id, start=80, end=84),
                ),
            )
        ],
    )
    [dana] = merged
    assert dana.key == "dana lee" and dana.title == "VP Ops" and dana.buying_role == "champion"
    assert dana.present is True and len(dana.mentions) == 2
    assert db.stakeholders("acme") == merged


# ------------------------------------------------------------------ search


def test_search_finds_documents_with_snippet_and_speaker(db: Store) -> None:
    doc_id, _ = db.add_document("acme", make_doc(), [])
    db.add_lead(LeadRow(id="globex", name="Globex"))
    other = "Sam: no budget this year, maybe next."
    db.add_document("globex", make_doc(other), [])
    hits = db.search("budget")
    assert {h.lead_id for h in hits} == {"acme", "globex"}
    [hit] = db.search("cfo signs")
    assert hit.document_id == doc_id and hit.speaker == "Dana" and hit.utterance_index == 2
    assert f"{store.MARK_START}CFO{store.MARK_END}" in hit.snippet
    assert [h.lead_id for h in db.search("budget", lead_id="globex")] == ["globex"]
    assert db.search("approv*")[0].document_id == doc_id
    assert db.search("nothing-like-this") == []


@pytest.mark.parametrize(
    "query", ['"', 'budget"', "NEAR(budget", "budget AND", "-budget", "col:budget", "*", "()", "'"]
)
def test_search_is_safe_against_fts_syntax(db: Store, query: str) -> None:
    db.add_document("acme", make_doc(), [])
    assert isinstance(db.search(query), list)


# ------------------------------------------------------------------ events


def _raw(path: Path) -> sqlite3.Connection:
    """What someone tampering with the file would do: drop our guard, edit rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER events_append_only_update")
    conn.execute("DROP TRIGGER events_append_only_delete")
    return conn


@pytest.fixture()
def chain_db(tmp_path: Path) -> tuple[Store, Path]:
    path = tmp_path / "chain.db"
    st = store.open(path)
    st.add_lead(LeadRow(id="acme", name="ACME"))
    st.add_document("acme", make_doc(), SIGNALS)
    for n in range(3):
        st.append_event("note", "sdr", "acme", {"n": n, "text": "called back"})
    assert st.verify_chain() is None
    return st, path


def test_event_log_refuses_update_and_delete(chain_db: tuple[Store, Path]) -> None:
    st, _ = chain_db
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        st.db.execute("UPDATE events SET actor = 'x' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        st.db.execute("DELETE FROM events WHERE id = 1")


def test_chain_detects_raw_update(chain_db: tuple[Store, Path]) -> None:
    st, path = chain_db
    raw = _raw(path)
    raw.execute("""UPDATE events SET payload = '{"n":9,"text":"called back"}' WHERE id = 4""")
    raw.close()
    assert st.verify_chain() == 4


def test_chain_detects_raw_delete_in_the_middle_and_at_the_end(
    chain_db: tuple[Store, Path],
) -> None:
    st, path = chain_db
    raw = _raw(path)
    raw.execute("DELETE FROM events WHERE id = 5")  # the last one
    raw.close()
    assert st.verify_chain() == 5
    raw = sqlite3.connect(path, isolation_level=None)  # triggers already dropped
    raw.execute("DELETE FROM events WHERE id = 2")
    raw.close()
    assert st.verify_chain() == 2


def test_events_filter_and_reject_bad_payload(chain_db: tuple[Store, Path]) -> None:
    st, _ = chain_db
    assert {e.lead_id for e in st.events("acme")} == {"acme"}
    with pytest.raises(InvalidInputError, match="plain JSON"):
        st.append_event("note", "sdr", "acme", {"when": object()})
    with pytest.raises(InvalidInputError, match="actor"):
        st.append_event("note", " ", "acme", {})


# ------------------------------------------------------------------ backup


def test_backup_copies_the_live_database(chain_db: tuple[Store, Path], tmp_path: Path) -> None:
    st, _ = chain_db
    target = st.backup(tmp_path / "backups" / "copy.db")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = store.open(target)
    assert [lead.id for lead in copy.list_leads()] == ["acme"]
    assert copy.verify_chain() is None and len(copy.signals_for_lead("acme")) == 4
    copy.close()
    with pytest.raises(DuplicateError, match="exists"):
        st.backup(target)


# ------------------------------------------------------------------ robustness

_SEARCH_DB = store.open_memory()
_SEARCH_DB.add_lead(LeadRow(id="acme", name="ACME"))
_SEARCH_DB.add_document("acme", make_doc(), [])


@settings(max_examples=150, deadline=None)
@given(text=hst.text(max_size=40))
def test_search_never_raises_on_any_user_text(text: str) -> None:
    hits = _SEARCH_DB.search(text)
    assert all(hit.lead_id == "acme" for hit in hits)


def test_store_can_be_used_from_a_worker_thread(db: Store) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        events = list(
            pool.map(lambda n: db.append_event("note", "tui", "acme", {"n": n}), range(6))
        )
    ids = [event.id for event in events]
    assert len(set(ids)) == 6
    assert db.verify_chain() is None


def test_best_passage_picks_the_turn_with_most_terms_ignoring_case_and_accents() -> None:
    from assistant.store.fts import best_passage

    turns = ["We use Excel today.", "Security review takes weeks.", "The SÉCURITÉ review too."]
    assert best_passage("security review", turns) == 1
    assert best_passage("securite", turns) == 2
    assert best_passage("secur*", turns) == 1  # prefix; the earliest of equal matches
    assert best_passage("budget", turns) is None
    assert best_passage("***", turns) is None
