"""Small modal dialogs that return a value."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label


class ReviewDialog(ModalScreen[tuple[str, str] | None]):
    """Asks why (and, for an edit, the corrected value); returns (reason, value) or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, action: str, summary: str) -> None:
        super().__init__()
        self.action_name = action
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="review-dialog"):
            yield Label(f"{self.action_name}: {self.summary}", id="review-title")
            yield Input(placeholder="reason (why?)", id="review-reason")
            if self.action_name == "edit":
                yield Input(placeholder="corrected value", id="review-value")
            with Horizontal(id="review-buttons"):
                yield Button(self.action_name.capitalize(), variant="primary", id="review-ok")
                yield Button("Cancel", id="review-cancel")

    def on_mount(self) -> None:
        self.query_one("#review-reason", Input).focus()

    def _result(self) -> tuple[str, str]:
        reason = self.query_one("#review-reason", Input).value
        values = self.query("#review-value")
        value = values.first(Input).value if values else ""
        return reason, value

    @on(Button.Pressed, "#review-ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        self.dismiss(self._result())

    @on(Button.Pressed, "#review-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class NewLeadDialog(ModalScreen[str | None]):
    """Asks for the name of a new lead (the company); returns it, or None to go back."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="review-dialog"):
            yield Label("No lead chosen: save to a new lead called…", id="review-title")
            yield Input(placeholder="company or lead name, e.g. Acme Logistics", id="new-lead")
            with Horizontal(id="review-buttons"):
                yield Button("Create and save", variant="primary", id="new-lead-ok")
                yield Button("Cancel", id="new-lead-cancel")

    def on_mount(self) -> None:
        self.query_one("#new-lead", Input).focus()

    @on(Button.Pressed, "#new-lead-ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        self.dismiss(self.query_one("#new-lead", Input).value)

    @on(Button.Pressed, "#new-lead-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
