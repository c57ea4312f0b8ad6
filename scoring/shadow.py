"""Compare two models on the same leads before switching: who changes stage or route, and why."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from scoring.engine import score_lead
from scoring.inputs import LeadFacts, ScoredSignal
from scoring.model import ScoringModel
from scoring.result import Score


class ShadowChange(BaseModel):
    """One lead whose stage or route differs between model A and model B."""

    lead: str
    total_a: int
    total_b: int
    stage_a: str
    stage_b: str
    route_a: str
    route_b: str
    why: list[str]

    @property
    def moves_stage_or_route(self) -> bool:
        return self.stage_a != self.stage_b or self.route_a != self.route_b


def _why(a: Score, b: Score) -> list[str]:
    reasons = []
    if a.segment != b.segment:
        reasons.append(f"segment {a.segment} -> {b.segment}")
    if a.total != b.total:
        reasons.append(f"total {a.total} -> {b.total}")
    deltas = sorted(
        ((b.dimensions.get(d, 0) - a.dimensions.get(d, 0), d) for d in a.dimensions),
        key=lambda t: (-abs(t[0]), t[1]),
    )
    reasons += [f"{d} {delta:+d}" for delta, d in deltas[:3] if delta]
    gate_a = a.blocking_gate.missing if a.blocking_gate else []
    gate_b = b.blocking_gate.missing if b.blocking_gate else []
    if gate_a != gate_b:
        reasons.append(f"blocked by {gate_a or 'nothing'} -> {gate_b or 'nothing'}")
    if a.route_reason != b.route_reason:
        reasons.append(f"route: {a.route_reason} -> {b.route_reason}")
    return reasons


def shadow(
    leads: list[tuple[LeadFacts, list[ScoredSignal]]],
    model_a: ScoringModel,
    model_b: ScoringModel,
    now: dt.date,
    min_delta: int | None = None,
) -> list[ShadowChange]:
    """Leads whose stage or route changes from model A to model B, in input order; with
    min_delta, also those whose total moves by at least that many points."""
    changes = []
    for facts, signals in leads:
        a = score_lead(facts, signals, model_a, now)
        b = score_lead(facts, signals, model_b, now)
        moved = min_delta is not None and abs(b.total - a.total) >= max(1, min_delta)
        if a.stage != b.stage or a.route != b.route or moved:
            changes.append(
                ShadowChange(
                    lead=facts.id, total_a=a.total, total_b=b.total, stage_a=a.stage,
                    stage_b=b.stage, route_a=a.route, route_b=b.route, why=_why(a, b),
                )
            )
    return changes
