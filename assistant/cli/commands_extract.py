"""`qualify extract`, `qualify explain`, `qualify eval`: signals and how good they are."""

from __future__ import annotations

import datetime as dt
import sys

import typer
from rich.text import Text

from assistant.cli import state
from assistant.cli.output import console, fail, note, print_json


def _read_one(path: str) -> tuple[str, bytes | None]:
    if path == "-":
        return "<stdin>", sys.stdin.buffer.read()
    return path, None


def extract(
    path: str = typer.Argument(..., help="A transcript, chat, email or notes file, or - (stdin)."),
    kind: str = typer.Option(None, "--kind", help="Force call|chat|email|notes."),
    rep: list[str] = typer.Option([], "--rep", help="A speaker on our side (repeatable)."),
    date: str = typer.Option(None, "--date", help="Conversation date YYYY-MM-DD."),
    max_bytes: int = typer.Option(None, "--max-bytes"),
    as_json: bool = typer.Option(False, "--json", help="The stable JSON schema (see README)."),
) -> None:
    """Extract qualification signals from one document without storing anything."""
    from assistant.cli.tables import signal_table

    svc = state.service()
    when = None
    if date:
        try:
            when = dt.date.fromisoformat(date)
        except ValueError:
            fail(f"--date {date!r} is not a date; use YYYY-MM-DD")
    source, data = _read_one(path)
    document = svc.parse(source, data, kind=kind, reps=rep, date=when, max_bytes=max_bytes)
    signals = svc.extract(document)
    sentiment = svc.sentiment_summary(document)
    if svc.model_note:
        note(f"[yellow]{svc.model_note}[/]")
    if as_json:
        payload = {
            "document": {
                "kind": document.kind,
                "date": document.date.isoformat() if document.date else None,
                "participants": [p.model_dump(mode="json") for p in document.participants],
            },
            "signals": [s.to_public_json() for s in signals],
        }
        if sentiment is not None:
            payload["sentiment"] = sentiment
        print_json(payload)
        return
    roles = document.meta.get("roles", {})
    who = ", ".join(
        f"{name} ({info.get('role')}: {info.get('source')})" for name, info in roles.items()
    )
    note(
        f"{document.kind} · {document.date or 'no date'} · {len(document.utterances)} utterances"
        + (f" · speakers: {who}" if who else "")
    )
    if not signals:
        note("no qualification signals found in this document")
    else:
        console.print(signal_table([(None, s) for s in signals], title=f"Signals: {source}"))
    if sentiment:
        for speaker, info in sentiment.get("speakers", {}).items():
            note(f"sentiment {speaker}: {info['label']} ({info['score']:+.2f}, {info['n']} turns)")


def explain(signal_id: int) -> None:
    """Show a stored signal's quote in context, with the rules and modifiers that fired."""
    svc = state.service()
    stored = svc.store.get_signal(signal_id)
    if stored is None:
        fail(f"unknown signal {signal_id}: `qualify signals LEAD` lists ids")
    doc = svc.store.get_document(stored.document_id)
    sig = stored.signal
    ev = sig.evidence
    text = doc.document.text
    lo, hi = max(0, ev.start - 240), min(len(text), ev.end + 240)
    snippet = Text("…" if lo else "")
    snippet.append(text[lo : ev.start])
    snippet.append(text[ev.start : ev.end], style="bold black on yellow")
    snippet.append(text[ev.end : hi])
    snippet.append("…" if hi < len(text) else "")
    console.print(
        f"signal {stored.id}: {sig.dimension}/{sig.type} {sig.polarity} "
        f"confidence {sig.confidence:.2f} value {sig.value!r}",
        highlight=False,
    )
    console.print(
        f"document {stored.document_id} ({doc.document.kind}, {doc.document.source}) "
        f"chars {ev.start}-{ev.end}, said by {ev.speaker or '-'} ({ev.role})",
        highlight=False,
    )
    console.print(snippet)
    console.print(f"extractor: {ev.extractor}@{ev.extractor_version}", highlight=False)
    for reason in ev.reasons:
        console.print(f"  rule/reason: {reason}", highlight=False)
    console.print(f"  modifiers: {', '.join(sig.modifiers) or 'none'}", highlight=False)
    for review in svc.store.reviews_for_lead(stored.lead_id):
        if review.signal_id == stored.id:
            console.print(
                f"  review: {review.action} by {review.by} at {review.at:%Y-%m-%d %H:%M}"
                f" ({review.reason})",
                highlight=False,
            )


def eval_command(
    split: str = typer.Option("test", "--split", help="dev, test or all."),
    show_errors: bool = typer.Option(False, "--errors", help="List false positives/negatives."),
    as_json: bool = typer.Option(False, "--json"),
    ablation: bool = typer.Option(
        True, "--ablation/--rules-only",
        help="Also run rules + model and show the recall the model adds (needs the model).",
    ),
) -> None:
    """Precision, recall and F1 per dimension on the labeled corpus, against a keyword baseline,
    with the rules-vs-model ablation."""
    from assistant.evaluation import EvalError, evaluate, format_report

    if split not in {"dev", "test", "all"}:
        fail(f"--split {split!r}: use dev, test or all")
    try:
        report = evaluate(split, with_model=ablation and state.settings().use_model)
    except EvalError as exc:
        fail(str(exc))
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    console.print(format_report(report, show_errors=show_errors))


def register(app: typer.Typer) -> None:
    app.command()(extract)
    app.command()(explain)
    app.command("eval")(eval_command)
