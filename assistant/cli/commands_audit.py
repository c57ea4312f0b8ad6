"""Audit and governance commands: review, override, audit verify|log|seal, report, reextract,
train, crm export, backup, export and import."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from assistant.cli import state
from assistant.cli.output import console, fail, note, print_json

audit_app = typer.Typer(help="Verify and list the tamper-evident event log.", no_args_is_help=True)
crm_app = typer.Typer(help="Hand qualification fields to a CRM.", no_args_is_help=True)


def _x(value: object) -> str:
    """User and document text, printed literally (brackets are not markup)."""
    return escape(str(value))


def _leads(lead_id: str | None, all_leads: bool) -> list[str]:
    if all_leads == bool(lead_id):
        fail("give one LEAD id or --all")
    svc = state.service()
    if all_leads:
        ids = [lead.id for lead in svc.store.list_leads()]
        if not ids:
            fail("no leads yet: `qualify demo` or `qualify lead add` adds some")
        return ids
    svc.require_lead(lead_id or "")
    return [lead_id or ""]


def review(
    signal_id: int = typer.Argument(..., help="Signal id (see `qualify signals LEAD`)."),
    confirm: bool = typer.Option(False, "--confirm", help="The evidence is right."),
    reject: bool = typer.Option(False, "--reject", help="The evidence is wrong: counts zero."),
    edit: str = typer.Option(None, "--edit", help="Corrected value (text or a JSON object)."),
    reason: str = typer.Option(None, "--reason", help="Why (kept in the audit log)."),
    by: str = typer.Option(None, "--by", help="Who decides (kept in the audit log)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Confirm, reject or edit one signal; the review sits beside it and scoring reads it."""
    from assistant.audit.reviews import review_signal

    chosen = [name for name, on in (("confirm", confirm), ("reject", reject)) if on]
    if edit is not None:
        chosen.append("edit")
    if len(chosen) != 1:
        fail("choose exactly one of --confirm, --reject or --edit VALUE")
    outcome = review_signal(state.service(), signal_id, chosen[0], reason=reason, by=by, value=edit)
    if as_json:
        print_json(
            {
                "review": outcome.review.model_dump(mode="json"),
                "lead": outcome.signal.lead_id,
                "total_before": outcome.total_before,
                "total_after": outcome.total_after,
                "stage_before": outcome.stage_before,
                "stage_after": outcome.stage_after,
                "explanation": outcome.lines,
            }
        )
        return
    r, sig = outcome.review, outcome.signal.signal
    console.print(
        f"review {r.id}: signal {r.signal_id} ({sig.dimension}/{sig.type}, "
        f"\u201c{sig.evidence.quote}\u201d) {r.action}ed by {r.by}: {r.reason}",
        highlight=False,
        markup=False,
    )
    delta = outcome.total_after - outcome.total_before
    console.print(
        f"{outcome.signal.lead_id}: score {outcome.total_before} -> {outcome.total_after} "
        f"({delta:+d}), stage {outcome.stage_before} -> {outcome.stage_after}",
        highlight=False,
        markup=False,
    )
    for line in outcome.lines:
        console.print(f"  {line}", highlight=False, markup=False)


def override(
    lead_id: str,
    stage: str = typer.Option(..., "--stage", help="IQL, MQL, SAL, SQL, Opportunity or none."),
    reason: str = typer.Option(None, "--reason", help="Why (kept in the audit log)."),
    by: str = typer.Option(None, "--by", help="Who decides (kept in the audit log)."),
) -> None:
    """Override a lead's stage (none clears it); an event records who and why."""
    from assistant.audit.reviews import override_stage

    out = override_stage(state.service(), lead_id, stage, reason=reason, by=by)
    now = out.lead.stage or "derived from the score"
    console.print(
        f"{lead_id}: stage override {out.previous or 'none'} -> {now} by {by}: {reason}",
        highlight=False,
        markup=False,
    )
    console.print(
        f"score {out.total}, stage {out.stage}"
        + (" (overridden by a human)" if out.lead.stage else ""),
        highlight=False,
        markup=False,
    )


@audit_app.command("verify")
def audit_verify(as_json: bool = typer.Option(False, "--json")) -> None:
    """Check the event chain and every row the events recorded; names the first broken link."""
    from assistant.audit.integrity import verify

    report = verify(state.service())
    if as_json:
        print_json(report.to_json())
    elif report.ok:
        console.print(
            f"audit log intact: {report.events} events, {report.rows_checked} rows match "
            "what the log recorded",
            highlight=False,
            markup=False,
        )
    else:
        console.print(
            f"TAMPERED: first broken link: {report.first_broken()}", highlight=False, markup=False
        )
        for problem in report.problems[1:11]:
            console.print(f"  also: {problem.message()}", highlight=False, markup=False)
        if len(report.problems) > 11:
            console.print(
                f"  ... and {len(report.problems) - 11} more", highlight=False, markup=False
            )
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("log")
def audit_log(
    lead_id: str = typer.Argument(None, help="Only this lead's events."),
    kind: str = typer.Option(None, "--kind", help="Only events of this kind (review, ...)."),
    limit: int = typer.Option(0, "--limit", min=0, help="Only the newest N (0 = all)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The audit log, oldest first: who did what, when, to which lead."""
    svc = state.service()
    events = svc.store.events(lead_id)
    if kind:
        events = [e for e in events if e.kind == kind]
    if limit:
        events = events[-limit:]
    if as_json:
        print_json(
            [
                {
                    **e.model_dump(mode="json", exclude={"payload"}),
                    "payload": {k: v for k, v in e.payload.items() if k != "vouch"},
                    "vouches": sorted(e.payload.get("vouch", {})),
                }
                for e in events
            ]
        )
        return
    if not events:
        note("no events" + (f" for {lead_id}" if lead_id else ""))
        return
    for e in events:
        details = " ".join(
            f"{k}={json.dumps(v, ensure_ascii=False, default=str)}"
            for k, v in e.payload.items()
            if k not in ("vouch", "owners")
        )
        console.print(
            f"{e.id:>5}  {e.at:%Y-%m-%d %H:%M:%S}  {e.actor}  [bold]{e.kind}[/]  "
            f"{e.lead_id or '-'}  [dim]{escape(details[:300])}[/]",
            highlight=False,
        )


@audit_app.command("seal")
def audit_seal(
    by: str = typer.Option(..., "--by", help="Who vouches for the rows."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit log)."),
) -> None:
    """Vouch for rows no event recorded (a database from an older qualify); never re-vouches
    a row that was edited after its event."""
    from assistant.audit.integrity import seal

    count = seal(state.service(), by=by, reason=reason)
    console.print(
        f"sealed {count} unrecorded row group(s)" if count else "nothing to seal", highlight=False
    )


def report(
    lead_id: str = typer.Argument(None, help="Lead id (or --all)."),
    all_leads: bool = typer.Option(False, "--all", help="Every lead in one report."),
    fmt: str = typer.Option("md", "--format", help="md, html, json or csv."),
    out: Path = typer.Option(None, "--out", help="Write to this file (default: stdout)."),
    redact: bool = typer.Option(
        False, "--redact", help="Mask emails, phones, names outside the buying team."
    ),
) -> None:
    """A manager's report: score and explanation, evidence with review status, stakeholders,
    score history."""
    from assistant.audit.report import FORMATS, build_report, render

    if fmt not in FORMATS:
        fail(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    ids = _leads(lead_id, all_leads)
    svc = state.service()
    text = render([build_report(svc, i, redact=redact) for i in ids], fmt)
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}; choose another --out")
    note(f"wrote {out} ({fmt}, {len(ids)} lead(s){', redacted' if redact else ''})")


def reextract(
    lead_id: str = typer.Option(None, "--lead", help="Only this lead (default: all)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the diff, change nothing."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Run the current extractors over stored documents; show signals added, removed, changed."""
    from assistant.audit.reextract import reextract as run

    diffs = run(state.service(), lead_id, dry_run=dry_run)
    if as_json:
        print_json([d.model_dump(mode="json") for d in diffs])
        return
    changed = [d for d in diffs if not d.empty]
    for d in changed:
        console.print(
            f"[bold]{d.lead_id}[/] doc {d.document_id} ({Path(d.source).name}): "
            f"+{len(d.added)} -{len(d.removed)} ~{len(d.changed)}",
            highlight=False,
        )
        for a in d.added:
            console.print(
                f"  [green]+ {a['dimension']}/{a['type']} \u201c{_x(a['quote'])}\u201d[/]",
                highlight=False,
            )
        for r in d.removed:
            kept = " (reviewed: kept as retired)" if r["reviewed"] else ""
            console.print(
                f"  [red]- #{r['signal_id']} {r['dimension']}/{r['type']} "
                f"\u201c{_x(r['quote'])}\u201d{kept}[/]",
                highlight=False,
            )
        for c in d.changed:
            console.print(
                f"  [yellow]~ #{c['signal_id']} {c['dimension']}/{c['type']}: "
                + _x(", ".join(f"{k} {c['before'][k]!r} -> {c['after'][k]!r}" for k in c["fields"]))
                + "[/]",
                highlight=False,
            )
        for m in d.reviews_moved:
            console.print(
                f"  review of #{m['from']} ({m['action']}) carried over to #{m['to']}",
                highlight=False,
            )
    total = sum(len(d.added) + len(d.removed) + len(d.changed) for d in diffs)
    verb = "would change" if dry_run else "changed"
    console.print(
        f"{len(diffs)} document(s) checked; {total} signal(s) {verb} in {len(changed)} document(s)"
        + (" (dry run: nothing written)" if dry_run else ""),
        highlight=False,
    )


def train(
    from_reviews: bool = typer.Option(
        False, "--from-reviews", help="Use confirmed/rejected evidence as training examples."
    ),
    force: bool = typer.Option(False, "--force", help="Accept the new head even if worse."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Measure only; write nothing."),
    tuned: bool = typer.Option(
        False, "--tuned", help="Fine-tune the sentence classifier on the corpus + reviews "
        "(minutes: a measured probe, then the fit) into the data directory."
    ),
    epochs: int = typer.Option(None, "--epochs", min=1, help="With --tuned: passes over the data."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Retrain the semantic head with reviewed evidence; report the metric change first."""
    from assistant.audit.train import train_from_reviews, train_tuned

    if tuned:
        report = train_tuned(state.service(), epochs=epochs, dry_run=dry_run)
        if as_json:
            print_json(report.model_dump(mode="json"))
            return
        micro = report.metrics.get("micro", {})
        console.print(
            f"examples: {report.corpus_examples} corpus sentences + {report.review_examples} "
            f"from reviews; held out {report.held_out}: precision "
            f"{micro.get('precision', 0):.3f}, recall {micro.get('recall', 0):.3f}",
            highlight=False,
        )
        console.print(report.note + (f": {report.path}" if report.path else ""),
                      highlight=False)
        return
    if not from_reviews:
        fail("say where the examples come from: --from-reviews (or --tuned)")
    result = train_from_reviews(state.service(), force=force, dry_run=dry_run)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    console.print(
        f"examples: {result.review_examples} from reviews + {result.base_examples} from the "
        f"corpus; measured on {result.held_out} held-out",
        highlight=False,
    )
    for key in ("accuracy", "macro_f1"):
        before, after = result.before[key], result.after[key]
        console.print(f"  {key}: {before:.3f} -> {after:.3f} ({after - before:+.3f})")
    console.print(result.note + (f": {result.path}" if result.path else ""), highlight=False)


@crm_app.command("export")
def crm_export(
    lead_id: str = typer.Argument(None, help="Lead id (or --all)."),
    all_leads: bool = typer.Option(False, "--all"),
    target: str = typer.Option(..., "--target", help="hubspot, salesforce or csv."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the patch, write nothing."),
    include_unreviewed: bool = typer.Option(
        False, "--include-unreviewed", help="Also unreviewed evidence below high confidence."
    ),
    out: Path = typer.Option(None, "--out", help="Folder for the import file (default: .)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """BANT/MEDDPICC fields, stage, score and next step in the target's import layout."""
    from assistant.audit.crm import TARGETS, export

    if target not in TARGETS:
        fail(f"--target {target!r}: use one of {', '.join(TARGETS)}")
    ids = _leads(lead_id, all_leads)
    path, changes = export(
        state.service(),
        ids,
        target,
        dry_run=dry_run,
        include_unreviewed=include_unreviewed,
        out=out,
    )
    if as_json:
        print_json({"file": str(path) if path else None, "changes": changes})
        return
    if not changes:
        console.print(f"no changes since the last {target} export", highlight=False)
    for c in changes:
        if c["before"] is None:
            console.print(
                f"[green]+ {c['lead']} {c['field']}: {_x(c['after'])}[/]", highlight=False
            )
        else:
            console.print(f"[red]- {c['lead']} {c['field']}: {_x(c['before'])}[/]", highlight=False)
            console.print(
                f"[green]+ {c['lead']} {c['field']}: {_x(c['after'])}[/]", highlight=False
            )
    if path is None:
        note(f"dry run: {len(changes)} field change(s); nothing written")
    else:
        note(f"wrote {path} ({len(ids)} lead(s), {len(changes)} field change(s))")


def backup(
    path: Path = typer.Argument(..., help="Where to write the copy."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing file."),
) -> None:
    """Copy the live database (SQLite online backup; safe while qualify runs)."""
    svc = state.service()
    target = svc.store.backup(path, overwrite=overwrite)
    svc.store.append_event("backup", "cli", None, {"file": str(target)})
    console.print(f"backed up to {target}", highlight=False)


def export_command(
    lead_id: str,
    out: Path = typer.Option(..., "--out", help="JSON file to write."),
) -> None:
    """Write a lead with its documents, signals, reviews, scores and stakeholders to JSON."""
    from assistant.audit.transfer import write_export

    payload = write_export(state.service(), lead_id, out)
    console.print(
        f"exported {lead_id} to {out}: {len(payload['records'])} records, chain head "
        f"{payload['head'][:12]}",
        highlight=False,
    )


def import_command(
    file: Path = typer.Argument(..., help="A file written by `qualify export`."),
    as_id: str = typer.Option(None, "--as", help="Import under another lead id."),
) -> None:
    """Import a lead exported by `qualify export`; checks the schema version and hash chain."""
    from assistant.audit.transfer import import_lead

    lead_id, counts = import_lead(state.service(), file, as_id=as_id)
    console.print(
        f"imported {lead_id}: " + ", ".join(f"{v} {k}" for k, v in counts.items()),
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command()(review)
    app.command()(override)
    app.add_typer(audit_app, name="audit")
    app.command()(report)
    app.command()(reextract)
    app.command()(train)
    app.add_typer(crm_app, name="crm")
    app.command()(backup)
    app.command("export")(export_command)
    app.command("import")(import_command)
