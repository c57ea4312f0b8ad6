"""CRM hand-off, lead export/import, backup and the feedback loop, through the CLI."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_helpers import TINY_TUNED_CORPUS, ok, rules_only, run


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rules_only(monkeypatch, tmp_path)


def clean_error(result, needle: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert needle.lower() in result.output.lower(), result.output


def table_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("leads", "documents", "signals", "reviews", "events")
        }
    finally:
        conn.close()


# ------------------------------------------------------------------ CRM


@pytest.mark.parametrize(
    ("target", "columns"),
    [
        (
            "hubspot",
            {
                "name",
                "lifecyclestage",
                "qualify_score",
                "qualify_bant_budget",
                "qualify_meddpicc_champion",
                "qualify_next_step",
                "qualify_evidence",
            },
        ),
        (
            "salesforce",
            {
                "Company",
                "LastName",
                "Status",
                "Qualify_Score__c",
                "BANT_Budget__c",
                "MEDDPICC_Economic_Buyer__c",
                "Next_Step__c",
                "Qualify_Evidence__c",
            },
        ),
        (
            "csv",
            {
                "lead_id",
                "stage",
                "score",
                "bant_budget",
                "meddpicc_competition",
                "next_step",
                "evidence_ids",
            },
        ),
    ],
)
def test_crm_export_writes_the_targets_layout_with_evidence_links(
    runner: CliRunner, demo_db: Path, tmp_path: Path, target: str, columns: set[str]
) -> None:
    out = tmp_path / "crm"
    ok(run(runner, demo_db, "crm", "export", "--all", "--target", target, "--out", str(out)))
    rows = list(csv.DictReader((out / f"qualify-{target}.csv").open(encoding="utf-8")))
    assert len(rows) == 6
    assert columns <= set(rows[0])
    northwind = next(r for r in rows if "northwind" in json.dumps(r).lower())
    budget = next(v for k, v in northwind.items() if "budget" in k.lower())
    assert "[#" in budget  # each value links back to its signal ids


def test_crm_export_only_confident_or_confirmed_evidence(runner: CliRunner, demo_db: Path) -> None:
    sigs = json.loads(ok(run(runner, demo_db, "signals", "northwind-freight", "--json")))
    low = next(s for s in sigs if s["dimension"] == "budget" and s["confidence"] < 0.8)
    high = next(s for s in sigs if s["dimension"] == "budget" and s["confidence"] >= 0.8)

    def exported(*flags: str) -> str:
        text = ok(
            run(
                runner,
                demo_db,
                "crm",
                "export",
                "northwind-freight",
                "--target",
                "csv",
                "--dry-run",
                "--json",
                *flags,
            )
        )
        changes = json.loads(text)["changes"]
        return next(c["after"] for c in changes if c["field"] == "bant_budget")

    assert f"#{high['id']}" in exported() and f"#{low['id']}" not in exported()
    assert f"#{low['id']}" in exported("--include-unreviewed")
    ok(run(runner, demo_db, "review", str(low["id"]), "--confirm", "--reason", "ok", "--by", "D"))
    assert f"#{low['id']}" in exported()
    ok(run(runner, demo_db, "review", str(high["id"]), "--reject", "--reason", "no", "--by", "D"))
    assert f"#{high['id']}" not in exported("--include-unreviewed")


def test_crm_dry_run_shows_the_patch_against_the_last_export(
    runner: CliRunner, demo_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "crm"

    def hubspot(*args: str):
        return run(runner, demo_db, "crm", "export", "pinecrest-staffing", "--target", "hubspot",
                   *args)

    ok(run(runner, demo_db, "score", "pinecrest-staffing"))
    before = table_counts(demo_db)
    first = ok(hubspot("--dry-run"))
    assert "+ pinecrest-staffing qualify_score" in first
    assert not out.exists()
    assert table_counts(demo_db) == before  # a dry run writes nothing, not even an event
    ok(hubspot("--out", str(out)))
    same = ok(hubspot("--dry-run"))
    assert "no changes since the last hubspot export" in same
    ok(
        run(
            runner,
            demo_db,
            "override",
            "pinecrest-staffing",
            "--stage",
            "MQL",
            "--reason",
            "went quiet",
            "--by",
            "M",
        )
    )
    patch = ok(hubspot("--dry-run"))
    assert "- pinecrest-staffing qualify_stage" in patch
    assert "+ pinecrest-staffing qualify_stage: MQL" in patch
    assert "+ pinecrest-staffing lifecyclestage: marketingqualifiedlead" in patch
    log = json.loads(ok(run(runner, demo_db, "audit", "log", "pinecrest-staffing", "--json")))
    assert [e for e in log if e["kind"] == "crm_export"]


def test_crm_bad_target(runner: CliRunner, demo_db: Path) -> None:
    clean_error(run(runner, demo_db, "crm", "export", "--all", "--target", "pipedrive"), "--target")


# ------------------------------------------------------------------ export / import / backup


def test_export_import_round_trip(runner: CliRunner, demo_db: Path, tmp_path: Path) -> None:
    sig = json.loads(ok(run(runner, demo_db, "signals", "halcyon-health", "--json")))[0]
    ok(run(runner, demo_db, "review", str(sig["id"]), "--reject", "--reason", "no", "--by", "D"))
    before = json.loads(ok(run(runner, demo_db, "score", "halcyon-health", "--json")))
    file = tmp_path / "halcyon.json"
    ok(run(runner, demo_db, "export", "halcyon-health", "--out", str(file)))
    payload = json.loads(file.read_text(encoding="utf-8"))
    assert payload["schema_version"] == 1 and payload["head"]
    other = tmp_path / "other.db"
    ok(run(runner, other, "import", str(file)))
    after = json.loads(ok(run(runner, other, "score", "halcyon-health", "--json")))
    assert after["total"] == before["total"] and after["stage"] == before["stage"]
    report = json.loads(ok(run(runner, other, "report", "halcyon-health", "--format", "json")))
    assert [e for e in report["evidence"] if e["status"] == "rejected"]
    assert "intact" in ok(run(runner, other, "audit", "verify"))
    # into the same database only under another id
    clean_error(run(runner, demo_db, "import", str(file)), "--as")
    ok(run(runner, demo_db, "import", str(file), "--as", "halcyon-copy"))


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda p: p.update(schema_version=99), "schema version 99"),
        (lambda p: p.update(format="something-else"), "not a qualify lead export"),
        (
            lambda p: (
                p["records"][3]["data"].update(retired=True)
                if p["records"][3]["type"] == "signal"
                else p["records"][3]["data"].update(ref=7)
            ),
            "hash chain broken at record 4",
        ),
        (lambda p: p["records"].pop(), "hash chain broken at the end"),
    ],
)
def test_import_refuses_bad_files_and_writes_nothing(
    runner: CliRunner, demo_db: Path, tmp_path: Path, mutate, needle: str
) -> None:
    file = tmp_path / "lead.json"
    ok(run(runner, demo_db, "export", "tallgrass-analytics", "--out", str(file)))
    payload = json.loads(file.read_text(encoding="utf-8"))
    mutate(payload)
    file.write_text(json.dumps(payload), encoding="utf-8")
    other = tmp_path / "other.db"
    ok(run(runner, other, "leads"))
    before = table_counts(other)
    clean_error(run(runner, other, "import", str(file), "--as", "fresh"), needle)
    assert table_counts(other) == before


def test_import_of_a_missing_or_non_json_file(
    runner: CliRunner, demo_db: Path, tmp_path: Path
) -> None:
    clean_error(run(runner, demo_db, "import", str(tmp_path / "nope.json")), "no such file")
    junk = tmp_path / "junk.json"
    junk.write_text("not json", encoding="utf-8")
    clean_error(run(runner, demo_db, "import", str(junk)), "not a qualify export")


def test_backup_is_a_readable_private_copy(
    runner: CliRunner, demo_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "backups" / "q.db"
    ok(run(runner, demo_db, "backup", str(target)))
    assert target.stat().st_mode & 0o077 == 0
    leads = json.loads(ok(run(runner, target, "leads", "--json")))
    assert len(leads) == 6
    clean_error(run(runner, demo_db, "backup", str(target)), "exists")


# ------------------------------------------------------------------ feedback loop


def test_train_needs_reviews_first(runner: CliRunner, demo_db: Path) -> None:
    clean_error(run(runner, demo_db, "train", "--from-reviews"), "no reviewed evidence")
    clean_error(run(runner, demo_db, "train"), "--from-reviews")


def test_train_says_clearly_when_the_model_is_unavailable(
    runner: CliRunner, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractors import semantic
    from extractors.models import ModelUnavailable

    def missing(*_a, **_k):
        raise ModelUnavailable("no embedding model installed")

    monkeypatch.setattr(semantic, "load_head", missing)
    sig = json.loads(ok(run(runner, demo_db, "signals", "halcyon-health", "--json")))[0]
    ok(run(runner, demo_db, "review", str(sig["id"]), "--reject", "--reason", "no", "--by", "D"))
    clean_error(run(runner, demo_db, "train", "--from-reviews"), "semantic model is unavailable")


class _FakeHead:
    def __init__(self, examples) -> None:
        self.learned = dict(examples)

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "semantic.json"
        path.write_text(json.dumps(self.learned), encoding="utf-8")
        return path


def _fake_semantic(monkeypatch: pytest.MonkeyPatch, corpus: list) -> None:
    """A tiny stand-in head: it knows exactly the labels it was trained on."""
    from extractors import semantic

    monkeypatch.setattr(semantic, "load_head", lambda *a, **k: _FakeHead([]))
    monkeypatch.setattr(semantic, "examples_from_folder", lambda folder: corpus)
    monkeypatch.setattr(semantic, "train_head", lambda ex, metrics=None, **k: _FakeHead(ex))
    monkeypatch.setattr(
        semantic, "classify", lambda texts, head=None: [(head.learned.get(t), 1.0) for t in texts]
    )


def test_train_reports_the_metric_change_and_accepts_a_better_head(
    runner: CliRunner, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_semantic(monkeypatch, [("the budget is approved", "budget")])
    sigs = json.loads(ok(run(runner, demo_db, "signals", "northwind-freight", "--json")))
    for s in sigs[:12]:
        ok(run(runner, demo_db, "review", str(s["id"]), "--confirm", "--reason", "ok", "--by", "D"))
    dry = json.loads(ok(run(runner, demo_db, "train", "--from-reviews", "--dry-run", "--json")))
    assert dry["accepted"] is False and dry["review_examples"] >= 1
    assert not (tmp_path / "data" / "heads").exists()
    result = json.loads(ok(run(runner, demo_db, "train", "--from-reviews", "--json")))
    # the stand-in heads only know their training texts, so both score the same held-out
    # examples equally: not worse, hence accepted and written to the data dir
    assert result["after"] == result["before"]
    assert result["accepted"] and Path(result["path"]).is_file()
    assert Path(result["path"]).parent == tmp_path / "data" / "heads"
    log = json.loads(ok(run(runner, demo_db, "audit", "log", "--kind", "model_change", "--json")))
    assert log and log[-1]["payload"]["after"] == result["after"]
    text = ok(run(runner, demo_db, "train", "--from-reviews", "--dry-run"))
    assert "macro_f1" in text and "->" in text


@pytest.mark.slow
def test_train_tuned_measures_then_writes_a_classifier_extraction_uses(
    runner: CliRunner, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractors import models, tuned

    if not models.model_status().available:
        pytest.skip("embedding model not installed")
    corpus = TINY_TUNED_CORPUS * 6
    monkeypatch.setattr(tuned, "sentence_examples", lambda folders: corpus)
    sigs = json.loads(ok(run(runner, demo_db, "signals", "northwind-freight", "--json")))
    for s in sigs[:3]:
        ok(run(runner, demo_db, "review", str(s["id"]), "--confirm", "--reason", "ok", "--by", "D"))
    heads_dir = tmp_path / "data" / "heads" / "tuned"
    def stdout_json(*args: str) -> dict:
        result = run(runner, demo_db, *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)  # training progress goes to stderr

    dry = stdout_json("train", "--tuned", "--epochs", "1", "--dry-run", "--json")
    assert dry["review_examples"] >= 1 and dry["held_out"] > 0
    assert "micro" in dry["metrics"] and not heads_dir.exists()
    done = stdout_json("train", "--tuned", "--epochs", "1", "--json")
    assert done["path"] == str(heads_dir) and (heads_dir / "tuned.safetensors").is_file()
    meta = json.loads((heads_dir / "tuned.json").read_text())
    assert meta["n_train"] == len(corpus) + done["review_examples"]
    log = json.loads(ok(run(runner, demo_db, "audit", "log", "--kind", "model_change", "--json")))
    assert log[-1]["payload"]["model"] == "tuned_classifier"
    from assistant.service import Service
    from assistant.settings import Settings

    svc = Service(Settings(db=demo_db, data_dir=tmp_path / "data"))
    try:
        assert svc.tuned_dir() == heads_dir  # extraction now loads this one
    finally:
        svc.close()
