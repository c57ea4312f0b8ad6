"""The evaluation harness, and measured floors on the dev split (never the test split)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from assistant.evaluation import (
    EvalError,
    GoldLabel,
    evaluate,
    evaluate_folders,
    format_report,
    locate,
    value_matches,
)
from extractors.schema import DIMENSIONS

ROOT = Path(__file__).resolve().parents[1]
HAS_DEV = (ROOT / "fixtures/gold/dev/manifest.jsonl").exists()


@pytest.fixture(scope="module")
def dev_report():
    return evaluate("dev")


@pytest.mark.skipif(not HAS_DEV, reason="dev corpus not present")
def test_dev_split_meets_measured_floors(dev_report) -> None:
    micro = dev_report.system.micro
    # floors measured at rules 0.6.16 on 420 documents (P 0.769 R 0.780 F1 0.775; the 324
    # newest were written unseen and are harder than the first 96, and batches 17-22 joined
    # without rule changes for them, which is why these sit below the earlier 0.85;
    # competition, the weakest dimension, is at 0.633)
    assert dev_report.documents >= 420 and dev_report.gold_labels >= 7950
    assert micro.f1 >= 0.77
    assert micro.precision >= 0.765
    assert micro.recall >= 0.775
    assert micro.polarity_accuracy >= 0.95
    assert dev_report.precision_gain >= 0.35
    for dim in DIMENSIONS:
        assert dev_report.system.per_dimension[dim].f1 >= 0.62, dim
    assert not dev_report.unlocated


@pytest.mark.skipif(not HAS_DEV, reason="dev corpus not present")
def test_report_renders_and_errors_name_rule_and_document(dev_report) -> None:
    console = Console(width=160, record=True)
    console.print(format_report(dev_report, show_errors=True))
    out = console.export_text()
    assert "micro" in out and "precision gain" in out
    errs = dev_report.errors()
    fps = [e for e in errs if e.kind == "FP"]
    assert fps and all(e.rule and e.document and e.text for e in fps)
    payload = dev_report.to_json()
    assert json.loads(json.dumps(payload))["extractor"]["micro"]["f1"] == round(
        dev_report.system.micro.f1, 4)


def _write_corpus(folder: Path, doc: str, labels: list[dict]) -> None:
    folder.mkdir(parents=True)
    (folder / "call.txt").write_text(doc, encoding="utf-8")
    (folder / "manifest.jsonl").write_text(json.dumps(
        {"path": "call.txt", "kind": "call", "date": "2026-03-14", "reps": ["Sam Rivera"]}
    ) + "\n", encoding="utf-8")
    (folder / "labels.jsonl").write_text(
        "".join(json.dumps({"path": "call.txt", **lab}) + "\n" for lab in labels),
        encoding="utf-8")


def test_metrics_on_a_tiny_corpus(tmp_path: Path) -> None:
    doc = ("Sam Rivera: Do you have budget for this?\n"
           "Dana Ortiz: We don't have budget for this yet, but we need SSO.\n"
           "Dana Ortiz: Our reps are drowning in spreadsheets.\n")
    _write_corpus(tmp_path / "gold", doc, [
        {"dimension": "budget", "type": "status", "polarity": "against",
         "quote": "We don't have budget for this yet", "value": "none"},
        {"dimension": "security", "type": "requirement", "quote": "we need SSO",
         "value": "SSO"},
        {"dimension": "timeline", "type": "target_date", "quote": "Our reps are drowning"},
    ])
    report = evaluate_folders([tmp_path / "gold"])
    budget = report.system.per_dimension["budget"]
    assert (budget.tp, budget.fn) == (1, 0) and budget.polarity_accuracy == 1.0
    assert budget.value_accuracy == 1.0
    assert report.system.per_dimension["timeline"].fn == 1
    assert report.system.per_dimension["need"].fp == 1
    # the tracker fires on the rep's question too: it loses precision
    assert report.baseline.per_dimension["budget"].fp >= 1
    assert budget.precision > report.baseline.per_dimension["budget"].precision


def test_unknown_split_and_bad_label_line_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="unknown split"):
        evaluate("holdout")
    _write_corpus(tmp_path / "g", "Dana: hi\n", [])
    (tmp_path / "g" / "labels.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(EvalError, match=r"labels.jsonl:1"):
        evaluate_folders([tmp_path / "g"])


def test_locate_and_value_matching() -> None:
    text = "we need SSO. Really, we need  SSO."
    assert locate(text, "we need SSO", 2) == (21, 33)
    assert locate(text, "absent", 1) is None
    assert value_matches({"amount": 80000, "currency": "USD"},
                         {"amount": 80000.0, "currency": "USD", "period": "year"})
    assert not value_matches({"amount": 80000, "period": "month"},
                             {"amount": 80000, "period": "year"})
    assert value_matches("SOC 2 Type II", "soc 2 type ii")
    assert value_matches({"date": "2026-06-30"}, {"date": "2026-06-30", "phrase": "EOQ"})
    assert GoldLabel(path="x", dimension="need", quote="q").occurrence == 1
