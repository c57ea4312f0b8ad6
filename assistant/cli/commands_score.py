"""`qualify score|history|backtest|tune|shadow` and `qualify model show|validate`."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import typer
from rich.table import Table

from assistant.cli import state
from assistant.cli.output import console, fail, note, print_json
from assistant.paths import FIXTURES_DIR

model_app = typer.Typer(help="Show and validate scoring models.", no_args_is_help=True)
OUTCOMES_DIR = FIXTURES_DIR / "outcomes"


def _as_of(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of {value!r} is not a date; use YYYY-MM-DD")
    return None


def _print_score(score) -> None:  # noqa: ANN001 - scoring.Score
    console.print(
        f"[bold]{score.lead}[/]  total [bold]{score.total}[/]/100  segment {score.segment}  "
        f"stage [bold]{score.stage}[/]  route {score.route} (respond within "
        f"{score.sla_hours} h)  next: [bold]{score.next_action}[/]"
    )
    gate = score.blocking_gate
    if gate:
        console.print(f"blocked from {gate.stage} by: {'; '.join(gate.missing)}", highlight=False)
    for line in score.explanation:
        console.print(f"  {line.text}", highlight=False)
    dims = "  ".join(f"{k} {v}" for k, v in score.dimensions.items())
    console.print(f"[dim]dimensions: {dims}  model {score.model_version}[/]")


def score(
    lead_id: str = typer.Argument(None, help="Lead id (or use --all)."),
    all_leads: bool = typer.Option(False, "--all", help="Score every lead."),
    model: Path = typer.Option(None, "--model", help="A scoring model TOML (default: shipped)."),
    as_of: str = typer.Option(None, "--as-of", help="Score as of this date (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Readiness score, stage, route, next action and the lines that explain every point."""
    svc = state.service()
    the_model = svc.scoring_model(model)
    now = _as_of(as_of)
    if all_leads == bool(lead_id):
        fail("give one LEAD id or --all")
    ids = [lead.id for lead in svc.store.list_leads()] if all_leads else [lead_id]
    scores = [svc.score(i, now=now, model=the_model) for i in ids]
    if as_json:
        payload = [s.to_public_json() for s in scores]
        print_json(payload if all_leads else payload[0])
        return
    for s in scores:
        _print_score(s)


def history(lead_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """How and why a lead's score moved: every stored snapshot with its changes."""
    svc = state.service()
    svc.require_lead(lead_id)
    snaps = svc.store.snapshots(lead_id)
    if as_json:
        print_json([s.model_dump(mode="json") for s in snaps])
        return
    if not snaps:
        note(f"no score snapshots yet for {lead_id}: `qualify score {lead_id}` makes one")
        return
    prev = None
    for snap in snaps:
        delta = "" if prev is None else f" ({snap.total - prev.total:+d})"
        console.print(
            f"{snap.at:%Y-%m-%d %H:%M}  {snap.total}{delta}  {snap.stage}  "
            f"model {snap.model_version}",
            highlight=False,
        )
        if prev is not None:
            old = {line["text"] for line in prev.score.get("explanation", [])}
            new = {line["text"] for line in snap.score.get("explanation", [])}
            for text in sorted(new - old):
                console.print(f"    [green]+ {text}[/]", highlight=False)
            for text in sorted(old - new):
                console.print(f"    [red]- {text}[/]", highlight=False)
            if prev.model_version != snap.model_version:
                console.print("    model changed", highlight=False)
        prev = snap


@model_app.command("show")
def model_show(path: Path = typer.Argument(None, help="Model file (default: shipped).")) -> None:
    """Print the active scoring model with its version."""
    from scoring.model import DEFAULT_MODEL_PATH

    the_model = state.service().scoring_model(path)
    source = path or DEFAULT_MODEL_PATH
    console.print(f"# model version {the_model.version} from {source}", highlight=False)
    console.print(Path(source).read_text(encoding="utf-8"), highlight=False, markup=False)


@model_app.command("validate")
def model_validate(path: Path) -> None:
    """Check a model file; errors name the file, the key and the reason."""
    from scoring import load_model

    the_model = load_model(path)
    console.print(f"{path}: valid (version {the_model.version})", highlight=False)


def _read_outcomes(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"lead_id", "outcome", "date"} - set(reader.fieldnames or [])
            if missing:
                fail(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            return list(reader)
    except OSError as exc:
        fail(f"{path}: cannot read: {exc}")
    return []


def _leads_from(path: Path | None):
    """(facts, signals) per lead: from a JSONL file in the fixture shape, or from the database."""
    from scoring import lead_from_json

    if path is None:
        svc = state.service()
        return [svc.scoring_inputs(lead.id) for lead in svc.store.list_leads()]
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                out.append(lead_from_json(json.loads(line)))
            except json.JSONDecodeError as exc:
                fail(f"{path}:{n}: not JSON: {exc.msg}")
    return out


def _as_of_for(leads_file: Path | None, as_of: str | None) -> dt.date:
    if as_of:
        return _as_of(as_of)  # type: ignore[return-value]
    meta = (leads_file.parent / "meta.json") if leads_file else None
    if meta and meta.exists():
        return dt.date.fromisoformat(json.loads(meta.read_text())["as_of"])
    return state.service().today()


def _scores(leads, model, now):  # noqa: ANN001, ANN202
    from scoring import score_lead

    return [score_lead(facts, sigs, model, now) for facts, sigs in leads]


def backtest(
    outcomes: Path = typer.Option(OUTCOMES_DIR / "outcomes.csv", "--outcomes"),
    leads_file: Path = typer.Option(
        OUTCOMES_DIR / "leads.jsonl", "--leads", help="Leads JSONL; 'db' = the database."
    ),
    model: Path = typer.Option(None, "--model"),
    as_of: str = typer.Option(None, "--as-of"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """AUC, lift by decile, precision at SQL and calibration against won/lost outcomes."""
    from scoring import backtest as run_backtest

    src = None if str(leads_file) == "db" else leads_file
    the_model = state.service().scoring_model(model)
    report = run_backtest(
        _scores(_leads_from(src), the_model, _as_of_for(src, as_of)), _read_outcomes(outcomes)
    )
    for problem in report.problems:
        note(f"[yellow]outcome row skipped[/]: {problem}")
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    auc = "n/a" if report.auc is None else f"{report.auc:.3f}"
    prec = "n/a" if report.precision_at_sql is None else f"{report.precision_at_sql:.2f}"
    console.print(
        f"model {the_model.version}: {report.n} leads, {report.won} won; AUC {auc}; "
        f"precision at SQL {prec} ({report.sql_count} leads)",
        highlight=False,
    )
    table = Table(title="Lift by decile (1 = highest scores)")
    for col in ("decile", "leads", "win rate", "lift"):
        table.add_column(col, justify="right")
    for d in report.lift_by_decile:
        table.add_row(*(str(v) for v in d.model_dump().values()))
    console.print(table)
    cal = Table(title="Calibration")
    for col in report.calibration[0].model_dump() if report.calibration else []:
        cal.add_column(col, justify="right")
    for b in report.calibration:
        cal.add_row(
            *(f"{v:.2f}" if isinstance(v, float) else str(v) for v in b.model_dump().values())
        )
    console.print(cal)
    for name, seg in report.per_segment.items():
        console.print(f"segment {name}: {seg.model_dump()}", highlight=False)


def tune(
    outcomes: Path = typer.Option(OUTCOMES_DIR / "outcomes.csv", "--outcomes"),
    leads_file: Path = typer.Option(OUTCOMES_DIR / "leads.jsonl", "--leads"),
    out: Path = typer.Option(Path("candidate.toml"), "--out", help="Where to write the model."),
    as_of: str = typer.Option(None, "--as-of"),
) -> None:
    """Fit weights (logistic regression) on outcomes and write a candidate model file."""
    from scoring import backtest as run_backtest
    from scoring import feature_rows, in_training_half, parse_model
    from scoring import tune as run_tune

    if out.exists():
        fail(f"{out} exists; choose another --out (nothing is overwritten)")
    src = None if str(leads_file) == "db" else leads_file
    base = state.service().scoring_model(None)
    leads = _leads_from(src)
    now = _as_of_for(src, as_of)
    rows = _read_outcomes(outcomes)
    base_scores = _scores(leads, base, now)
    train_rows = [r for r in rows if in_training_half(r.get("lead_id", ""))]
    text = run_tune(feature_rows(base_scores), train_rows, base)
    candidate = parse_model(text, source=str(out))
    held_out = [r for r in rows if not in_training_half(r.get("lead_id", ""))]
    before = run_backtest(base_scores, held_out).auc
    after = run_backtest(_scores(leads, candidate, now), held_out).auc
    out.write_text(text, encoding="utf-8")
    console.print(
        f"wrote {out} (version {candidate.version}); held-out AUC {before:.3f} -> {after:.3f}",
        highlight=False,
    )
    console.print(f"next: `qualify shadow {out}` lists the leads whose stage or route would move")


def shadow_command(
    candidate: Path = typer.Argument(..., help="Candidate model TOML."),
    leads_file: Path = typer.Option(None, "--leads", help="Leads JSONL (default: database)."),
    as_of: str = typer.Option(None, "--as-of"),
    min_delta: int = typer.Option(
        1, "--min-delta", min=0,
        help="Also list leads whose score moves by at least this many points (0: only stage "
        "or route changes).",
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Score all leads with the active and a candidate model; list the leads that change stage,
    route or score, and why."""
    from scoring import shadow

    svc = state.service()
    base = svc.scoring_model(None)
    cand = svc.scoring_model(candidate)
    leads = _leads_from(leads_file)
    changes = shadow(
        leads, base, cand, _as_of_for(leads_file, as_of), min_delta=min_delta or None
    )
    if as_json:
        print_json([c.model_dump() | {"stage_or_route": c.moves_stage_or_route}
                    for c in changes])
        return
    gated = [c for c in changes if c.moves_stage_or_route]
    console.print(
        f"{len(gated)} of {len(leads)} leads change stage or route"
        + (f", {len(changes) - len(gated)} more change score by >= {min_delta}"
           if min_delta else "")
        + f" ({base.version} -> {cand.version})",
        highlight=False,
    )
    table = Table()
    for col in ("lead", "total", "stage", "route", "why"):
        table.add_column(col, overflow="fold")
    for c in sorted(changes, key=lambda c: not c.moves_stage_or_route):
        table.add_row(
            c.lead,
            f"{c.total_a} -> {c.total_b}",
            f"{c.stage_a} -> {c.stage_b}" if c.stage_a != c.stage_b else c.stage_a,
            f"{c.route_a} -> {c.route_b}" if c.route_a != c.route_b else c.route_a,
            "; ".join(c.why),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(score)
    app.command()(history)
    app.add_typer(model_app, name="model")
    app.command()(backtest)
    app.command()(tune)
    app.command("shadow")(shadow_command)
