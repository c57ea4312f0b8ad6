"""The score gauge: the total as a wide bar and one bar per scoring part."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from assistant.views import DimensionBar
from tui.widgets.text import bar


def gauge_text(total: int, stage: str, bars: Sequence[DimensionBar], width: int) -> Text:
    """Rich text for the gauge at a given width (label 12, numbers 7, the rest is bar)."""
    bar_width = max(4, width - 21)
    out = Text()
    out.append(f"{'score':<12}", style="bold")
    out.append(bar(total, 100, bar_width), style="bold green" if total >= 50 else "bold yellow")
    out.append(f" {total:>3}/100\n", style="bold")
    for item in bars:
        out.append(f"{item.name:<12}")
        out.append(bar(item.points, item.most, bar_width), style="cyan")
        out.append(f" {item.points:>3}/{item.most:<3}\n")
    out.append(f"{'stage':<12}", style="bold")
    out.append(stage)
    return out


class ScoreGauge(Static):
    """Shows a lead's score; call `show_score` when the score arrives."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__("", id=id)
        self._data: tuple[int, str, tuple[DimensionBar, ...]] | None = None

    def show_score(self, total: int, stage: str, bars: Sequence[DimensionBar]) -> None:
        self._data = (total, stage, tuple(bars))
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        if self._data is None:
            return
        total, stage, bars = self._data
        width = self.content_region.width or self.size.width or 60
        self.update(gauge_text(total, stage, bars, width))
