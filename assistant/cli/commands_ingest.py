"""`qualify ingest` and `qualify demo`: getting conversations in."""

from __future__ import annotations

import datetime as dt

import typer

from assistant.cli import state
from assistant.cli.inputs import expand_paths, read_inputs
from assistant.cli.output import console, fail, note, print_json


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--date {value!r} is not a date; use YYYY-MM-DD")
    return None


def ingest(
    paths: list[str] = typer.Argument(..., help="Files, directories, or - for stdin."),
    lead: str = typer.Option(..., "--lead", "-l", help="Lead id the documents belong to."),
    kind: str = typer.Option(None, "--kind", help="Force call|chat|email|notes."),
    rep: list[str] = typer.Option([], "--rep", help="A speaker on our side (repeatable)."),
    date: str = typer.Option(None, "--date", help="Conversation date YYYY-MM-DD."),
    max_bytes: int = typer.Option(None, "--max-bytes", help="Refuse files larger than this."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable result."),
) -> None:
    """Parse, extract and store documents for a lead (re-ingesting is a no-op)."""
    from rich.progress import Progress

    svc = state.service()
    svc.require_lead(lead)
    files = expand_paths(paths)
    when = _parse_date(date)
    with Progress(console=console, transient=True, disable=as_json or len(files) < 2) as bar:
        task = bar.add_task("ingesting", total=len(files))
        results = svc.ingest_sources(
            read_inputs(files),
            lead,
            kind=kind,
            reps=rep,
            date=when,
            max_bytes=max_bytes,
            on_done=lambda _r: bar.advance(task),
        )
    if svc.model_note:
        note(f"[yellow]{svc.model_note}[/]")
    if as_json:
        print_json([r.model_dump() for r in results])
    else:
        for r in results:
            if r.error:
                note(f"[red]refused[/] {r.error}")
            elif r.created:
                console.print(
                    f"stored {r.source} as document {r.document_id} "
                    f"({r.kind}, {r.signals} signals)",
                    highlight=False,
                )
            else:
                console.print(
                    f"already stored: {r.source} is document {r.document_id} (nothing changed)",
                    highlight=False,
                )
    if any(r.error for r in results):
        raise typer.Exit(1)


def demo(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable pipeline."),
) -> None:
    """Load the bundled demo leads and conversations, extract, score, print the pipeline."""
    from assistant.cli.tables import pipeline_table

    svc = state.service()
    results = svc.load_demo()
    bad = [r for r in results if r.error]
    for r in bad:
        note(f"[red]refused[/] {r.error}")
    rows = svc.pipeline()
    if as_json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    stored = sum(1 for r in results if r.created)
    note(
        f"demo: {len(results)} documents ({stored} new) in {svc.settings.db}; "
        f"{sum(r.signals for r in results)} signals extracted"
    )
    console.print(pipeline_table(rows))
    note("next: `qualify score LEAD`, `qualify signals LEAD`, or `qualify` for the terminal UI")


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(demo)
