"""Paste / ingest: paste a transcript, chat or email (or open a file), see it parsed with its
signals highlighted, fix who is the rep, then save it to a lead."""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Footer,
    Header,
    Input,
    OptionList,
    Select,
    Static,
    TextArea,
)

from assistant import views
from tui.errors import USER_ERRORS
from tui.screens.base import QualifyScreen
from tui.screens.dialogs import NewLeadDialog
from tui.widgets.text import highlight

PARSE_DELAY = 0.6


class PasteArea(TextArea):
    """A TextArea that refuses a paste too large to preview, before it lands in the buffer."""

    async def _on_paste(self, event: events.Paste) -> None:
        # Textual calls the handler of every class in the MRO, so TextArea's own _on_paste
        # runs after this one unless prevented (no super() call). The event must not bubble:
        # the app hands a bubbled paste to the focused widget again, pasting it twice.
        event.stop()
        if len(event.text) > views.PASTE_LIMIT_CHARS:
            event.prevent_default()
            try:
                views.check_paste(event.text)
            except views.ViewError as exc:
                self.app.notify(str(exc), title="error", severity="error", timeout=10)


def preview_text(preview: views.Preview) -> Text:
    """Fresh text with signals coloured by dimension, and a count per dimension."""
    doc = preview.document
    counts: dict[str, int] = {}
    for sig in preview.signals:
        counts[sig.dimension] = counts.get(sig.dimension, 0) + 1
    head = Text(f"{doc.kind}: {len(doc.utterances)} turns, {len(preview.signals)} signals\n",
                style="bold")
    if counts:
        head.append(", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + "\n")
    if doc.quoted_text:
        head.append(f"quoted history stripped ({len(doc.quoted_text)} chars)\n", style="italic")
    spans = [(s.evidence.start, s.evidence.end, s.dimension) for s in preview.signals]
    return head + Text("\n") + highlight(doc.text, spans)


class IngestScreen(QualifyScreen):
    """Nothing is stored until ctrl+s; the pasted text stays if saving fails."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+l", "parse", "Parse"),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+o", "focus_file", "Open file"),
    ]

    def __init__(self, lead_id: str | None = None) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.preview: views.Preview | None = None
        self.reps: list[str] = []
        self._timer = None
        self._parsed: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="ingest-bar"):
            yield Select[str]([], prompt="save to lead…", id="ingest-lead")
            yield Input(placeholder="or a file path, enter to open", id="ingest-file")
        with Horizontal(id="ingest-body"):
            yield PasteArea(id="paste", soft_wrap=True, show_line_numbers=False)
            with Vertical(id="ingest-side"):
                yield Static("Speakers (enter toggles rep)", classes="section-title")
                yield OptionList(id="speakers")
                with VerticalScroll(id="preview-scroll"):
                    yield Static("paste a transcript, chat or email on the left", id="preview")
        yield Static("", id="ingest-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Paste / ingest"
        ids = self.qapp.lead_ids or [lead.id for lead in self._leads()]
        select = self.query_one("#ingest-lead", Select)
        select.set_options([(i, i) for i in ids])
        if self.lead_id in ids:
            select.value = self.lead_id
        self.query_one(PasteArea).focus()

    def _leads(self):
        try:
            return self.svc.store.list_leads()
        except USER_ERRORS as exc:
            self.fail(exc)
            return []

    # -- parsing -----------------------------------------------------------------------------
    @on(TextArea.Changed, "#paste")
    def _changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PARSE_DELAY, self._auto_parse)

    def _auto_parse(self) -> None:
        """Parse after a pause in typing, unless this exact text was parsed already."""
        if self.query_one(PasteArea).text != self._parsed:
            self.action_parse()

    def action_parse(self) -> None:
        text = self.query_one(PasteArea).text
        self._parsed = text
        try:
            views.check_paste(text)
        except views.ViewError as exc:
            self._status(str(exc))
            return
        self._status("parsing…")
        self.parse(text, list(self.reps))

    @work(thread=True, exclusive=True, group="parse")
    def parse(self, text: str, reps: list[str]) -> None:
        try:
            preview = views.preview_text(self.svc, text, reps=reps)
        except USER_ERRORS as exc:
            self.ui(self._parse_failed, exc)
            return
        self.ui(self._show, preview)

    @work(thread=True, exclusive=True, group="parse")
    def parse_file(self, path: str, reps: list[str]) -> None:
        try:
            preview = views.preview_file(self.svc, path, reps=reps)
        except USER_ERRORS as exc:
            self.ui(self._parse_failed, exc)
            return
        self.ui(self._show_file, preview)

    def _parse_failed(self, error: BaseException) -> None:
        self.preview = None
        self.fail(error)
        self._status("not parsed: fix the text (or the path) and press ctrl+l")

    def _show_file(self, preview: views.Preview) -> None:
        self._parsed = preview.document.text
        self.query_one(PasteArea).load_text(preview.document.text)
        self._show(preview)

    def _show(self, preview: views.Preview) -> None:
        self.preview = preview
        self.query_one("#preview", Static).update(preview_text(preview))
        speakers = self.query_one("#speakers", OptionList)
        speakers.clear_options()
        for name, role in preview.speakers:
            speakers.add_option(f"{name}: {role}")
        self._status(f"parsed: {len(preview.signals)} signals; ctrl+s saves to the lead")

    @on(OptionList.OptionSelected, "#speakers")
    def _toggle_rep(self, event: OptionList.OptionSelected) -> None:
        """Fix a speaker's role: make them our rep (or not) and parse again."""
        if self.preview is None:
            return
        name = self.preview.speakers[event.option_index][0]
        if name in self.reps:
            self.reps.remove(name)
        else:
            self.reps.append(name)
        self.action_parse()

    @on(Input.Submitted, "#ingest-file")
    def _open_file(self, event: Input.Submitted) -> None:
        self._status("reading file…")
        self.parse_file(event.value, list(self.reps))

    def action_focus_file(self) -> None:
        self.query_one("#ingest-file", Input).focus()

    # -- saving ------------------------------------------------------------------------------
    def action_save(self) -> None:
        lead = self.query_one("#ingest-lead", Select).value
        if self.preview is None:
            self.fail("nothing parsed yet: paste some text (or open a file) first")
            return
        preview = self.preview
        if not isinstance(lead, str):

            def create(name: str | None) -> None:
                if name and name.strip():
                    self._status("saving…")
                    self.save(None, preview, new_lead=name)
                else:
                    self._status("not saved: choose a lead (top left) or name a new one")

            self.app.push_screen(NewLeadDialog(), create)
            return
        self._status("saving…")
        self.save(lead, preview)

    @work(thread=True, exclusive=True, group="save")
    def save(
        self, lead_id: str | None, preview: views.Preview, new_lead: str | None = None
    ) -> None:
        try:
            if new_lead is not None:
                lead_id = views.ensure_lead(self.svc, new_lead, owner=self.qapp.user,
                                            actor=self.qapp.user)
            assert lead_id is not None
            result = views.save_preview(self.svc, lead_id, preview, actor=self.qapp.user)
        except USER_ERRORS as exc:
            self.ui(self._save_failed, exc)
            return
        self.ui(self._saved, lead_id, result)

    def _save_failed(self, error: BaseException) -> None:
        self.fail(error)
        self._status("not saved; your text is still here, try ctrl+s again")

    def _saved(self, lead_id: str, result) -> None:  # noqa: ANN001 - IngestResult
        self.qapp.mark_dirty(lead_id)
        select = self.query_one("#ingest-lead", Select)
        known = [lead.id for lead in self._leads()]
        if lead_id in known and select.value != lead_id:
            select.set_options([(i, i) for i in known])
            select.value = lead_id
            if lead_id not in self.qapp.lead_ids:
                self.qapp.lead_ids = known
        if result.created:
            message = f"saved to {lead_id}: document {result.document_id}, {result.signals} signals"
        else:
            message = f"already stored on {lead_id} (same text); nothing changed"
        self.app.notify(message, title="saved")
        self._status(message)

    def _status(self, text: str) -> None:
        self.query_one("#ingest-status", Static).update(text)
