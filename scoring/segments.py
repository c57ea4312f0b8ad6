"""Which segment a lead belongs to, and how well its firmographics fit the ICP."""

from __future__ import annotations

import datetime as dt

from scoring.effective import Effective
from scoring.inputs import LeadFacts
from scoring.model import ScoringModel, SegmentRule

# (points, dimension, text, evidence) before integer rounding.
RawLine = tuple[float, str, str, list[int]]


def security_items(effs: list[Effective]) -> int:
    """Distinct security requirements or processes the prospect asked for."""
    items = {
        e.value_key or f"#{e.sid}"
        for e in effs
        if e.dimension == "security" and e.polarity == "for"
    }
    return len(items)


def _matches(rule: SegmentRule, facts: LeadFacts, sec: int) -> str | None:
    if rule.min_employees is not None and (facts.employees or 0) >= rule.min_employees:
        return f"{facts.employees:,} employees >= {rule.min_employees:,}"
    if rule.min_revenue is not None and (facts.revenue or 0) >= rule.min_revenue:
        return f"revenue {facts.revenue:,.0f} >= {rule.min_revenue:,.0f}"
    if rule.min_potential_arr is not None and (facts.potential_arr or 0) >= rule.min_potential_arr:
        return f"potential ARR {facts.potential_arr:,.0f} >= {rule.min_potential_arr:,.0f}"
    if rule.min_security_items is not None and sec >= rule.min_security_items:
        return f"{sec} security requirements >= {rule.min_security_items}"
    return None


def segment_of(facts: LeadFacts, sec: int, model: ScoringModel) -> tuple[str, str]:
    """(segment, why): the override wins, else the first rule that matches, else the fallback."""
    if facts.segment_override:
        return facts.segment_override, "segment override"
    for seg in model.segmentation.order:
        why = _matches(model.segmentation.rules[seg], facts, sec)
        if why:
            return seg, why
    return model.segmentation.fallback, "no larger segment rule matched"


def fit_lines(
    facts: LeadFacts, segment: str, model: ScoringModel, effs: list[Effective], now: dt.date
) -> list[RawLine]:
    """Fit points from firmographics, then the fact-based penalties."""
    sm = model.segments[segment]
    fit, pen = model.fit, model.penalties
    lines: list[RawLine] = []
    industry = (facts.industry or "").strip().lower()
    if industry and industry in {i.lower() for i in fit.icp_industries}:
        lines.append((sm.fit * fit.industry_share, "fit", f"fit: industry {industry} in ICP", []))
    if facts.employees is not None and facts.employees >= fit.min_employees:
        lines.append((sm.fit * fit.size_share, "fit", f"fit: {facts.employees:,} employees", []))
    if facts.potential_arr:
        share = min(facts.potential_arr / sm.arr_full, 1.0)
        text = f"fit: potential ARR {facts.potential_arr:,.0f}"
        lines.append((sm.fit * fit.arr_share * share, "fit", text, []))
    if facts.student:
        lines.append((pen.student, "penalty", "penalty: student", []))
    if facts.job_seeker:
        lines.append((pen.job_seeker, "penalty", "penalty: job seeker", []))
    if facts.unsubscribed:
        lines.append((pen.unsubscribed, "penalty", "penalty: unsubscribed", []))
    outside = {i.lower() for i in fit.outside_icp_industries}
    if facts.outside_icp or (industry and industry in outside):
        why = f"industry {industry}" if industry in outside else "flagged"
        lines.append((pen.outside_icp, "penalty", f"penalty: outside ICP ({why})", []))
    dates = [e.date for e in effs if e.date is not None]
    last = max([d for d in (facts.last_touch, *dates) if d is not None], default=None)
    if last is not None and (now - last).days > pen.silence_after_days:
        text = f"penalty: silence, {(now - last).days} days since last touch"
        lines.append((pen.silence, "penalty", text, []))
    return lines
