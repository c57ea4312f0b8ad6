"""Shared helpers of the CLI tests: run qualify against one database, check a clean result."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app


def rules_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No model (fast, deterministic) and a private data directory."""
    monkeypatch.setenv("QUALIFY_USE_MODEL", "0")
    monkeypatch.setenv("QUALIFY_DATA_DIR", str(tmp_path / "data"))


def run(runner: CliRunner, db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *args])


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


# A tiny labeled corpus for training runs that must be quick (sentence, its dimensions).
TINY_TUNED_CORPUS = [
    ("We set aside forty thousand for this next year.", frozenset({"budget"})),
    ("Our CFO signs anything over ten grand.", frozenset({"authority"})),
    ("It has to be live before the audit in March.", frozenset({"timeline"})),
    ("The sandwiches at the offsite were terrible.", frozenset()),
]
