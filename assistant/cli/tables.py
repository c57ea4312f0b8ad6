"""Rich tables shared by several commands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from assistant.service import LeadSummary


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """Score trend as a tiny bar chart (0..100 mapped onto eight levels)."""
    return "".join(SPARK[min(7, max(0, v * 8 // 101))] for v in values)


SEGMENT_SHORT = {"enterprise": "ent", "mid_market": "mid", "smb": "smb"}


def pipeline_table(rows: Sequence[LeadSummary], width: int | None = None) -> Table:
    """The pipeline; under 110 columns a compact layout keeps every key figure readable."""
    from assistant.cli.output import console

    compact = (width or console.width) < 110
    table = Table(
        title="Pipeline", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True
    )
    table.add_column("lead", no_wrap=True, overflow="ellipsis", min_width=14, max_width=24)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("stage", no_wrap=True)
    table.add_column("seg" if compact else "segment", no_wrap=True)
    table.add_column("route", no_wrap=True)
    table.add_column(
        "next action", no_wrap=True, overflow="ellipsis", max_width=16 if compact else 22
    )
    if not compact:
        table.add_column("owner", no_wrap=True, overflow="ellipsis")
    table.add_column("touch" if compact else "last touch", no_wrap=True)
    if not compact:
        table.add_column("trend", no_wrap=True)
    for r in rows:
        touch = r.last_touch.isoformat() if r.last_touch else ""
        cells = [
            r.id,
            str(r.total),
            r.stage,
            SEGMENT_SHORT.get(r.segment, r.segment) if compact else r.segment,
            r.route,
            r.next_action.replace("_", " "),
        ]
        if compact:
            cells.append(touch[5:])
        else:
            cells += [r.owner or "", touch, sparkline(r.trend)]
        table.add_row(*cells)
    return table


def format_value(value: object) -> str:
    """A signal value in a few words: amounts, dates, names."""
    if value is None:
        return ""
    if isinstance(value, dict):
        if "amount" in value:
            amount = value.get("amount")
            cur = value.get("currency") or ""
            per = value.get("period")
            top = f"-{value['max']:,}" if value.get("max") else ""
            return f"{cur} {amount:,}{top}{'/' + per if per and per != 'one_time' else ''}".strip()
        if "date" in value:
            if not value.get("date"):
                return str(value.get("phrase", ""))
            return f"{value.get('date')} ({value.get('phrase', '')})"
        return ", ".join(f"{v}" for v in value.values() if v)
    return str(value)


def signal_table(rows: Sequence[tuple[int | None, object]], title: str = "Signals") -> Table:
    """Signals with their evidence quote; `rows` are (id or None, Signal). The speaker's role
    is its colour (prospect green, rep dim, unknown yellow), so names never wrap."""
    with_ids = any(sid is not None for sid, _ in rows)
    table = Table(title=title, show_lines=False, expand=True,
                  caption="who: [green]prospect[/] · [dim]rep[/] · [yellow]unknown[/]")
    if with_ids:
        table.add_column("id", justify="right", no_wrap=True)
    table.add_column("signal", no_wrap=True, overflow="ellipsis", max_width=16)
    table.add_column("value", ratio=2, overflow="fold", min_width=10)
    table.add_column("±", no_wrap=True)
    table.add_column("conf", no_wrap=True)
    table.add_column("who", no_wrap=True, overflow="ellipsis", max_width=14)
    table.add_column("quote", ratio=5, overflow="fold")
    for sid, sig in rows:
        ev = sig.evidence  # type: ignore[attr-defined]
        pol = {"for": "[green]+[/]", "against": "[red]-[/]", "neutral": "~"}[sig.polarity]  # type: ignore[attr-defined]
        mods = f" [dim]({', '.join(sig.modifiers)})[/]" if sig.modifiers else ""  # type: ignore[attr-defined]
        style = {"prospect": "green", "rep": "dim"}.get(ev.role, "yellow")
        cells = [
            Text.assemble(
                (sig.dimension, "bold"), "\n", (sig.type.replace("_", " "), "dim")  # type: ignore[attr-defined]
            ),
            format_value(sig.value),  # type: ignore[attr-defined]
            pol,
            f"{sig.confidence:.2f}",  # type: ignore[attr-defined]
            Text(ev.speaker or "-", style=style),
            f"“{ev.quote}”{mods}",
        ]
        table.add_row(*([str(sid)] if with_ids else []), *cells)
    return table
