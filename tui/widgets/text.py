"""Pure rendering helpers (rich Text), kept apart from widgets so tests can check them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text

SPARK = "▁▂▃▄▅▆▇█"
DIMENSION_STYLES: dict[str, str] = {
    "budget": "black on green",
    "authority": "black on magenta",
    "timeline": "black on cyan",
    "security": "white on red",
    "stakeholder": "black on yellow",
    "need": "white on blue",
    "competition": "black on bright_red",
    "next_step": "black on bright_green",
}
FOCUS_STYLE = "bold reverse"


def sparkline(values: Sequence[int], width: int = 6) -> str:
    """Score history (0..100) as block characters, newest on the right."""
    if not values:
        return ""
    tail = list(values)[-width:]
    return "".join(SPARK[min(len(SPARK) - 1, max(0, int(v) * len(SPARK) // 101))] for v in tail)


def bar(points: int, most: int, width: int) -> str:
    """A horizontal bar: filled share of `most`, clipped to the width."""
    if width <= 0:
        return ""
    share = 0.0 if most <= 0 else max(0.0, min(1.0, points / most))
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled)


def highlight(
    text: str,
    spans: Iterable[tuple[int, int, str]],
    focus: tuple[int, int] | None = None,
) -> Text:
    """The document with each signal's span coloured by dimension; `focus` stands out most."""
    out = Text(text)
    for start, end, dimension in spans:
        if 0 <= start < end <= len(text):
            out.stylize(DIMENSION_STYLES.get(dimension, "reverse"), start, end)
    if focus and 0 <= focus[0] < focus[1] <= len(text):
        out.stylize(FOCUS_STYLE, focus[0], focus[1])
    return out


def legend() -> Text:
    """One line naming the colour of every dimension."""
    out = Text()
    for name, style in DIMENSION_STYLES.items():
        out.append(f" {name} ", style=style)
        out.append(" ")
    return out
