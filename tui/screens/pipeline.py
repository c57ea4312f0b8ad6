"""Pipeline: every lead in a sortable, filterable table; type to filter, enter to open."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from assistant import views
from tui.errors import USER_ERRORS
from tui.screens.base import QualifyScreen
from tui.widgets.lead_table import COLUMNS, LeadTable

SCORE_BATCH = 100


class PipelineScreen(QualifyScreen):
    """The home screen. Leads paint first; scores (latest snapshots) fill in from a worker."""

    BINDINGS = [
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("ctrl+s", "sort", "Sort"),
        Binding("ctrl+r", "reload", "Reload"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Input(
            placeholder="type to filter: name, owner, stage, segment…",
            id="filter",
            select_on_focus=False,
        )
        yield LeadTable(id="leads")
        yield Static("", id="pipeline-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Pipeline"
        self.query_one(LeadTable).loading = True
        self.load()

    def on_screen_resume(self) -> None:
        dirty = self.qapp.take_dirty()
        if dirty:
            self.rescore(dirty)

    @property
    def table(self) -> LeadTable:
        return self.query_one(LeadTable)

    # -- workers -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="pipeline")
    def load(self) -> None:
        """Leads first (one query), then scores in batches so the table never waits."""
        worker = get_current_worker()
        try:
            rows = views.pipeline_leads(self.svc)
            self.ui(self._show_rows, rows)
            done: list[views.PipelineRow] = []
            for n, row in enumerate(rows, start=1):
                if worker.is_cancelled:
                    return
                done.append(views.pipeline_row(self.svc, row.id))
                if len(done) >= SCORE_BATCH or n == len(rows):
                    self.ui(self._update_rows, done, n, len(rows))
                    done = []
        except USER_ERRORS as exc:
            self.ui(self._failed, exc)

    @work(thread=True, group="rescore")
    def rescore(self, lead_ids: list[str]) -> None:
        """Rescore leads changed on other screens and refresh their rows."""
        try:
            rows = [views.pipeline_row(self.svc, lead_id, rescore=True) for lead_id in lead_ids]
            self.ui(self._update_rows, rows, None, None)
        except USER_ERRORS as exc:
            self.ui(self.fail, exc)

    # -- UI thread ---------------------------------------------------------------------------
    def _show_rows(self, rows: list[views.PipelineRow]) -> None:
        self.qapp.lead_ids = [r.id for r in rows]
        self.table.set_rows(rows)
        self.table.loading = False
        self._status("scoring…" if rows else "no leads yet: run `qualify demo` or ctrl+n to paste")

    def _update_rows(self, rows: list[views.PipelineRow], done: int | None, of: int | None) -> None:
        self.table.update_rows(rows)
        self._status(f"scoring {done}/{of}…" if done is not None and done < (of or 0) else "")

    def _failed(self, error: BaseException) -> None:
        self.table.loading = False
        self.fail(error)
        self._status("could not read the database; ctrl+r retries")

    def _status(self, extra: str) -> None:
        table = self.table
        column = COLUMNS[table.sort_column].title
        text = f"{len(table.view)} of {len(table.rows)} leads · sorted by {column}"
        self.query_one("#pipeline-status", Static).update(f"{text}  {extra}".rstrip())

    # -- events and actions ------------------------------------------------------------------
    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._status("")

    def on_key(self, event: events.Key) -> None:
        """Type anywhere on the pipeline: the key goes to the filter box."""
        box = self.query_one("#filter", Input)
        if event.is_printable and event.character and self.focused is not box:
            event.stop()
            box.focus()
            box.insert_text_at_cursor(event.character)

    @on(Input.Submitted, "#filter")
    def _submit(self) -> None:
        self.table.action_open()

    @on(LeadTable.Opened)
    def _open(self, event: LeadTable.Opened) -> None:
        self.qapp.open_lead(event.lead_id)

    def action_move(self, step: int) -> None:
        self.table.action_cursor(step)

    def action_page(self, direction: int) -> None:
        self.table.action_page(direction)

    def action_sort(self) -> None:
        """Next column; after the last one, back to the score."""
        table = self.table
        table.sort_by((table.sort_column + 1) % len(COLUMNS), reverse=False)
        self._status("")

    def action_reload(self) -> None:
        self.table.loading = True
        self.load()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
