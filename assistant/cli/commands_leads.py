"""`qualify leads`, `qualify lead add|import|show|delete`, `qualify search`, `qualify signals`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from assistant.cli import state
from assistant.cli.output import console, fail, note, print_json

lead_app = typer.Typer(help="Add, import, show and delete leads.", no_args_is_help=True)


def leads(as_json: bool = typer.Option(False, "--json")) -> None:
    """The pipeline: every lead with score, stage, route and next action."""
    from assistant.cli.tables import pipeline_table

    rows = state.service().pipeline()
    if as_json:
        print_json([r.model_dump(mode="json") for r in rows])
    elif not rows:
        note("no leads yet: `qualify demo` loads sample data, `qualify lead add` adds one")
    else:
        console.print(pipeline_table(rows))


@lead_app.command("add")
def lead_add(
    lead_id: str = typer.Argument(..., help="Slug id, e.g. acme-logistics."),
    name: str = typer.Option(None, "--name"),
    company: str = typer.Option(None, "--company"),
    employees: int = typer.Option(None, "--employees", min=0),
    revenue: float = typer.Option(None, "--revenue", min=0),
    potential_arr: float = typer.Option(None, "--potential-arr", min=0),
    industry: str = typer.Option(None, "--industry"),
    owner: str = typer.Option(None, "--owner"),
    segment: str = typer.Option(None, "--segment", help="enterprise|mid_market|smb override."),
) -> None:
    """Add one lead."""
    from pydantic import ValidationError

    from assistant.store import LeadRow

    try:
        lead = LeadRow(
            id=lead_id,
            name=name or lead_id,
            company=company,
            employees=employees,
            revenue=revenue,
            potential_arr=potential_arr,
            industry=industry,
            owner=owner,
            segment=segment,
        )
    except ValidationError as exc:
        fail("; ".join(e["msg"] for e in exc.errors()))
    state.service().add_lead(lead)
    console.print(f"added lead {lead_id}", highlight=False)


@lead_app.command("import")
def lead_import(
    csv_path: Path = typer.Argument(..., help="CSV with columns id,name[,company,...]."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Import the good rows only."),
) -> None:
    """Import leads from a CSV; bad rows are reported by line number."""
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{csv_path}: cannot read: {exc}")
    added, existing, problems = state.service().import_leads(text, skip_bad=skip_bad)
    for p in problems:
        note(f"[red]line {p.line}[/]: {p.reason}")
    if problems and not skip_bad:
        fail(f"{len(problems)} bad row(s); nothing imported (fix them or use --skip-bad)")
    console.print(
        f"imported {len(added)} lead(s); {len(existing)} already present (left unchanged)"
        + (f"; skipped {len(problems)} bad row(s)" if problems else ""),
        highlight=False,
    )


@lead_app.command("show")
def lead_show(lead_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """One lead: facts, score, documents and stakeholders."""
    svc = state.service()
    lead = svc.require_lead(lead_id)
    score = svc.score(lead_id)
    docs = svc.store.documents_for_lead(lead_id)
    people = svc.store.stakeholders(lead_id)
    mood = svc.lead_sentiment(lead_id)
    sentiments = {
        t["document_id"]: f"{t['label']} {t['score']:+.2f}" for t in (mood or {}).get("touches", [])
    }
    if as_json:
        print_json(
            {
                "lead": lead.model_dump(mode="json"),
                "score": score.to_public_json(),
                "documents": [
                    {
                        "id": d.id,
                        "kind": d.document.kind,
                        "source": d.document.source,
                        "date": d.document.date.isoformat() if d.document.date else None,
                        "sentiment": sentiments.get(d.id),
                    }
                    for d in docs
                ],
                "stakeholders": [p.model_dump(mode="json", exclude={"mentions"}) for p in people],
                "sentiment": mood,
            }
        )
        return
    console.print(
        f"[bold]{lead.name}[/] ({lead.id})  owner {lead.owner or '-'}  segment {score.segment}"
        f"  employees {lead.employees or '-'}"
    )
    console.print(
        f"score [bold]{score.total}[/]  stage {score.stage}  route {score.route}"
        f"  next: {score.next_action}"
    )
    table = Table(title="Touches")
    for col in ("doc", "date", "kind", "source", "sentiment"):
        table.add_column(col)
    for d in docs:
        table.add_row(
            str(d.id),
            d.document.date.isoformat() if d.document.date else "",
            d.document.kind,
            Path(d.document.source).name,
            sentiments.get(d.id) or "",
        )
    console.print(table)
    if mood and mood.get("trend") is not None:
        word = "warming" if mood["trend"] > 0.1 else "cooling" if mood["trend"] < -0.1 else "flat"
        console.print(f"sentiment trend across touches: {word} ({mood['trend']:+.2f})")
    if people:
        ptable = Table(title="Stakeholders")
        for col in ("name", "title", "buying role", "stance (mood)", "present"):
            ptable.add_column(col, overflow="fold")
        person_mood = (mood or {}).get("stakeholders", {})
        for p in people:
            ptable.add_row(
                p.name,
                p.title or "",
                p.buying_role or "",
                (p.stance or "")
                + (f" ({person_mood[p.name]:+.2f})" if p.name in person_mood else ""),
                "yes" if p.present else "",
            )
        console.print(ptable)


@lead_app.command("delete")
def lead_delete(
    lead_id: str,
    purge: bool = typer.Option(False, "--purge", help="Also delete its documents and signals."),
) -> None:
    """Delete a lead (with --purge, its documents and signals too); an event records it."""
    svc = state.service()
    svc.require_lead(lead_id)
    counts = svc.store.delete_lead(lead_id, purge=purge, actor="cli")
    console.print(f"deleted lead {lead_id}: {counts}", highlight=False)


def search(
    text: str = typer.Argument(..., help="Words to find in stored conversations."),
    lead: str = typer.Option(None, "--lead"),
    limit: int = typer.Option(20, "--limit", min=1),
    semantic: bool = typer.Option(False, "--semantic", help="Search by meaning (embeddings)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Full-text (or --semantic) search over stored documents."""
    svc = state.service()
    if lead:
        svc.require_lead(lead)
    if semantic:
        hits = svc.semantic_search(text, lead_id=lead, limit=limit)
        if as_json:
            print_json(hits)
            return
        table = Table(title=f"semantic: {text}")
        for col in ("score", "lead", "doc", "speaker", "text"):
            table.add_column(col)
        for h in hits:
            table.add_row(
                f"{h['score']:.2f}",
                h["lead_id"],
                str(h["document_id"]),
                h["speaker"] or "",
                h["text"],
            )
        console.print(table)
        return
    results = svc.store.search(text, lead_id=lead, limit=limit)
    if as_json:
        print_json([h.model_dump(mode="json") for h in results])
        return
    if not results:
        note(f"no matches for {text!r}")
        return
    table = Table(title=f"search: {text}")
    for col in ("lead", "doc", "speaker", "snippet"):
        table.add_column(col)
    for h in results:
        snippet = h.snippet.replace("«", "[bold yellow]").replace("»", "[/]")
        table.add_row(h.lead_id, str(h.document_id), h.speaker or "", snippet)
    console.print(table)


def signals(
    lead_id: str,
    dimension: str = typer.Option(None, "--dimension"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Stored signals of a lead, with their evidence."""
    from assistant.cli.tables import signal_table

    stored = state.service().signals(lead_id)
    if dimension:
        stored = [s for s in stored if s.signal.dimension == dimension]
    if as_json:
        print_json(
            [
                {"id": s.id, "document_id": s.document_id, **s.signal.to_public_json()}
                for s in stored
            ]
        )
        return
    if not stored:
        note(f"no signals stored for {lead_id}")
        return
    console.print(signal_table([(s.id, s.signal) for s in stored], title=f"Signals: {lead_id}"))


def register(app: typer.Typer) -> None:
    app.command()(leads)
    app.add_typer(lead_app, name="lead")
    app.command()(search)
    app.command()(signals)
