"""SVG snapshots of every screen at 80x24 and 120x40 (pytest-textual-snapshot).

Deterministic: fixed service date and store clock, no model (no sentiment), workers finished
and no loading spinner before the shot. Update after an intended change with
`pytest tests/test_tui_snapshots.py --snapshot-update` and review the SVG diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_tui import app_for, build_demo, make_service, settle

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(scope="module")
def snap_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("snap") / "demo.db")


@pytest.fixture
def snap_service(snap_template: Path, tmp_path: Path):
    target = tmp_path / "demo.db"
    shutil.copy(snap_template, target)
    service = make_service(target)
    yield service
    service.close()


def opener(action: str, *args: str):
    """A run_before hook: open a screen through the app, then wait for its workers."""

    async def run_before(pilot) -> None:  # noqa: ANN001 - textual Pilot
        await settle(pilot)
        if action:
            getattr(pilot.app, action)(*args)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pipeline_snapshot(snap_compare, snap_service, size) -> None:
    assert snap_compare(app_for(snap_service), terminal_size=size, run_before=opener(""))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_lead_snapshot(snap_compare, snap_service, size) -> None:
    run = opener("open_lead", "northwind-freight")
    assert snap_compare(app_for(snap_service), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_lead_evidence_snapshot(snap_compare, snap_service, size) -> None:
    run = opener("open_lead", "northwind-freight")
    assert snap_compare(
        app_for(snap_service), terminal_size=size, run_before=run, press=["v", "down", "down"]
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ingest_snapshot(snap_compare, snap_service, size) -> None:
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        pilot.app.open_ingest("halcyon-health")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#paste").load_text(
            "Sam Rivera: How do you forecast today?\n"
            "Dana Cole: We have budget approved, about 80k, and I sign off on it.\n"
        )
        screen.action_parse()
        await settle(pilot)

    assert snap_compare(app_for(snap_service), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_discovery_snapshot(snap_compare, snap_service, size) -> None:
    pytest.importorskip("assistant.discovery")
    run = opener("open_discovery", "halcyon-health")
    assert snap_compare(app_for(snap_service), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_audit_snapshot(snap_compare, snap_service, size) -> None:
    run = opener("open_audit", "copperline-mutual")
    assert snap_compare(app_for(snap_service), terminal_size=size, run_before=run)


def test_help_snapshot(snap_compare, snap_service) -> None:
    assert snap_compare(
        app_for(snap_service), terminal_size=(80, 24), run_before=opener("action_help")
    )
