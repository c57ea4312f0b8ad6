"""Shared fixtures: a CLI runner and a demo database built once per session, copied per test."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

os.environ.setdefault("HF_HUB_OFFLINE", "1")
DEMO_TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data loaded once (ingest + extraction) into a file database."""
    from assistant.service import Service
    from assistant.settings import Settings

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    svc = Service(Settings(db=path), clock=lambda: DEMO_TODAY)
    results = svc.load_demo()
    assert results and not [r for r in results if r.error]
    svc.close()
    return path


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database for one test."""
    target = tmp_path / "demo.db"
    shutil.copy(demo_db_template, target)
    target.chmod(0o600)
    return target
