"""`qualify discover|questions|gaps|plan`: the discovery assistant on the command line."""

from __future__ import annotations

import sys
import threading

import typer

from assistant.cli import state
from assistant.cli.output import print_json

HELP_LINE = (
    "Type the answer (or paste the prospect's words), one per line. Empty line: skip. "
    ":q quits. :fact DIMENSION.TYPE[.VALUE] [text] records a manual fact."
)


def _echo(text: str = "") -> None:
    typer.echo(text)


def _read_line() -> str | None:
    """One answer from stdin (a prompt when a person types); None at end of input."""
    if sys.stdin.isatty():
        typer.echo("answer> ", nl=False)
    line = sys.stdin.readline()
    if not line:
        return None
    return line.rstrip("\r\n")


def _print_question(q) -> None:  # noqa: ANN001 - RankedQuestion
    _echo(f"\nQ [{q.question.id}]: {q.text}")
    _echo(f"   why: {q.why}")


def _parse_fact(line: str, last_text: str | None) -> tuple[str, str, str | None, str]:
    from assistant.discovery import DiscoveryError

    parts = line.split(maxsplit=2)
    if len(parts) < 2 or parts[1].count(".") < 1:
        raise DiscoveryError(
            "write :fact DIMENSION.TYPE[.VALUE] [text], e.g. :fact budget.status.approved"
        )
    bits = parts[1].split(".", 2)
    value = bits[2] if len(bits) == 3 else None
    text = parts[2] if len(parts) == 3 else (last_text or "")
    return bits[0], bits[1], value, text


def discover(
    lead_id: str = typer.Argument(..., help="Lead id."),
    framework: str = typer.Option(
        None, "--framework", help="Ask the letters of bant|meddicc|meddpicc|champ first."
    ),
    by: str = typer.Option("rep", "--by", help="Who is answering (the rep's name)."),
) -> None:
    """Ask the next question that matters most; each answer is stored, extracted and rescored.

    Works interactively and with piped answers (one per line; empty line skips; `:q` quits).
    """
    from assistant.discovery import DiscoveryError, DiscoverySession

    svc = state.service()
    session = DiscoverySession(svc, lead_id, framework=framework, by=by)
    if svc.settings.use_model:  # the model imports while the rep reads the first question
        threading.Thread(target=svc.warm_up, name="qualify-warm-up", daemon=True).start()
    start = session.score()
    _echo(f"{lead_id}: score {start.total}, stage {start.stage} ({start.segment})")
    if start.blocking_gate:
        gate = start.blocking_gate
        _echo(f"next gate {gate.stage} needs: {'; '.join(gate.missing)}")
    _echo(HELP_LINE)
    question = session.next_question()
    answered_docs: list[int] = []
    last_unmatched: str | None = None
    while question is not None:
        _print_question(question)
        line = _read_line()
        if line is None or line.strip() == ":q":
            break
        if not line.strip():
            session.skip(question)
            _echo("   skipped")
            question = session.next_question()
            continue
        try:
            if line.strip().startswith(":fact"):
                dim, type_, value, text = _parse_fact(line.strip(), last_unmatched)
                result = session.record_manual_fact(dim, type_, value, "for", text, by)
            else:
                result = session.answer(line, question)
        except DiscoveryError as exc:
            _echo(f"   error: {exc}")
            continue
        if result.document_id is not None:
            answered_docs.append(result.document_id)
        for s in result.signals:
            _echo(
                f"   + {s.dimension}: {s.type.replace('_', ' ')} "
                f"[{s.polarity}, confidence {s.confidence:.2f}] \"{s.quote}\""
            )
        _echo(f"   {result.message}")
        for text in result.cited:
            _echo(f"     {text}")
        last_unmatched = line if not result.signals else None
        question = result.next_question
        if result.follow_up:
            _echo("   (follow-up)")
    if question is None:
        _echo("\nnothing left to ask: every question in the bank is answered for this lead")
    end = session.score()
    _echo(
        f"\n{lead_id}: score {start.total} -> {end.total} ({end.total - start.total:+d}), "
        f"stage {start.stage} -> {end.stage}"
    )
    if answered_docs:
        facts, scored = svc.scoring_inputs(lead_id)
        from_answers = {s.signal_id for s in scored if s.document_id in set(answered_docs)}
        lines = [
            ln
            for ln in end.explanation
            if from_answers & set(ln.evidence) and " cap: " not in f" {ln.text}"
        ]
        if lines:
            _echo("from your answers:")
            for ln in lines:
                _echo(f"  {ln.text}")


def questions(
    lead_id: str = typer.Argument(..., help="Lead id."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    framework: str = typer.Option(
        None, "--framework", help="Show bant|meddicc|meddpicc|champ letters with a status."
    ),
    limit: int = typer.Option(10, "--limit", min=1, help="How many questions to show."),
) -> None:
    """The open discovery questions for a lead, ranked by what the answer would do."""
    from assistant.discovery import describe_letter, framework_letters, next_questions

    svc = state.service()
    if framework:
        views = framework_letters(svc, lead_id, framework)
        if as_json:
            print_json({"framework": framework.lower(), "letters": [
                v.to_public_json() for v in views
            ]})
            return
        for v in views:
            _echo(describe_letter(v))
            if v.question is not None:
                _echo(f"   ask: {v.question.text}  ({v.question.why})")
        return
    ranked = next_questions(svc, lead_id, limit=limit)
    if as_json:
        print_json([r.to_public_json() for r in ranked])
        return
    if not ranked:
        _echo(f"no open questions for {lead_id}: everything the bank asks is known")
        return
    for i, r in enumerate(ranked, start=1):
        _echo(f"{i:>2}. [{r.question.id}] {r.text}")
        _echo(f"    {r.why}")


def gaps(
    lead_id: str = typer.Argument(..., help="Lead id."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """What is missing per dimension, and which stage gate it blocks."""
    from assistant.discovery import gaps as find_gaps

    svc = state.service()
    found = find_gaps(svc, lead_id)
    if as_json:
        print_json([g.to_public_json() for g in found])
        return
    for g in found:
        status = "known" if g.known and not g.blocks else ("partial" if g.known else "missing")
        _echo(f"{g.dimension:<12} {status}")
        for k in g.known:
            _echo(f"    have: {k}")
        for b in g.blocks:
            _echo(f"    need: {b}")
        if g.question is not None and (g.blocks or not g.known):
            _echo(f"    ask:  {g.question.text}")


def plan(
    lead_id: str = typer.Argument(..., help="Lead id."),
    count: int = typer.Option(5, "--questions", min=1, help="How many questions to plan."),
) -> None:
    """A one-page plan for the next call: known, missing, questions, people to bring in."""
    from assistant.discovery import call_plan

    _echo(call_plan(state.service(), lead_id, questions=count).to_text())


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("discover")(discover)
    app.command("questions")(questions)
    app.command("gaps")(gaps)
    app.command("plan")(plan)
