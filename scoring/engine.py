"""score_lead: a pure function of (facts, reviewed signals, model, now) -> Score."""

from __future__ import annotations

import datetime as dt

from scoring.effective import Effective, describe, effective
from scoring.explain import finish
from scoring.gates import stage_and_gate
from scoring.inputs import LeadFacts, ScoredSignal
from scoring.model import SCORING_DIMENSIONS, ScoringModel
from scoring.result import Score
from scoring.routing import next_action, route_of
from scoring.segments import RawLine, fit_lines, security_items, segment_of


def _lookup(table: dict[str, float], eff: Effective, fallback_dim: bool) -> float | None:
    keys = [f"{eff.dimension}.{eff.type}.{eff.value_key}", f"{eff.dimension}.{eff.type}"]
    if fallback_dim:
        keys.append(eff.dimension)
    for key in keys:
        if key in table:
            return table[key]
    return None


def _fact_key(eff: Effective) -> tuple[str, str, str, str]:
    """Two signals state the same fact when dimension, type, value and polarity agree (or, for
    value-less signals, the quote)."""
    what = describe(eff.value).lower() or " ".join(eff.quote.lower().split())
    return (eff.dimension, eff.type, what, eff.polarity)


def _quote(eff: Effective) -> str:
    q = " ".join(eff.quote.split())
    q = q if len(q) <= 60 else q[:57] + "..."
    doc = f"doc {eff.document_id}, " if eff.document_id is not None else ""
    return f'({doc}"{q}")'


def _signal_lines(
    effs: list[Effective], segment: str, model: ScoringModel, now: dt.date
) -> tuple[list[RawLine], dict[str, float]]:
    """Signal, decay, duplicate and cap lines; plus the unrounded per-dimension sums."""
    sm = model.segments[segment]
    points, negatives, caps = (model.table(segment, t) for t in ("points", "negatives", "caps"))
    scored: list[tuple[Effective, float, float, int]] = []  # eff, base, factor, age
    for eff in effs:
        weight = sm.weights[eff.dimension]
        if eff.polarity == "for":
            base = weight * (_lookup(points, eff, False) or 0.0) / 100.0
        elif eff.polarity == "against":
            base = _lookup(negatives, eff, True) or 0.0
        else:
            base = 0.0
        base *= eff.confidence
        age, factor = 0, 1.0
        if eff.date is not None and eff.date < now:
            age = (now - eff.date).days
            half = sm.half_life_days.get(eff.dimension, sm.half_life_days["default"])
            factor = 0.5 ** (age / half)
        scored.append((eff, base, factor, age))

    # One fact mentioned twice counts once: keep the strongest mention.
    best: dict[tuple[str, str, str, str], int] = {}
    for i, (eff, base, factor, _) in enumerate(scored):
        key = _fact_key(eff)
        j = best.get(key)
        if j is None or abs(base * factor) > abs(scored[j][1] * scored[j][2]):
            best[key] = i
    kept = set(best.values())

    lines: list[RawLine] = []
    positive: dict[str, dict[str, list[tuple[float, int]]]] = {}
    sums = dict.fromkeys(SCORING_DIMENSIONS, 0.0)
    for i, (eff, base, factor, age) in enumerate(scored):
        what = f"{eff.dimension}: {eff.type.replace('_', ' ')} {describe(eff.value)}".rstrip()
        extra = []
        if eff.polarity != "for":
            extra.append(eff.polarity)
        if eff.confidence < 1.0 and base != 0:
            extra.append(f"confidence {eff.confidence:.2f}")
        if eff.note:
            extra.append(eff.note)
        tail = f" [{'; '.join(extra)}]" if extra else ""
        if i not in kept:
            dup = scored[best[_fact_key(eff)]][0].sid
            text = f"{what} {_quote(eff)} duplicate of #{dup}"
            lines.append((0.0, eff.dimension, text, [eff.sid]))
            continue
        lines.append((base, eff.dimension, f"{what} {_quote(eff)}{tail}", [eff.sid]))
        if factor < 1.0 and base != 0:
            text = f"decay: {age} days old"
            lines.append((base * (factor - 1.0), eff.dimension, text, [eff.sid]))
        value = base * factor
        if value > 0:
            positive.setdefault(eff.dimension, {}).setdefault(eff.type, []).append((value, eff.sid))
        else:
            sums[eff.dimension] += value

    for dim, by_type in positive.items():
        weight = sm.weights[dim]
        dim_total = 0.0
        for type_, items in by_type.items():
            got = sum(v for v, _ in items)
            cap_pct = caps.get(f"{dim}.{type_}")
            if cap_pct is not None and got > weight * cap_pct / 100.0:
                limit = weight * cap_pct / 100.0
                text = f"cap: {dim}.{type_} capped at {limit:g}"
                lines.append((limit - got, dim, text, [s for _, s in items]))
                got = limit
            dim_total += got
        if dim_total > weight:
            ids = sorted(s for items in by_type.values() for _, s in items)
            lines.append((weight - dim_total, dim, f"cap: {dim} capped at {weight}", ids))
            dim_total = float(weight)
        sums[dim] += dim_total
    return lines, sums


def score_lead(
    facts: LeadFacts, signals: list[ScoredSignal], model: ScoringModel, now: dt.date
) -> Score:
    """Score one lead. Deterministic: signal order does not matter (sorted by signal id)."""
    ordered = sorted(signals, key=lambda s: s.signal_id)
    effs: list[Effective] = []
    raw: list[RawLine] = []
    for ss in ordered:
        eff = effective(ss)
        if eff is None:
            who = ss.reviewer or "reviewer"
            why = f': "{ss.review_reason}"' if ss.review_reason else ""
            raw.append(
                (0.0, ss.signal.dimension, f"{ss.signal.dimension}: {ss.signal.type} "
                 f"rejected by {who}{why}", [ss.signal_id])
            )
            continue
        effs.append(eff)
    sec = security_items(effs)
    segment, _why = segment_of(facts, sec, model)
    sm = model.segments[segment]
    facts_raw = fit_lines(facts, segment, model, effs, now)
    sig_raw, sums = _signal_lines(effs, segment, model, now)
    total, lines = finish(facts_raw + raw + sig_raw, model.scale)

    dimensions = dict.fromkeys((*SCORING_DIMENSIONS, "fit", "penalty"), 0)
    for line in lines:
        if line.dimension in dimensions:
            dimensions[line.dimension] += line.points
    features = {d: (sums[d] / sm.weights[d] if sm.weights[d] else 0.0) for d in SCORING_DIMENSIONS}
    fit_pts = sum(r[0] for r in facts_raw if r[1] == "fit")
    features["fit"] = fit_pts / sm.fit if sm.fit else 0.0
    features["penalty"] = sum(r[0] for r in facts_raw if r[1] == "penalty") / model.scale

    stage, gate, actions = stage_and_gate(segment, total, effs, model, facts.stage_override)
    route, reason, sla = route_of(facts, segment, stage, total, sec, model)
    return Score.model_construct(
        lead=facts.id,
        segment=segment,
        total=total,
        dimensions=dimensions,
        stage=stage,
        blocking_gate=gate,
        route=route,
        route_reason=reason,
        sla_hours=sla,
        next_action=next_action(route, stage, actions),
        model_version=model.version,
        explanation=lines,
        features=features,
    )
