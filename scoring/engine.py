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


def _when(eff: Effective) -> tuple[dt.date, int, int]:
    """(date, document, signal): the order in which things were said."""
    return (eff.date or dt.date.min, eff.document_id or 0, eff.sid)


def superseded(effs: list[Effective], model: ScoringModel) -> dict[int, Effective]:
    """Signal id -> the later signal that overrides it: in a supersede group, a signal with
    the opposite polarity from a later conversation wins ("no budget line yet" in September
    is superseded by "pending approval" in October). Within one conversation both stand:
    people hedge and correct themselves, and the rep should ask."""
    group_of = {key: group for group, keys in model.supersede.items() for key in keys}
    by_group: dict[str, list[Effective]] = {}
    for eff in effs:
        group = group_of.get(f"{eff.dimension}.{eff.type}")
        if group is not None and eff.polarity in ("for", "against"):
            by_group.setdefault(group, []).append(eff)
    out: dict[int, Effective] = {}
    for members in by_group.values():
        ordered = sorted(members, key=_when)
        for i, eff in enumerate(ordered):
            later = [
                e for e in ordered[i + 1 :]
                if e.polarity != eff.polarity and e.document_id != eff.document_id
                and _when(e)[:2] > _when(eff)[:2]
            ]
            if later:
                out[eff.sid] = later[-1]
    return out


def _signal_lines(
    effs: list[Effective],
    segment: str,
    model: ScoringModel,
    now: dt.date,
    replaced: dict[int, Effective],
) -> tuple[list[RawLine], dict[str, float]]:
    """Signal, decay, duplicate, superseded and cap lines; plus the unrounded sums.
    `replaced`: what `superseded` found (those score 0 and are explained)."""
    lines: list[RawLine] = []
    for eff in effs:
        if eff.sid in replaced:
            by = replaced[eff.sid]
            what = f"{eff.dimension}: {eff.type.replace('_', ' ')} {describe(eff.value)}".rstrip()
            text = f"{what} {_quote(eff)} superseded by later #{by.sid} {_quote(by)}"
            lines.append((0.0, eff.dimension, text, [eff.sid, by.sid]))
    effs = [e for e in effs if e.sid not in replaced]
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
    replaced = superseded(effs, model)
    sig_raw, sums = _signal_lines(effs, segment, model, now, replaced)
    total, lines = finish(facts_raw + raw + sig_raw, model.scale)

    dimensions = dict.fromkeys((*SCORING_DIMENSIONS, "fit", "penalty"), 0)
    for line in lines:
        if line.dimension in dimensions:
            dimensions[line.dimension] += line.points
    features = {d: (sums[d] / sm.weights[d] if sm.weights[d] else 0.0) for d in SCORING_DIMENSIONS}
    fit_pts = sum(r[0] for r in facts_raw if r[1] == "fit")
    features["fit"] = fit_pts / sm.fit if sm.fit else 0.0
    features["penalty"] = sum(r[0] for r in facts_raw if r[1] == "penalty") / model.scale

    live = [e for e in effs if e.sid not in replaced]  # a superseded fact opens no gate
    stage, gate, actions = stage_and_gate(segment, total, live, model, facts.stage_override)
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
