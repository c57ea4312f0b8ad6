"""Rich tables shared by several commands."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from assistant.service import LeadSummary

SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """Score trend as a tiny bar chart (0..100 mapped onto eight levels)."""
    return "".join(SPARK[min(7, max(0, v * 8 // 101))] for v in values)


def pipeline_table(rows: Sequence[LeadSummary]) -> Table:
    table = Table(title="Pipeline", show_lines=False)
    for col, justify in (
        ("lead", "left"),
        ("score", "right"),
        ("stage", "left"),
        ("segment", "left"),
        ("route", "left"),
        ("next action", "left"),
        ("owner", "left"),
        ("docs", "right"),
        ("signals", "right"),
        ("last touch", "left"),
        ("trend", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        table.add_row(
            r.id,
            str(r.total),
            r.stage,
            r.segment,
            r.route,
            r.next_action,
            r.owner or "",
            str(r.documents),
            str(r.signals),
            r.last_touch.isoformat() if r.last_touch else "",
            sparkline(r.trend),
        )
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
    """Signals with their evidence quote; `rows` are (id or None, Signal)."""
    with_ids = any(sid is not None for sid, _ in rows)
    table = Table(title=title, show_lines=False, expand=True)
    if with_ids:
        table.add_column("id", justify="right", no_wrap=True)
    table.add_column("signal", ratio=2, overflow="fold")
    table.add_column("value", ratio=2, overflow="fold")
    table.add_column("±", no_wrap=True)
    table.add_column("conf", no_wrap=True)
    table.add_column("who", ratio=1, overflow="fold")
    table.add_column("quote", ratio=4, overflow="fold")
    for sid, sig in rows:
        ev = sig.evidence  # type: ignore[attr-defined]
        pol = {"for": "[green]+[/]", "against": "[red]-[/]", "neutral": "~"}[sig.polarity]  # type: ignore[attr-defined]
        mods = f" [dim]({', '.join(sig.modifiers)})[/]" if sig.modifiers else ""  # type: ignore[attr-defined]
        cells = [
            f"{sig.dimension}/{sig.type}",  # type: ignore[attr-defined]
            format_value(sig.value),  # type: ignore[attr-defined]
            pol,
            f"{sig.confidence:.2f}",  # type: ignore[attr-defined]
            f"{ev.speaker or '-'} ({ev.role})",
            f"“{ev.quote}”{mods}",
        ]
        table.add_row(*([str(sid)] if with_ids else []), *cells)
    return table
