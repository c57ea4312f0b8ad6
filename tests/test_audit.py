"""Reviews, overrides and the tamper-evident log, as a manager meets them through the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_helpers import ok, rules_only, run


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rules_only(monkeypatch, tmp_path)


def clean_error(result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for needle in needles:
        assert needle.lower() in result.output.lower(), result.output


def review(runner: CliRunner, db: Path, sid: int, action: str, reason: str, by: str,
           *rest: str):
    """`qualify review SID ACTION [VALUE] --reason R --by B [extra flags]`."""
    value = list(rest[:1]) if action == "--edit" else []
    extra = rest[1:] if action == "--edit" else rest
    return run(runner, db, "review", str(sid), action, *value, "--reason", reason, "--by", by,
               *extra)


def signals(runner: CliRunner, db: Path, lead: str) -> list[dict]:
    return json.loads(ok(run(runner, db, "signals", lead, "--json")))


def score(runner: CliRunner, db: Path, lead: str) -> dict:
    return json.loads(ok(run(runner, db, "score", lead, "--json")))


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("reviews", "events", "leads", "signals")
        }
    finally:
        conn.close()


def test_confirm_and_reject_change_the_score_and_name_the_reviewer(
    runner: CliRunner, demo_db: Path
) -> None:
    before = score(runner, demo_db, "northwind-freight")
    sigs = signals(runner, demo_db, "northwind-freight")
    positive = next(s for s in sigs if s["polarity"] == "for" and s["confidence"] < 1)
    contributing = [
        line
        for line in before["explanation"]
        if positive["id"] in line["evidence"] and line["points"] > 0
    ]
    out = ok(
        review(runner, demo_db, positive["id"], "--reject", "misheard on the call", "Dana Park")
    )
    assert "rejected by Dana Park" in out
    after = score(runner, demo_db, "northwind-freight")
    texts = [line["text"] for line in after["explanation"] if positive["id"] in line["evidence"]]
    assert any("rejected by Dana Park" in t and "misheard on the call" in t for t in texts)
    if contributing:
        assert after["total"] <= before["total"]
    confirm = ok(
        review(runner, demo_db, positive["id"], "--confirm", "checked the recording", "Dana Park")
    )
    assert "confirmed by Dana Park" in confirm
    again = score(runner, demo_db, "northwind-freight")
    texts = [line["text"] for line in again["explanation"] if positive["id"] in line["evidence"]]
    assert any("confirmed by Dana Park" in t for t in texts)
    # reviews sit beside the signal: the signal row itself is unchanged
    same = next(
        s for s in signals(runner, demo_db, "northwind-freight") if s["id"] == positive["id"]
    )
    assert same == positive


def test_edit_review_uses_the_corrected_value(runner: CliRunner, demo_db: Path) -> None:
    sig = next(
        s for s in signals(runner, demo_db, "northwind-freight") if s["dimension"] == "budget"
    )
    out = review(runner, demo_db, sig["id"], "--edit", "typo in notes", "Dana",
                 '{"amount": 1000, "currency": "USD"}', "--json")
    payload = json.loads(ok(out))
    assert payload["review"]["action"] == "edit"
    assert payload["review"]["value"] == {"amount": 1000, "currency": "USD"}
    assert any("edited by Dana" in line for line in payload["explanation"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["999999", "--confirm", "--reason", "x", "--by", "Dana"], "unknown signal 999999"),
        (["1", "--confirm", "--reason", "   ", "--by", "Dana"], "reason is empty"),
        (["1", "--confirm", "--by", "Dana"], "reason is empty"),
        (["1", "--confirm", "--reason", "x"], "--by"),
        (["1", "--reason", "x", "--by", "Dana"], "exactly one"),
        (["1", "--confirm", "--reject", "--reason", "x", "--by", "Dana"], "exactly one"),
    ],
)
def test_bad_reviews_are_refused_and_write_nothing(
    runner: CliRunner, demo_db: Path, args: list[str], needle: str
) -> None:
    before = counts(demo_db)
    clean_error(run(runner, demo_db, "review", *args), needle)
    assert counts(demo_db) == before


def test_override_sets_the_stage_and_the_report_says_so(runner: CliRunner, demo_db: Path) -> None:
    out = ok(
        run(
            runner,
            demo_db,
            "override",
            "tallgrass-analytics",
            "--stage",
            "SQL",
            "--reason",
            "CEO asked for a demo",
            "--by",
            "Morgan Lee",
        )
    )
    assert "overridden by a human" in out
    assert score(runner, demo_db, "tallgrass-analytics")["stage"] == "SQL"
    report = json.loads(
        ok(run(runner, demo_db, "report", "tallgrass-analytics", "--format", "json"))
    )
    assert report["stage_override"]["by"] == "Morgan Lee"
    assert report["stage_override"]["reason"] == "CEO asked for a demo"
    log = json.loads(ok(run(runner, demo_db, "audit", "log", "tallgrass-analytics", "--json")))
    override = [e for e in log if e["kind"] == "override"]
    assert override and override[-1]["actor"] == "Morgan Lee"
    assert override[-1]["payload"]["stage"] == "SQL"
    ok(
        run(
            runner,
            demo_db,
            "override",
            "tallgrass-analytics",
            "--stage",
            "none",
            "--reason",
            "back to the model",
            "--by",
            "Morgan Lee",
        )
    )
    assert score(runner, demo_db, "tallgrass-analytics")["stage"] != "SQL"


def test_override_bad_input(runner: CliRunner, demo_db: Path) -> None:
    before = counts(demo_db)
    clean_error(
        run(
            runner,
            demo_db,
            "override",
            "tallgrass-analytics",
            "--stage",
            "HOT",
            "--reason",
            "x",
            "--by",
            "M",
        ),
        "unknown stage",
    )
    clean_error(
        run(
            runner,
            demo_db,
            "override",
            "tallgrass-analytics",
            "--stage",
            "SQL",
            "--reason",
            "",
            "--by",
            "M",
        ),
        "reason is empty",
    )
    clean_error(
        run(runner, demo_db, "override", "nobody", "--stage", "SQL", "--reason", "x", "--by", "M"),
        "unknown lead",
    )
    assert counts(demo_db) == before


def test_verify_passes_on_a_clean_database(runner: CliRunner, demo_db: Path) -> None:
    sig = signals(runner, demo_db, "halcyon-health")[0]
    ok(review(runner, demo_db, sig["id"], "--confirm", "ok", "D"))
    out = ok(run(runner, demo_db, "audit", "verify"))
    assert "intact" in out


def _tamper(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("sql", "needle"),
    [
        ("UPDATE reviews SET reason = 'forged' WHERE id = 1", "review 1 was edited"),
        ("DELETE FROM reviews WHERE id = 1", "review 1 was deleted"),
        ("UPDATE signals SET confidence = 0.99 WHERE id = {sid}", "signal {sid} was edited"),
        ("DELETE FROM signals WHERE id = {sid}", "signal {sid} was deleted"),
        (
            "UPDATE leads SET stage = 'Opportunity' WHERE id = 'halcyon-health'",
            "lead halcyon-health was edited",
        ),
        ("DELETE FROM score_snapshots WHERE id = 1", "score snapshot 1 was deleted"),
        (
            "INSERT INTO reviews (signal_id, action, by, at) VALUES ({sid}, 'confirm', 'x', 'now')",
            "not recorded by any event",
        ),
    ],
)
def test_verify_catches_rows_edited_behind_its_back(
    runner: CliRunner, demo_db: Path, sql: str, needle: str
) -> None:
    sid = signals(runner, demo_db, "halcyon-health")[-1]["id"]
    ok(review(runner, demo_db, sid, "--confirm", "ok", "D"))
    _tamper(demo_db, "PRAGMA foreign_keys = OFF")
    _tamper(demo_db, sql.format(sid=sid))
    result = run(runner, demo_db, "audit", "verify")
    assert result.exit_code == 1
    assert "first broken link" in result.output
    assert needle.format(sid=sid) in result.output.replace("\n", " ")
    payload = json.loads(run(runner, demo_db, "audit", "verify", "--json").output)
    assert payload["ok"] is False and payload["first_broken"]


def test_verify_names_an_edited_event(runner: CliRunner, demo_db: Path) -> None:
    conn = sqlite3.connect(demo_db)
    conn.execute("DROP TRIGGER events_append_only_update")
    conn.execute("UPDATE events SET actor = 'mallory' WHERE id = 3")
    conn.commit()
    conn.close()
    result = run(runner, demo_db, "audit", "verify")
    assert result.exit_code == 1
    assert "event 3 was edited or deleted" in result.output


def test_audit_log_lists_events_per_lead(runner: CliRunner, demo_db: Path) -> None:
    sid = signals(runner, demo_db, "pinecrest-staffing")[0]["id"]
    ok(review(runner, demo_db, sid, "--reject", "wrong", "Sam"))
    log = json.loads(ok(run(runner, demo_db, "audit", "log", "pinecrest-staffing", "--json")))
    kinds = [e["kind"] for e in log]
    assert "ingest" in kinds and "review" in kinds and "snapshot" in kinds
    assert {e["lead_id"] for e in log} == {"pinecrest-staffing"}
    event = next(e for e in log if e["kind"] == "review")
    assert event["actor"] == "Sam" and event["payload"]["reason"] == "wrong"
    text = ok(run(runner, demo_db, "audit", "log", "pinecrest-staffing", "--kind", "review"))
    assert "review" in text and "Sam" in text and "ingest" not in text


def test_purge_leaves_an_event_and_verify_still_passes(runner: CliRunner, demo_db: Path) -> None:
    ok(run(runner, demo_db, "lead", "delete", "tallgrass-analytics", "--purge"))
    log = json.loads(ok(run(runner, demo_db, "audit", "log", "tallgrass-analytics", "--json")))
    assert log[-1]["kind"] == "delete_lead" and log[-1]["payload"]["purge"] is True
    assert "intact" in ok(run(runner, demo_db, "audit", "verify"))


def test_seal_covers_rows_from_before_the_audit_trail_but_never_edited_ones(
    runner: CliRunner, demo_db: Path
) -> None:
    # A row no event knows about (as an older qualify would have left it) ...
    sid = signals(runner, demo_db, "halcyon-health")[0]["id"]
    _tamper(
        demo_db,
        f"INSERT INTO reviews (signal_id, action, by, at) "
        f"VALUES ({sid}, 'confirm', 'old', '2026-01-01T00:00:00+00:00')",
    )
    _tamper(demo_db, "UPDATE leads SET owner = 'forged' WHERE id = 'halcyon-health'")
    assert run(runner, demo_db, "audit", "verify").exit_code == 1
    out = ok(run(runner, demo_db, "audit", "seal", "--by", "Admin", "--reason", "upgrade"))
    assert "sealed 1" in out
    result = run(runner, demo_db, "audit", "verify")
    assert result.exit_code == 1  # the edited lead is still reported
    assert "lead halcyon-health was edited" in result.output.replace("\n", " ")
