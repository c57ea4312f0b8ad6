"""Reports (md, html, json, csv, redacted) and re-extraction, through the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.audit.redact import Redactor
from assistant.audit.reextract import diff_document
from tests.cli_helpers import ok, rules_only, run


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rules_only(monkeypatch, tmp_path)


def first_signal(runner: CliRunner, db: Path, lead: str) -> dict:
    return json.loads(ok(run(runner, db, "signals", lead, "--json")))[0]


def test_json_report_has_score_evidence_reviews_people_and_history(
    runner: CliRunner, demo_db: Path
) -> None:
    sig = first_signal(runner, demo_db, "northwind-freight")
    ok(
        run(
            runner,
            demo_db,
            "review",
            str(sig["id"]),
            "--confirm",
            "--reason",
            "heard it",
            "--by",
            "Dana",
        )
    )
    report = json.loads(ok(run(runner, demo_db, "report", "northwind-freight", "--format", "json")))
    assert report["score"]["total"] == sum(
        line["points"] for line in report["score"]["explanation"]
    )
    reviewed = next(e for e in report["evidence"] if e["signal_id"] == sig["id"])
    assert reviewed["status"] == "confirmed" and reviewed["reviewed_by"] == "Dana"
    assert reviewed["quote"] == sig["evidence"]["quote"]
    assert any(e["status"] == "unreviewed" for e in report["evidence"])
    assert report["stakeholders"] and all(p["name"] for p in report["stakeholders"])
    assert len(report["history"]) >= 1


def test_html_report_is_self_contained_and_escaped(
    runner: CliRunner, demo_db: Path, tmp_path: Path
) -> None:
    sig = first_signal(runner, demo_db, "halcyon-health")
    ok(
        run(
            runner,
            demo_db,
            "review",
            str(sig["id"]),
            "--reject",
            "--reason",
            "<script>alert(1)</script>",
            "--by",
            "Dana",
        )
    )
    out = tmp_path / "report.html"
    ok(run(runner, demo_db, "report", "halcyon-health", "--format", "html", "--out", str(out)))
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"(src|href)=['\"](https?:)?//", page)  # no external assets
    assert "<link" not in page and "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "rejected" in page and "Stakeholders" in page and "Score history" in page


def test_markdown_and_csv_reports_for_all_leads(runner: CliRunner, demo_db: Path) -> None:
    md = ok(run(runner, demo_db, "report", "--all", "--format", "md"))
    assert md.count("## Evidence") == 6 and "## Explanation" in md
    text = ok(run(runner, demo_db, "report", "--all", "--format", "csv"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["lead_id"] for r in rows} >= {"northwind-freight", "pinecrest-staffing"}
    assert all(r["quote"] and r["status"] for r in rows)


def test_redacted_report_masks_contacts_and_outsiders_but_keeps_the_buying_team(
    runner: CliRunner, demo_db: Path
) -> None:
    plain = ok(run(runner, demo_db, "report", "northwind-freight", "--format", "json"))
    masked = ok(run(runner, demo_db, "report", "northwind-freight", "--format", "json", "--redact"))
    report = json.loads(masked)
    assert not re.search(r"[\w.]+@[\w.]+\.\w+", masked)
    team = [p["name"] for p in report["stakeholders"]]
    assert team and all(name in plain for name in team)
    reps = {e["speaker"] for e in json.loads(plain)["evidence"] if e["role"] == "rep"}
    for rep in reps - {None} - set(team):
        assert rep not in masked
    assert report["redacted"] is True


def test_redactor_masks_phones_and_emails_not_dates_or_money() -> None:
    r = Redactor(["Sam Rivera"], keep=["Gloria Amsel"])
    text = (
        "Call (512) 555-0139 or +49 40 5550 1187, mail gamsel@halcyon.org; Sam said "
        "Gloria Amsel approves $220k-260k on 2026-09-22."
    )
    out = r.text(text)
    assert out is not None
    assert "555" not in out and "5550" not in out and "@" not in out
    assert "Sam" not in out and "Gloria Amsel" in out
    assert "2026-09-22" in out and "$220k-260k" in out


def test_report_bad_input(runner: CliRunner, demo_db: Path) -> None:
    for args, needle in (
        (["northwind-freight", "--format", "pdf"], "--format"),
        (["nobody"], "unknown lead"),
        ([], "--all"),
    ):
        result = run(runner, demo_db, "report", *args)
        assert (
            result.exit_code == 1 and needle in result.output and "Traceback" not in result.output
        )


def test_reextract_dry_run_changes_nothing_then_applies(runner: CliRunner, demo_db: Path) -> None:
    sig = first_signal(runner, demo_db, "copperline-mutual")
    ok(run(runner, demo_db, "review", str(sig["id"]), "--confirm", "--reason", "ok", "--by", "D"))
    before = json.loads(ok(run(runner, demo_db, "signals", "copperline-mutual", "--json")))
    dry = json.loads(
        ok(run(runner, demo_db, "reextract", "--lead", "copperline-mutual", "--dry-run", "--json"))
    )
    assert dry and all(d["lead_id"] == "copperline-mutual" for d in dry)
    assert json.loads(ok(run(runner, demo_db, "signals", "copperline-mutual", "--json"))) == before
    text = ok(run(runner, demo_db, "reextract", "--lead", "copperline-mutual"))
    assert "document(s) checked" in text
    after = json.loads(ok(run(runner, demo_db, "signals", "copperline-mutual", "--json")))
    ids_after = {s["id"] for s in after}
    # the reviewed signal is either still there (same span) or its review moved to a new one
    report = json.loads(ok(run(runner, demo_db, "report", "copperline-mutual", "--format", "json")))
    confirmed = [e for e in report["evidence"] if e["status"] == "confirmed"]
    assert confirmed and any(e["signal_id"] in ids_after or e["retired"] for e in confirmed)
    assert "intact" in ok(run(runner, demo_db, "audit", "verify"))


def test_diff_document_reports_added_removed_changed() -> None:
    import datetime as dt

    from assistant.store import StoredSignal
    from extractors.schema import Evidence, Signal

    text = "We have 60k approved and need it by March."

    def sig(start: int, end: int, dim: str, value: object, conf: float = 0.8) -> Signal:
        return Signal(
            dimension=dim,
            type="amount" if dim == "budget" else "target_date",
            value=value,
            polarity="for",
            confidence=conf,
            evidence=Evidence(
                document_id=1,
                start=start,
                end=end,
                speaker="A",
                role="prospect",
                quote=text[start:end],
                extractor="rules",
                extractor_version="1",
            ),
        )

    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    stored = [
        StoredSignal(
            id=1,
            lead_id="x",
            document_id=1,
            signal=sig(8, 20, "budget", {"amount": 60}),
            created_at=now,
        ),
        StoredSignal(
            id=2,
            lead_id="x",
            document_id=1,
            signal=sig(33, 41, "timeline", "march"),
            created_at=now,
        ),
    ]
    new = [sig(8, 20, "budget", {"amount": 60000}), sig(25, 32, "need", "it")]
    added, removed, changed, same = diff_document(stored, new, reviewed={2})
    assert [a["quote"] for a in added] == [text[25:32]]
    assert removed[0]["signal_id"] == 2 and removed[0]["reviewed"] is True
    assert changed[0]["signal_id"] == 1 and changed[0]["fields"] == ["value"]
    assert same == 0


def test_reextract_keeps_every_review_and_carries_it_to_the_new_signal(
    runner: CliRunner, demo_db: Path
) -> None:
    from assistant.service import Service
    from assistant.settings import Settings

    svc = Service(Settings(db=demo_db, use_model=False))
    doc = svc.store.documents_for_lead("ferncliff-software")[0]
    current = svc.extract(doc.document)
    target = current[0]
    # An older extractor found the same evidence under another name.
    old = target.model_copy(
        update={"evidence": target.evidence.model_copy(update={"extractor": "rules-v0"})}
    )
    svc.store.replace_signals(doc.id, [old, *current[1:]], run_id="old-run")
    old_id = next(
        s.id
        for s in svc.store.signals_for_document(doc.id)
        if s.signal.evidence.extractor == "rules-v0"
    )
    svc.close()
    ok(
        run(
            runner,
            demo_db,
            "review",
            str(old_id),
            "--confirm",
            "--reason",
            "right on",
            "--by",
            "Dana",
        )
    )
    dry = ok(run(runner, demo_db, "reextract", "--lead", "ferncliff-software", "--dry-run"))
    assert f"#{old_id}" in dry and "reviewed: kept as retired" in dry
    applied = ok(run(runner, demo_db, "reextract", "--lead", "ferncliff-software"))
    assert f"review of #{old_id} (confirm) carried over" in applied
    report = json.loads(
        ok(run(runner, demo_db, "report", "ferncliff-software", "--format", "json"))
    )
    by_id = {e["signal_id"]: e for e in report["evidence"]}
    assert by_id[old_id]["retired"] and by_id[old_id]["status"] == "confirmed"
    carried = [
        e
        for e in report["evidence"]
        if not e["retired"] and e["status"] == "confirmed" and e["quote"] == old.evidence.quote
    ]
    assert carried and "carried over from signal" in carried[0]["review_reason"]
    assert "intact" in ok(run(runner, demo_db, "audit", "verify"))
