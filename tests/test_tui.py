"""Pilot tests of the terminal UI: every screen and the main flows, on a private demo DB."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from assistant import store as store_mod
from assistant import views
from assistant.service import Service
from assistant.settings import Settings
from tui.app import QualifyApp, make_app
from tui.screens.audit import AuditScreen
from tui.screens.discovery import DiscoveryScreen
from tui.screens.help import HelpScreen, TooSmallScreen
from tui.screens.ingest import IngestScreen
from tui.screens.lead import LeadScreen
from tui.screens.pipeline import PipelineScreen
from tui.widgets.lead_table import LeadTable

os.environ.setdefault("HF_HUB_OFFLINE", "1")
pytestmark = pytest.mark.anyio
TODAY = dt.date(2026, 11, 25)
STORE_NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
TRANSCRIPT = (
    "Sam Rivera: Thanks for joining. How do you handle forecasting today?\n"
    "Dana Cole: Badly. We have budget approved, about 80k this year, and I sign off on it.\n"
    "Dana Cole: Our security team needs SOC 2 before we go live in March.\n"
)


def make_service(path: Path) -> Service:
    """A service on `path` with a fixed date and a fixed store clock (stable screenshots)."""
    svc = Service(
        Settings(db=path, use_model=False, team_names=["Sam Rivera"]), clock=lambda: TODAY
    )
    svc._store = store_mod.open(path, clock=lambda: STORE_NOW)  # deterministic timestamps
    return svc


def build_demo(path: Path) -> Path:
    svc = make_service(path)
    results = svc.load_demo()
    assert results and not [r for r in results if r.error]
    svc.close()
    return path


@pytest.fixture(scope="session")
def tui_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("tui") / "demo.db")


@pytest.fixture
def svc(tui_demo_template: Path, tmp_path: Path):
    target = tmp_path / "demo.db"
    shutil.copy(tui_demo_template, target)
    service = make_service(target)
    yield service
    service.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def app_for(service: Service) -> QualifyApp:
    return make_app(service, user="tester")


async def settle(pilot) -> None:  # noqa: ANN001 - textual Pilot
    """Let workers finish and their results reach the screen: a result can start another
    worker (a highlighted row loads its history), so wait until three rounds stay quiet."""
    quiet = 0
    for _ in range(60):
        await pilot.pause()
        busy = any(w.is_running for w in pilot.app.workers)
        await pilot.app.workers.wait_for_complete()
        quiet = 0 if busy else quiet + 1
        if quiet >= 3:
            break
    await pilot.pause()


# -- pipeline ---------------------------------------------------------------------------------
async def test_pipeline_lists_leads_best_score_first(svc: Service) -> None:
    app = app_for(svc)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
        table = app.screen.query_one(LeadTable)
        assert len(table.view) == 6
        totals = [table.rows[i].total for i in table.view]
        assert totals == sorted(totals, reverse=True)
        assert table.current is not None and table.current.id == "northwind-freight"


async def test_typing_filters_and_enter_opens_the_lead(svc: Service) -> None:
    app = app_for(svc)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"halcyon")
        table = app.screen.query_one(LeadTable)
        assert table.visible_ids() == ["halcyon-health"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LeadScreen)
        assert app.screen.view is not None
        assert app.screen.view.lead.id == "halcyon-health"
        await pilot.press("escape")
        assert isinstance(app.screen, PipelineScreen)


async def test_sort_cycles_columns_and_filter_clears(svc: Service) -> None:
    app = app_for(svc)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LeadTable)
        await pilot.press("ctrl+s")  # Lead id
        assert table.visible_ids() == sorted(table.visible_ids())
        await pilot.press(*"zzz-no-such-lead")
        assert table.view == [] and table.current is None
        await pilot.press("enter")  # nothing to open: no crash, still here
        assert isinstance(app.screen, PipelineScreen)
        await pilot.press("escape")
        assert len(table.view) == 6
        # Typing while the table has focus still filters.
        table.focus()
        await pilot.press(*"pine")
        assert table.visible_ids() == ["pinecrest-staffing"]


# -- lead -------------------------------------------------------------------------------------
async def test_lead_shows_gauge_gate_and_quote_in_document(svc: Service) -> None:
    app = app_for(svc)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_lead("halcyon-health")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LeadScreen) and screen.view is not None
        summary = str(screen.query_one("#lead-summary").render())
        assert "halcyon-health" in summary and "stage" in summary
        if screen.view.score.get("blocking_gate"):
            assert "blocked from" in summary
        gauge = str(screen.query_one("#gauge").render())
        assert f"{screen.view.score['total']:>3}/100" in gauge and "budget" in gauge
        await pilot.press("v")
        await pilot.press("down")
        await pilot.pause()
        doc = screen.shown_document
        assert doc is not None
        row = screen.view.evidence[1]
        assert row.quote in str(doc)
        # The chosen quote carries the focus style.
        assert any(
            span.start == row.start and span.end == row.end and "reverse" in str(span.style)
            for span in doc.spans
        )


# -- paste / ingest ---------------------------------------------------------------------------
async def test_paste_preview_fix_rep_and_save(svc: Service) -> None:
    app = app_for(svc)
    before = len(svc.store.documents_for_lead("tallgrass-analytics"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_ingest("tallgrass-analytics")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IngestScreen)
        screen.query_one("#paste").load_text(TRANSCRIPT)
        screen.action_parse()
        await settle(pilot)
        assert screen.preview is not None and screen.preview.signals
        roles = dict(screen.preview.speakers)
        assert roles["Sam Rivera"] == "rep" and roles["Dana Cole"] != "rep"
        assert "budget" in str(screen.query_one("#preview").render())
        # Fix a role: make Dana our rep, the preview is parsed again with reps=[...].
        speakers = screen.query_one("#speakers")
        speakers.focus()
        speakers.highlighted = 1  # Dana Cole
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reps == ["Dana Cole"]
        assert dict(screen.preview.speakers)["Dana Cole"] == "rep"
        speakers.highlighted = 1
        await pilot.press("enter")  # toggle back
        await settle(pilot)
        assert screen.reps == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "saved to tallgrass-analytics" in str(screen.query_one("#ingest-status").render())
    assert len(svc.store.documents_for_lead("tallgrass-analytics")) == before + 1


async def test_paste_bad_input_is_refused_with_a_message(svc: Service) -> None:
    app = app_for(svc)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_ingest(None)
        await settle(pilot)
        screen = app.screen
        status = screen.query_one("#ingest-status")
        screen.action_parse()  # nothing pasted
        assert "nothing to parse" in str(status.render())
        await pilot.press("ctrl+s")
        assert any("nothing parsed yet" in n.message for n in app._notifications)
        screen.query_one("#paste").load_text("\x00\x01\x02binary\x00" * 50)
        screen.action_parse()
        assert "binary" in str(status.render())
        # A 10 MB paste never reaches the buffer; the earlier text is kept.
        from textual import events

        area = screen.query_one("#paste")
        area.load_text("keep me")
        area.post_message(events.Paste("x" * 10_000_000))
        await pilot.pause()
        assert area.text == "keep me"
        assert any("MB" in n.message for n in app._notifications)


async def test_saving_without_a_lead_creates_one_from_a_name(tmp_path: Path) -> None:
    svc = make_service(tmp_path / "empty.db")  # a fresh install: no leads yet
    app = app_for(svc)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.open_ingest(None)
            await settle(pilot)
            screen = app.screen
            screen.query_one("#paste").load_text(TRANSCRIPT)
            screen.action_parse()
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press(*"Cole Freight Ltd.")
            await pilot.press("enter")
            await settle(pilot)
            assert "saved to cole-freight-ltd" in str(screen.query_one("#ingest-status").render())
        lead = svc.store.get_lead("cole-freight-ltd")
        assert lead is not None and lead.name == "Cole Freight Ltd."
        assert len(svc.store.documents_for_lead("cole-freight-ltd")) == 1
    finally:
        svc.close()


async def test_a_pasted_transcript_lands_once(svc: Service) -> None:
    from textual import events

    app = app_for(svc)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_ingest(None)
        await settle(pilot)
        area = app.screen.query_one("#paste")
        area.focus()
        await pilot.pause()
        pasted = "Olga Brandt: finance carved out 90k for this.\nSam Rivera: Great.\n"
        app.post_message(events.Paste(pasted))  # as the terminal driver delivers it
        await pilot.pause()
        assert area.text == pasted


# -- discovery --------------------------------------------------------------------------------
async def test_discovery_answer_changes_the_score(svc: Service) -> None:
    pytest.importorskip("assistant.discovery")
    app = app_for(svc)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_discovery("halcyon-health")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DiscoveryScreen)
        assert screen.question is not None
        assert "why:" in str(screen.query_one("#question").render())
        before = svc.score("halcyon-health", snapshot=False).total
        await pilot.click("#answer")
        await pilot.press(*"We have budget approved, 60k, and I sign off as the CFO.")
        await pilot.press("enter")
        await settle(pilot)
        after = svc.score("halcyon-health", snapshot=False).total
        assert after > before
        log = str(screen.query_one("#answers").render())
        assert f"+{after - before}" in log and f"{after}/100" in log
        assert "B Budget" in str(screen.query_one("#checklist").render())
        assert "halcyon-health" in app.dirty


async def test_discovery_rejects_an_empty_answer(svc: Service) -> None:
    pytest.importorskip("assistant.discovery")
    app = app_for(svc)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_discovery("copperline-mutual")
        await settle(pilot)
        await pilot.click("#answer")
        await pilot.press("enter")
        await settle(pilot)
        assert any("empty answer" in n.message for n in app._notifications)


async def test_discovery_without_the_module_says_so(svc: Service, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "assistant.discovery", None)  # import raises ImportError
    app = app_for(svc)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_discovery("halcyon-health")
        await settle(pilot)
        assert "not available" in str(app.screen.query_one("#question").render())
        assert app.screen.query_one("#answer").disabled
        await pilot.press("escape")
        assert isinstance(app.screen, PipelineScreen)


# -- audit ------------------------------------------------------------------------------------
async def test_confirm_and_reject_need_reason_and_are_stored(svc: Service) -> None:
    app = app_for(svc)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_audit("copperline-mutual")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        first = screen.current
        assert first is not None and first.lead_id == "copperline-mutual"
        await pilot.press("c")
        await settle(pilot)
        reviews = svc.store.reviews_for_lead("copperline-mutual")
        assert [(r.signal_id, r.action, r.by) for r in reviews] == [
            (first.signal_id, "confirm", "tester")
        ]
        assert "confirm by tester" in str(screen.query_one("#audit-detail").render())
        assert "review" in str(screen.query_one("#audit-history").render())
        # Reject: a dialog asks why; an empty reason is refused, a real one is stored.
        await pilot.press("down", "x")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert any("needs a reason" in n.message for n in app._notifications)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"not what she said")
        await pilot.press("enter")
        await settle(pilot)
        actions = [r.action for r in svc.store.reviews_for_lead("copperline-mutual")]
        assert actions == ["confirm", "reject"]
        assert svc.store.reviews_for_lead("copperline-mutual")[-1].reason == "not what she said"


async def test_audit_filters_by_rep_and_unreviewed(svc: Service) -> None:
    app = app_for(svc)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_audit(None)
        await settle(pilot)
        screen = app.screen
        everyone = len(screen.rows)
        screen.query_one("#audit-rep").value = "Alex Kim"
        await settle(pilot)
        assert screen.rows and {r.owner for r in screen.rows.values()} == {"Alex Kim"}
        assert len(screen.rows) < everyone
        await pilot.press("c")
        await settle(pilot)
        screen.query_one("#audit-unreviewed").value = True
        await settle(pilot)
        assert all(r.review is None for r in screen.rows.values())


# -- app-wide ---------------------------------------------------------------------------------
async def test_help_palette_theme_and_small_terminal(svc: Service) -> None:
    app = app_for(svc)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for key in ("ctrl+n", "ctrl+s", "f4", "ctrl+t", "escape"):
            assert key in text
        await pilot.press("escape")
        theme = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != theme
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "80x24" in str(app.screen.query_one("#too-small").render())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, PipelineScreen)
        # The command palette lists the app's actions and opens leads.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"open lead pinecrest")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LeadScreen) and app.screen.lead_id == "pinecrest-staffing"


async def test_database_gone_shows_an_error_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "not.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    service = Service(Settings(db=bad, use_model=False), clock=lambda: TODAY)
    app = app_for(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
        assert any(n.severity == "error" for n in app._notifications)
        assert "ctrl+r retries" in str(app.screen.query_one("#pipeline-status").render())


async def test_db_locked_while_saving_keeps_the_paste(svc: Service) -> None:
    app = app_for(svc)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_ingest("halcyon-health")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#paste").load_text(TRANSCRIPT)
        screen.action_parse()
        await settle(pilot)

        def locked(*args, **kwargs):
            raise store_mod.DatabaseLockedError("database is locked by another program; retry")

        svc.ingest_document = locked  # type: ignore[method-assign]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("locked" in n.message for n in app._notifications)
        assert screen.query_one("#paste").text == TRANSCRIPT
        assert "not saved" in str(screen.query_one("#ingest-status").render())


# -- views (tui-independent) ------------------------------------------------------------------
def test_review_signal_requires_reason_for_reject_and_value_for_edit(svc: Service) -> None:
    sig = svc.store.signals_for_lead("northwind-freight")[0]
    with pytest.raises(views.ViewError, match="needs a reason"):
        views.review_signal(svc, sig.id, "reject", by="m")
    with pytest.raises(views.ViewError, match="corrected value"):
        views.review_signal(svc, sig.id, "edit", by="m", reason="wrong amount")
    with pytest.raises(views.ViewError, match="unknown review action"):
        views.review_signal(svc, sig.id, "approve", by="m")
    review = views.review_signal(svc, sig.id, "edit", by="m", reason="typo", value="90000")
    assert review.value == "90000"
    row = next(r for r in views.audit_rows(svc, lead_id="northwind-freight")
               if r.signal_id == sig.id)
    assert (row.review, row.value, row.reason) == ("edit", "90000", "typo")


def test_filter_rows_matches_every_word() -> None:
    rows = [
        views.PipelineRow(id="acme", name="Acme", owner="Sam Rivera", stage="SQL"),
        views.PipelineRow(id="beta", name="Beta", owner="Priya Nair", stage="MQL"),
    ]
    assert views.filter_rows(rows, "sam sql") == [0]
    assert views.filter_rows(rows, "  ") == [0, 1]
    assert views.filter_rows(rows, "PRIYA") == [1]
    assert views.filter_rows(rows, "sam mql") == []


def test_check_paste_messages() -> None:
    with pytest.raises(views.ViewError, match="nothing to parse"):
        views.check_paste(" \n ")
    with pytest.raises(views.ViewError, match="binary"):
        views.check_paste("\x00\x01" * 100)
    with pytest.raises(views.ViewError, match="qualify ingest FILE"):
        views.check_paste("a" * (views.PASTE_LIMIT_CHARS + 1))
    views.check_paste("Sam: hello\nDana: hi")
