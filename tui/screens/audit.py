"""Audit (managers): evidence per lead with confirm / reject / edit and a reason, the history
of scores and reviews, filters by rep and by unreviewed evidence."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import Checkbox, DataTable, Footer, Header, Select, Static

from assistant import views
from tui.errors import USER_ERRORS
from tui.screens.base import QualifyScreen
from tui.screens.dialogs import ReviewDialog

HISTORY_KINDS = {"snapshot", "review", "ingest", "add_document", "update_lead"}


def detail_text(row: views.EvidenceRow) -> Text:
    out = Text(
        f"{row.lead_id} · {row.dimension}/{row.type} · document {row.document_id} "
        f"@{row.start}-{row.end}\n",
        style="bold",
    )
    out.append(f"“{row.quote}”", style="italic")
    out.append(f"  — {row.speaker or 'unknown'}\n")
    if row.review:
        out.append(f"{row.review} by {row.reviewer}", style="bold")
        out.append(f": {row.reason}" if row.reason else "")
    else:
        out.append("not reviewed: c confirms, x rejects, e edits", style="italic")
    return out


def history_text(lines: list[views.HistoryLine]) -> Text:
    out = Text("History (scores, reviews)\n", style="bold underline")
    shown = [line for line in lines if line.kind in HISTORY_KINDS]
    if not shown:
        out.append("nothing yet\n", style="italic")
    for line in shown[:40]:
        out.append(f"{line.at:%m-%d %H:%M} ", style="dim")
        out.append(f"{line.text} ")
        out.append(f"({line.actor})\n", style="dim")
    return out


class AuditScreen(QualifyScreen):
    """Reviews go through `assistant.views.review_signal` (never SQL here)."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("c", "review('confirm')", "Confirm"),
        Binding("x", "review('reject')", "Reject"),
        Binding("e", "review('edit')", "Edit"),
        Binding("ctrl+r", "reload", "Reload"),
    ]

    def __init__(self, lead_id: str | None = None) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.rows: dict[int, views.EvidenceRow] = {}
        self._history_for: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="audit-filters"):
            yield Select([], prompt="all reps", id="audit-rep")
            yield Checkbox("unreviewed only", id="audit-unreviewed")
        with Horizontal(id="audit-body"):
            with Vertical(id="audit-main"):
                yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="audit-detail")
            yield Static("", id="audit-history")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Audit · {self.lead_id}" if self.lead_id else "Audit"
        table = self.query_one("#audit-table", DataTable)
        if self.lead_id is None:
            table.add_column("Lead")
        table.add_columns("Dimension", "Type", "Value", "Review")
        table.focus()
        self.query_one("#audit-body").loading = True
        self.load_reps()
        self.reload()

    @work(thread=True, group="audit-reps")
    def load_reps(self) -> None:
        try:
            reps = views.owners(self.svc)
        except USER_ERRORS as exc:
            self.ui(self.fail, exc)
            return
        self.ui(self.query_one("#audit-rep", Select).set_options, [(r, r) for r in reps])

    def _filters(self) -> tuple[str | None, bool]:
        rep = self.query_one("#audit-rep", Select).value
        unreviewed = self.query_one("#audit-unreviewed", Checkbox).value
        return (rep if isinstance(rep, str) else None), unreviewed

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        rep, unreviewed = self._filters()
        self.load(rep, unreviewed)

    @work(thread=True, exclusive=True, group="audit")
    def load(self, rep: str | None, unreviewed: bool) -> None:
        try:
            rows = views.audit_rows(
                self.svc, rep=rep, unreviewed_only=unreviewed, lead_id=self.lead_id
            )
        except USER_ERRORS as exc:
            self.ui(self._failed, exc)
            return
        self.ui(self._show, rows)

    def _failed(self, error: BaseException) -> None:
        self.query_one("#audit-body").loading = False
        self.fail(error)

    def _show(self, rows: list[views.EvidenceRow]) -> None:
        self.query_one("#audit-body").loading = False
        table = self.query_one("#audit-table", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = {r.signal_id: r for r in rows}
        for r in rows:
            cells = [r.dimension, r.type, r.value[:22], r.review or ""]
            if self.lead_id is None:
                cells.insert(0, r.lead_id[:20])
            table.add_row(*cells, key=str(r.signal_id))
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        else:
            self.query_one("#audit-detail", Static).update("no evidence matches these filters")

    @on(Select.Changed, "#audit-rep")
    @on(Checkbox.Changed, "#audit-unreviewed")
    def _filters_changed(self) -> None:
        self.reload()

    @property
    def current(self) -> views.EvidenceRow | None:
        table = self.query_one("#audit-table", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return self.rows.get(int(key)) if key else None

    @on(DataTable.RowHighlighted, "#audit-table")
    def _picked(self) -> None:
        row = self.current
        if row is None:
            return
        self.query_one("#audit-detail", Static).update(detail_text(row))
        if row.lead_id != self._history_for:
            self._history_for = row.lead_id
            self.load_history(row.lead_id)

    @work(thread=True, exclusive=True, group="audit-history")
    def load_history(self, lead_id: str) -> None:
        try:
            lines = views.lead_history(self.svc, lead_id)
        except USER_ERRORS as exc:
            self.ui(self.fail, exc)
            return
        self.ui(self.query_one("#audit-history", Static).update, history_text(lines))

    def action_review(self, action: str) -> None:
        row = self.current
        if row is None:
            self.fail("no evidence selected: pick a row first")
            return
        summary = f"{row.dimension}/{row.type} “{row.quote[:40]}”"

        def done(answer: tuple[str, str] | None) -> None:
            if answer is not None:
                self.review(row.signal_id, row.lead_id, action, *answer)

        if action == "confirm":
            self.review(row.signal_id, row.lead_id, action, "", "")
        else:
            self.app.push_screen(ReviewDialog(action, summary), done)

    @work(thread=True, group="audit-review")
    def review(self, signal_id: int, lead_id: str, action: str, reason: str, value: str) -> None:
        try:
            views.review_signal(
                self.svc, signal_id, action, by=self.qapp.user, reason=reason, value=value
            )
        except USER_ERRORS as exc:
            self.ui(self.fail, exc)
            return
        self.ui(self._reviewed, lead_id, action)

    def _reviewed(self, lead_id: str, action: str) -> None:
        self.qapp.mark_dirty(lead_id)
        self.app.notify(f"{action}ed" if action != "edit" else "edited", title="review saved")
        self._history_for = None
        self.reload()
