"""Help: every key binding of the app and of each screen, generated from the bindings."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def bindings_text(sections: list[tuple[str, list[Binding]]]) -> Text:
    """One block per screen: key, then what it does."""
    out = Text()
    for title, bindings in sections:
        out.append(f"{title}\n", style="bold underline")
        for b in bindings:
            if not b.description:
                continue
            out.append(f"  {b.key:<12}", style="bold")
            out.append(f"{b.description}\n")
        out.append("\n")
    return out


def as_bindings(items: list) -> list[Binding]:
    return [b if isinstance(b, Binding) else Binding(*b) for b in items]


class HelpScreen(ModalScreen[None]):
    """Lists the keys; escape, q or f1 closes it."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("f1", "dismiss", "Close", show=False),
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("qualify: keys\n", style="bold") + bindings_text(self.sections),
                         id="help-text")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)


class TooSmallScreen(ModalScreen[None]):
    """Covers the app while the terminal is under 80x24; goes away when it is big enough."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self.message = (
            f"The terminal is {width}x{height}; qualify needs at least 80x24.\n"
            "Enlarge the window: nothing is lost, your screens are waiting underneath."
        )

    def compose(self) -> ComposeResult:
        yield Static(self.message, id="too-small")
