"""Command palette (ctrl+p): every action of the app, plus "open lead ..." for each lead."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.app import QualifyApp

MAX_LEAD_HITS = 50


class QualifyCommands(Provider):
    """Screens, theme, help, and every lead by id."""

    @property
    def qapp(self) -> QualifyApp:
        return self.app  # type: ignore[return-value]

    def _actions(self) -> list[tuple[str, str, object]]:
        app = self.qapp
        lead = app.current_lead()
        actions: list[tuple[str, str, object]] = [
            ("Pipeline", "all leads, sortable and filterable", app.action_pipeline),
            ("Paste / ingest", "paste a transcript, chat or email", app.action_ingest),
            ("Audit", "confirm, reject or edit evidence", app.action_audit),
            ("Help", "all key bindings", app.action_help),
            ("Toggle dark / light", "switch the theme", app.action_toggle_dark),
            ("Quit", "leave qualify", app.action_quit),
        ]
        if lead:
            actions.insert(1, (f"Discovery: {lead}", "next question for this lead",
                               partial(app.open_discovery, lead)))
        return actions

    async def discover(self) -> Hits:
        for name, help_text, callback in self._actions():
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)  # type: ignore[arg-type]
        if not query.strip():
            return
        found = 0
        for lead_id in self.qapp.lead_ids:
            score = matcher.match(f"open lead {lead_id}")
            if score > 0:
                yield Hit(score, matcher.highlight(f"open lead {lead_id}"),
                          partial(self.qapp.open_lead, lead_id), help="lead page")
                found += 1
                if found >= MAX_LEAD_HITS:
                    return
