"""The Textual app: screens on a stack, global keys, the command palette, dark/light themes.

`make_app(service)` is the one factory the console script and the tests use.
"""

from __future__ import annotations

import getpass
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding

from assistant.service import Service
from tui.commands import QualifyCommands
from tui.screens.audit import AuditScreen
from tui.screens.discovery import DiscoveryScreen
from tui.screens.help import HelpScreen, TooSmallScreen, as_bindings
from tui.screens.ingest import IngestScreen
from tui.screens.lead import LeadScreen
from tui.screens.pipeline import PipelineScreen

MIN_WIDTH, MIN_HEIGHT = 80, 24
DARK, LIGHT = "textual-dark", "textual-light"


class QualifyApp(App[None]):
    """qualify in the terminal. Screens read and act through `assistant.views` and the Service."""

    CSS_PATH = "app.tcss"
    TITLE = "qualify"
    COMMANDS = App.COMMANDS | {QualifyCommands}
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("f1", "help", "Help"),
        Binding("f2", "pipeline", "Pipeline", show=False),
        Binding("ctrl+n", "ingest", "Paste"),
        Binding("f4", "audit", "Audit"),
        Binding("f5", "discovery", "Discovery", show=False),
        Binding("ctrl+t", "toggle_dark", "Theme"),
        Binding("ctrl+p", "command_palette", "Commands", show=False),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, service: Service, *, user: str | None = None, theme: str = DARK) -> None:
        super().__init__()
        self.service = service
        self.user = user or _login_name()
        self.lead_ids: list[str] = []
        self.dirty: set[str] = set()
        self.theme = theme

    def on_mount(self) -> None:
        self.push_screen(PipelineScreen())
        self._check_size(self.size.width, self.size.height)
        if self.service.settings.use_model:
            # model imports take ~3 s: do them while the rep reads the pipeline
            self.run_worker(self.service.warm_up, thread=True, group="warm-up", exit_on_error=False)

    # -- shared state ------------------------------------------------------------------------
    def mark_dirty(self, lead_id: str) -> None:
        """A lead changed (ingest, review, answer): screens showing it reload on return."""
        self.dirty.add(lead_id)

    def take_dirty(self) -> list[str]:
        found, self.dirty = sorted(self.dirty), set()
        return found

    def current_lead(self) -> str | None:
        """The lead of the topmost screen that has one (for discovery and the palette)."""
        for screen in reversed(self.screen_stack):
            lead = getattr(screen, "lead_id", None)
            if lead:
                return lead
        return None

    # -- navigation --------------------------------------------------------------------------
    def open_lead(self, lead_id: str) -> None:
        self.push_screen(LeadScreen(lead_id))

    def open_discovery(self, lead_id: str) -> None:
        self.push_screen(DiscoveryScreen(lead_id))

    def open_ingest(self, lead_id: str | None = None) -> None:
        self.push_screen(IngestScreen(lead_id))

    def open_audit(self, lead_id: str | None = None) -> None:
        self.push_screen(AuditScreen(lead_id))

    def action_pipeline(self) -> None:
        while len(self.screen_stack) > 2 and not isinstance(self.screen, PipelineScreen):
            self.pop_screen()

    def action_ingest(self) -> None:
        self.open_ingest(self.current_lead())

    def action_audit(self) -> None:
        self.open_audit(None)

    def action_discovery(self) -> None:
        lead = self.current_lead()
        if lead is None:
            self.notify("open a lead first (enter on the pipeline), then f5", severity="warning")
            return
        self.open_discovery(lead)

    def action_toggle_dark(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        sections = [("Everywhere", as_bindings(list(self.BINDINGS)))]
        for title, cls in (
            ("Pipeline", PipelineScreen),
            ("Lead", LeadScreen),
            ("Paste / ingest", IngestScreen),
            ("Discovery", DiscoveryScreen),
            ("Audit", AuditScreen),
        ):
            sections.append((title, as_bindings(list(cls.BINDINGS))))
        from tui.widgets.lead_table import LeadTable

        sections[1][1].extend(b for b in as_bindings(list(LeadTable.BINDINGS)) if b.show)
        self.push_screen(HelpScreen(sections))

    # -- small terminals ---------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen(width, height))
        elif not small and showing:
            self.pop_screen()


def _login_name() -> str:
    try:
        return getpass.getuser() or "manager"
    except (OSError, KeyError):
        return "manager"


def make_app(service: Service, *, user: str | None = None, theme: str = DARK) -> QualifyApp:
    """Build the app on a service (the CLI passes its own; tests pass one on a temp DB)."""
    return QualifyApp(service, user=user, theme=theme)
