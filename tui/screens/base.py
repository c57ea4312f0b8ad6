"""What every screen shares: the service, error notifications, thread-safe UI calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from tui.errors import one_line

if TYPE_CHECKING:
    from assistant.service import Service
    from tui.app import QualifyApp


class QualifyScreen(Screen):
    """A screen of the qualify app: `svc` is the service, `fail` reports a user error."""

    @property
    def qapp(self) -> QualifyApp:
        return self.app  # type: ignore[return-value]

    @property
    def svc(self) -> Service:
        return self.qapp.service

    def fail(self, error: BaseException | str) -> None:
        """Show a one-line error; nothing typed on the screen is lost."""
        message = error if isinstance(error, str) else one_line(error)
        self.app.notify(message, title="error", severity="error", timeout=8)

    def ui(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run `fn` on the UI thread from a worker thread."""
        self.app.call_from_thread(fn, *args)
