"""Lead: score gauge, stage and blocking gate, next action, stakeholders, touches, evidence;
selecting a signal shows its quote highlighted in its document."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from assistant import views
from tui.errors import USER_ERRORS
from tui.screens.base import QualifyScreen
from tui.widgets.gauge import ScoreGauge
from tui.widgets.text import highlight, legend


def summary_text(view: views.LeadView) -> Text:
    """Who the lead is, where it stands, what blocks it and what to do next."""
    lead, score = view.lead, view.score
    out = Text()
    out.append(f"{lead.name}", style="bold")
    out.append(f"  {lead.id}  owner {lead.owner or '-'}  {score.get('segment', '-')}\n")
    out.append("stage ", style="bold")
    out.append(f"{score.get('stage')}   route {score.get('route')}")
    if score.get("sla_hours"):
        out.append(f" (SLA {score['sla_hours']} h)")
    out.append("\nnext action ", style="bold")
    out.append(str(score.get("next_action", "-")).replace("_", " "))
    gate = score.get("blocking_gate")
    if gate:
        out.append(f"\nblocked from {gate['stage']}: ", style="bold red")
        out.append("missing " + ", ".join(gate.get("missing", [])))
        for hint in gate.get("hints", [])[:2]:
            out.append(f"\n  · {hint}")
    return out


def stakeholders_text(view: views.LeadView) -> Text:
    out = Text("Stakeholders\n", style="bold underline")
    if not view.stakeholders:
        out.append("none found yet: ask who else is involved\n", style="italic")
    for person in view.stakeholders:
        role = (person.buying_role or "role ?").replace("_", " ")
        stance = person.stance or "stance ?"
        title = f", {person.title}" if person.title else ""
        out.append(f"· {person.name}{title}: {role}, {stance}\n")
    return out


def touches_text(view: views.LeadView, sentiments: dict[int, str]) -> Text:
    out = Text("Touches\n", style="bold underline")
    if not view.touches:
        out.append("no documents yet: ctrl+n pastes one\n", style="italic")
    for touch in view.touches:
        mood = sentiments.get(touch.document_id)
        out.append(f"{touch.date:%Y-%m-%d} {touch.kind:<6} {touch.signals:>3} signals  ")
        out.append(touch.source)
        if mood:
            out.append(f"  {mood}", style="italic")
        out.append("\n")
    return out


class LeadScreen(QualifyScreen):
    """One lead. Data is read (and the lead rescored) in a worker."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("o", "tab('overview')", "Overview"),
        Binding("v", "tab('evidence')", "Evidence"),
        Binding("d", "discover", "Discovery"),
        Binding("n", "paste", "Paste"),
        Binding("a", "audit", "Audit"),
    ]

    def __init__(self, lead_id: str) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.view: views.LeadView | None = None
        self.sentiments: dict[int, str] = {}
        self._texts: dict[int, str] = {}
        self.shown_document: Text | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with TabbedContent(initial="overview", id="lead-tabs"):
            with TabPane("Overview", id="overview"), VerticalScroll(id="overview-scroll"):
                yield Static("", id="lead-summary")
                yield ScoreGauge(id="gauge")
                yield Static("", id="stakeholders")
                yield Static("", id="touches")
            with TabPane("Evidence", id="evidence"), Vertical():
                yield DataTable(id="evidence-table", cursor_type="row", zebra_stripes=True)
                yield Static(legend(), id="legend")
                with VerticalScroll(id="document-scroll"):
                    yield Static("select a signal to see its quote in the document", id="document")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.lead_id
        table = self.query_one("#evidence-table", DataTable)
        table.add_columns("Dimension", "Type", "Value", "Conf", "Speaker", "Review")
        self.query_one(TabbedContent).loading = True
        self.load()

    def on_screen_resume(self) -> None:
        if self.lead_id in self.qapp.dirty:
            self.load()

    @work(thread=True, exclusive=True, group="lead")
    def load(self) -> None:
        try:
            view = views.lead_view(self.svc, self.lead_id)
        except USER_ERRORS as exc:
            self.ui(self._failed, exc)
            return
        self.ui(self._show, view)
        self.load_sentiments()

    @work(thread=True, exclusive=True, group="sentiment")
    def load_sentiments(self) -> None:
        """Sentiment needs the model: it comes last and may not come at all."""
        try:
            found = views.touch_sentiments(self.svc, self.lead_id)
        except USER_ERRORS:
            return
        if found:
            self.ui(self._show_sentiments, found)

    def _failed(self, error: BaseException) -> None:
        self.query_one(TabbedContent).loading = False
        self.fail(error)

    def _show(self, view: views.LeadView) -> None:
        self.view = view
        self._texts.clear()
        self.query_one(TabbedContent).loading = False
        self.sub_title = f"{view.lead.name} · {view.score.get('total')}/100"
        self.query_one("#lead-summary", Static).update(summary_text(view))
        self.query_one(ScoreGauge).show_score(
            int(view.score.get("total", 0)), str(view.score.get("stage")), view.bars
        )
        self.query_one("#stakeholders", Static).update(stakeholders_text(view))
        self.query_one("#touches", Static).update(touches_text(view, self.sentiments))
        table = self.query_one("#evidence-table", DataTable)
        table.clear()
        for row in view.evidence:
            table.add_row(
                row.dimension,
                row.type,
                row.value[:18],
                f"{row.confidence:.2f}",
                (row.speaker or "")[:12],
                row.review or "",
                key=str(row.signal_id),
            )

    def _show_sentiments(self, found: dict[int, str]) -> None:
        self.sentiments = found
        if self.view is not None:
            self.query_one("#touches", Static).update(touches_text(self.view, found))

    @on(DataTable.RowHighlighted, "#evidence-table")
    def _signal_picked(self, event: DataTable.RowHighlighted) -> None:
        if self.view is None or event.row_key.value is None:
            return
        signal_id = int(event.row_key.value)
        row = next((r for r in self.view.evidence if r.signal_id == signal_id), None)
        if row is not None:
            self.show_evidence(row)

    def show_evidence(self, row: views.EvidenceRow) -> None:
        """The signal's document with all its signals coloured and this quote in reverse."""
        if row.document_id not in self._texts:
            try:
                self._texts[row.document_id] = views.document_text(self.svc, row.document_id)
            except USER_ERRORS as exc:
                self.fail(exc)
                return
        text = self._texts[row.document_id]
        assert self.view is not None
        spans = [
            (r.start, r.end, r.dimension)
            for r in self.view.evidence
            if r.document_id == row.document_id and r.review != "reject"
        ]
        self.shown_document = highlight(text, spans, focus=(row.start, row.end))
        self.query_one("#document", Static).update(self.shown_document)
        scroll = self.query_one("#document-scroll", VerticalScroll)
        width = max(10, scroll.scrollable_content_region.width)
        before = Text(text[: row.start])
        lines = len(before.wrap(self.app.console, width)) if row.start else 0
        scroll.scroll_to(y=max(0, lines - 2), animate=False)

    # -- actions -----------------------------------------------------------------------------
    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = name
        if name == "evidence":
            self.query_one("#evidence-table", DataTable).focus()

    def action_discover(self) -> None:
        self.qapp.open_discovery(self.lead_id)

    def action_paste(self) -> None:
        self.qapp.open_ingest(self.lead_id)

    def action_audit(self) -> None:
        self.qapp.open_audit(self.lead_id)
