"""Who works the lead, how fast, and the one next best action."""

from __future__ import annotations

from scoring.inputs import LeadFacts
from scoring.model import STAGES, ScoringModel


def route_of(
    facts: LeadFacts, segment: str, stage: str, total: int, sec: int, model: ScoringModel
) -> tuple[str, str, int | None]:
    """(route, reason, SLA hours). Disqualifying flags and low scores go to nurture."""
    rt = model.segments[segment].routing
    sla = model.routing.sla_hours
    for flag in ("unsubscribed", "student", "job_seeker"):
        if getattr(facts, flag):
            return "nurture", f"{flag.replace('_', ' ')}", sla.get("nurture")
    if total < rt.nurture_below:
        return "nurture", f"score {total} < {rt.nurture_below}", sla.get("nurture")
    route, reason = rt.default, f"{segment} default"
    reached = [s for s in rt.stage_routes if STAGES.index(stage) >= STAGES.index(s)]
    if reached:
        best = max(reached, key=STAGES.index)
        route, reason = rt.stage_routes[best], f"stage {stage} >= {best}"
    else:
        met = [(need, r) for r, need in rt.score_routes.items() if total >= need]
        if met:
            need, route = max(met)
            reason = f"score {total} >= {need}"
    tb = model.routing.tie_break
    if tb is not None and segment in tb.segments and route in ("self_serve", "smb_pool"):
        if tb.min_potential_arr is not None and (facts.potential_arr or 0) >= tb.min_potential_arr:
            route, reason = tb.route, f"tie-break: potential ARR {facts.potential_arr:,.0f}"
        elif tb.min_security_items is not None and sec >= tb.min_security_items:
            route, reason = tb.route, f"tie-break: {sec} security requirements"
    return route, reason, sla.get(route)  # type: ignore[call-overload]


def next_action(route: str, stage: str, actions: list[str]) -> str:
    """Nurture when routed there; else what the first missing criterion asks for."""
    if route == "nurture":
        return "nurture"
    if actions:
        return actions[0]
    if stage == "Opportunity":
        return "procurement_mapping"
    return "discovery_call"
