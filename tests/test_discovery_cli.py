"""Discovery on the command line: a scripted session through piped stdin, and the reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

ANSWERS = [
    "Our dispatchers re-key every order by hand and lose about 15 hours a week to it.",
    "",  # skip one question
    "We have a budget of 60k approved for this fiscal year.",
    "Our CFO Dana Whitfield signs the contract.",
    "We need this live by end of next quarter.",
    "Demo booked for next Tuesday with the evaluators.",
    ":q",
    "this line is never read",
]


@pytest.fixture(autouse=True)
def _rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALIFY_USE_MODEL", "0")


def _run(runner: CliRunner, db: Path, *args: str, stdin: str | None = None):  # noqa: ANN202
    return runner.invoke(app, ["--db", str(db), *args], input=stdin)


@pytest.fixture
def fresh_db(runner: CliRunner, tmp_path: Path) -> Path:
    db = tmp_path / "cli.db"
    added = _run(
        runner, db, "lead", "add", "birchwood", "--name", "Birchwood Logistics",
        "--employees", "400", "--industry", "logistics",
    )
    assert added.exit_code == 0, added.output
    return db


def test_piped_answers_drive_a_lead_from_iql_to_sql(runner: CliRunner, fresh_db: Path) -> None:
    result = _run(
        runner, fresh_db, "discover", "birchwood", "--by", "Sam Rivera",
        stdin="\n".join(ANSWERS) + "\n",
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("birchwood: score ")
    assert "stage IQL" in out.splitlines()[0]
    assert out.count("\nQ [") >= 6
    assert "   skipped" in out
    moves = re.findall(r"stage (\w+) -> (\w+)", out)
    assert ("IQL", "MQL") in moves and ("SAL", "SQL") in moves
    deltas = [int(d) for d in re.findall(r"score \d+ -> \d+ \(([+-]\d+)\); stage", out)]
    assert len(deltas) == 5 and all(d > 0 for d in deltas)
    summary = out[out.index("\nbirchwood: score "):]
    assert "stage IQL -> SQL" in summary
    cited = summary.split("from your answers:", 1)[1]
    for answer in ANSWERS[0], ANSWERS[2], ANSWERS[3], ANSWERS[4]:
        assert answer[:40] in cited
    assert "this line is never read" not in out

    score = json.loads(_run(runner, fresh_db, "score", "birchwood", "--json").output)
    assert score["stage"] == "SQL"
    texts = " ".join(line["text"] for line in score["explanation"])
    assert "Dana Whitfield" in texts and "60k" in texts


def test_an_answer_without_a_signal_then_a_manual_fact(runner: CliRunner, fresh_db: Path) -> None:
    stdin = "they went quiet on that one\n:fact budget.status.approved\n:fact money.x\n"
    result = _run(runner, fresh_db, "discover", "birchwood", "--by", "Sam", stdin=stdin)
    assert result.exit_code == 0, result.output
    assert "no signal found in that answer" in result.output
    assert "recorded a manual fact, confirmed by Sam" in result.output
    assert "error: unknown dimension 'money'" in result.output
    assert "confirmed by Sam" in result.output.split("from your answers:")[1]


def test_questions_json_is_a_ranked_list(runner: CliRunner, fresh_db: Path) -> None:
    result = _run(runner, fresh_db, "questions", "birchwood", "--json", "--limit", "3")
    assert result.exit_code == 0, result.output
    ranked = json.loads(result.output)
    assert len(ranked) == 3
    assert all(set(r) == {"id", "text", "dimension", "why", "expected_gain"} for r in ranked)
    assert ranked[0]["why"].startswith("asks for: ")
    text = _run(runner, fresh_db, "questions", "birchwood").output
    assert text.startswith(" 1. [")


def test_questions_framework_view(runner: CliRunner, demo_db: Path) -> None:
    result = _run(runner, demo_db, "questions", "copperline-mutual", "--framework", "meddpicc")
    assert result.exit_code == 0, result.output
    assert "Paper process" in result.output and "found" in result.output
    as_json = json.loads(
        _run(runner, demo_db, "questions", "copperline-mutual", "--framework", "bant",
             "--json").output
    )
    assert [x["letter"] for x in as_json["letters"]] and as_json["framework"] == "bant"
    assert {x["status"] for x in as_json["letters"]} <= {
        "found", "ambiguous", "contradicted", "absent"
    }


def test_gaps_and_plan(runner: CliRunner, demo_db: Path) -> None:
    gaps_out = _run(runner, demo_db, "gaps", "copperline-mutual")
    assert gaps_out.exit_code == 0, gaps_out.output
    assert "need: budget earmarked (blocks SQL)" in gaps_out.output
    plan_out = _run(runner, demo_db, "plan", "copperline-mutual", "--questions", "3")
    assert plan_out.exit_code == 0, plan_out.output
    assert plan_out.output.startswith("Call plan: ")
    assert "Bring in:" in plan_out.output and "  3. " in plan_out.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["discover", "nope"], "error: unknown lead 'nope'"),
        (["questions", "birchwood", "--framework", "spin"], "error: unknown framework 'spin'"),
        (["gaps", "nope"], "error: unknown lead 'nope'"),
        (["plan", "nope"], "error: unknown lead 'nope'"),
    ],
)
def test_bad_input_is_one_line(
    runner: CliRunner, fresh_db: Path, args: list[str], message: str
) -> None:
    result = _run(runner, fresh_db, *args, stdin="")
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
