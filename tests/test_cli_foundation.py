"""The foundation as a user meets it: demo, ingest, leads, search, extract, and every bad input
answered with one clear line (no traceback) and a non-zero exit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CALL = FIXTURES / "docs" / "northwind_discovery.vtt"


def run(runner: CliRunner, db: Path, *args: str, input: str | bytes | None = None):
    return runner.invoke(app, ["--db", str(db), *args], input=input)


def assert_clean_error(result, *needles: str) -> None:
    """Refused with exit 1, one `error:` line that says what is wrong, never a traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    text = result.output.lower()
    for needle in needles:
        assert needle.lower() in text, result.output


@pytest.fixture
def db(tmp_path: Path, runner: CliRunner) -> Path:
    path = tmp_path / "q.db"
    result = run(runner, path, "lead", "add", "acme", "--name", "Acme", "--employees", "1200")
    assert result.exit_code == 0, result.output
    return path


def test_demo_prints_the_pipeline_table(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = run(runner, db, "demo")
    assert result.exit_code == 0, result.output
    for lead in ("northwind-freight", "tallgrass-analytics", "pinecrest-staffing"):
        assert lead[:8] in result.output
    again = run(runner, db, "leads", "--json")
    rows = json.loads(again.output)
    assert {r["id"] for r in rows} >= {"northwind-freight", "halcyon-health"}
    assert all(0 <= r["total"] <= 100 for r in rows)
    # the demo is idempotent: a second run stores nothing new
    second = run(runner, db, "demo", "--json")
    assert second.exit_code == 0
    assert [r["documents"] for r in json.loads(second.output)] == [r["documents"] for r in rows]


def test_ingest_stores_once_and_reingest_is_a_noop(runner: CliRunner, db: Path) -> None:
    first = run(runner, db, "ingest", str(CALL), "--lead", "acme", "--rep", "Sam Rivera", "--json")
    assert first.exit_code == 0, first.output
    [res] = json.loads(first.output)
    assert res["created"] and res["signals"] > 0
    second = run(runner, db, "ingest", str(CALL), "--lead", "acme", "--rep", "Sam Rivera")
    assert second.exit_code == 0
    assert "already stored" in second.output
    signals = json.loads(run(runner, db, "signals", "acme", "--json").output)
    assert len(signals) == res["signals"]
    text = CALL.read_text(encoding="utf-8")
    for sig in signals:
        assert sig["evidence"]["quote"] in text
        assert sig["evidence"]["role"] != "rep"


def test_ingest_directory_and_stdin(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Dana Ortiz: We have 80k approved for this.\n", encoding="utf-8")
    (folder / "b.notes.txt").write_text("- needs SSO and SOC 2 Type II\n", encoding="utf-8")
    result = run(runner, db, "ingest", str(folder), "--lead", "acme", "--json")
    assert result.exit_code == 0, result.output
    assert [r["created"] for r in json.loads(result.output)] == [True, True]
    piped = run(
        runner, db, "ingest", "-", "--lead", "acme", "--kind", "notes", "--json",
        input="Budget ~50k approved FY26; CFO (Dana) signs\n",
    )
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.output)[0]["kind"] == "notes"


def test_search_finds_stored_text(runner: CliRunner, db: Path) -> None:
    run(runner, db, "ingest", str(CALL), "--lead", "acme", "--rep", "Sam Rivera")
    hits = json.loads(run(runner, db, "search", "budget", "--json").output)
    assert hits and all(h["lead_id"] == "acme" for h in hits)
    nothing = run(runner, db, "search", '"unbalanced AND (', "--json")
    assert nothing.exit_code == 0


def test_extract_json_schema_is_stable(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, tmp_path / "x.db", "extract", str(CALL), "--rep", "Sam Rivera", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload["document"]) == {"kind", "date", "participants"}
    assert payload["signals"]
    for sig in payload["signals"]:
        assert {"dimension", "type", "value", "polarity", "confidence", "modifiers",
                "evidence", "extractor"} <= set(sig)
        assert set(sig["evidence"]) == {"start", "end", "speaker", "role", "quote"}


def test_extract_of_text_without_signals_says_so(runner: CliRunner, tmp_path: Path) -> None:
    result = run(
        runner, tmp_path / "x.db", "extract", "-", input="Ana: Hi!\nBo: Hello, nice weather.\n"
    )
    assert result.exit_code == 0
    assert "no qualification signals" in result.output


# --- bad input ------------------------------------------------------------------------------


def test_empty_file(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run(runner, db, "ingest", str(empty), "--lead", "acme")
    assert result.exit_code == 1 and "empty" in result.output.lower()
    assert "Traceback" not in result.output


def test_binary_file(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    blob = tmp_path / "blob.txt"
    blob.write_bytes(bytes(range(256)) * 20)
    assert_clean_error(run(runner, db, "extract", str(blob)), "binary")


def test_cp1252_is_decoded_and_reported(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("- Budget ~50k approved; café meeting ‘next week’\n".encode("cp1252"))
    result = run(runner, tmp_path / "x.db", "extract", str(path), "--kind", "notes", "--json")
    assert result.exit_code == 0, result.output


def test_file_over_the_size_limit(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Dana: we have budget.\n" * 2000, encoding="utf-8")
    result = run(runner, db, "extract", str(big), "--max-bytes", "1000")
    assert_clean_error(result, "limit", "--max-bytes")


def test_malformed_vtt_names_the_line(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.vtt"
    bad.write_text("WEBVTT\n\n00:00:01.000 --> banana\n<v Dana>hello\n", encoding="utf-8")
    result = run(runner, tmp_path / "x.db", "extract", str(bad))
    assert_clean_error(result, "line 3")


def test_unknown_lead(runner: CliRunner, db: Path) -> None:
    assert_clean_error(run(runner, db, "ingest", str(CALL), "--lead", "nope"), "unknown lead")
    assert_clean_error(run(runner, db, "score", "nope"), "unknown lead")


def test_csv_with_missing_columns(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "leads.csv"
    csv_path.write_text("company,owner\nAcme,Sam\n", encoding="utf-8")
    assert_clean_error(run(runner, db, "lead", "import", str(csv_path)), "missing column", "id")


def test_csv_bad_rows_are_reported_and_skippable(
    runner: CliRunner, db: Path, tmp_path: Path
) -> None:
    csv_path = tmp_path / "leads.csv"
    csv_path.write_text(
        "id,name,employees\nbeta,Beta,50\nBad Id!,Bad,10\ngamma,Gamma,many\n", encoding="utf-8"
    )
    refused = run(runner, db, "lead", "import", str(csv_path))
    assert refused.exit_code == 1
    assert "line 3" in refused.output and "line 4" in refused.output
    assert "nothing imported" in refused.output
    leads = {r["id"] for r in json.loads(run(runner, db, "leads", "--json").output)}
    assert "beta" not in leads
    ok = run(runner, db, "lead", "import", str(csv_path), "--skip-bad")
    assert ok.exit_code == 0, ok.output
    leads = {r["id"] for r in json.loads(run(runner, db, "leads", "--json").output)}
    assert {"beta", "acme"} <= leads and "gamma" not in leads


def test_duplicate_lead_is_not_overwritten(runner: CliRunner, db: Path) -> None:
    result = run(runner, db, "lead", "add", "acme", "--name", "Other")
    assert_clean_error(result, "already exists")


def test_database_from_a_newer_schema(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    assert_clean_error(run(runner, path, "leads"), "newer", "upgrade")


def test_database_that_is_not_sqlite(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all" * 100)
    result = run(runner, path, "leads")
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_locked_database(runner: CliRunner, db: Path) -> None:
    holder = sqlite3.connect(db, timeout=0.1)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run(runner, db, "lead", "add", "zeta", "--name", "Zeta")
        assert_clean_error(result, "locked")
    finally:
        holder.rollback()
        holder.close()


def test_read_only_database(runner: CliRunner, db: Path) -> None:
    db.chmod(0o400)
    try:
        result = run(runner, db, "lead", "add", "zeta", "--name", "Zeta")
        assert_clean_error(result, "read-only")
    finally:
        db.chmod(0o600)
