"""Rank open questions by what their answer would do to the score.

For each question we add the signal(s) it can fill, at a typical confidence and dated today,
rescore the lead with the real scoring model, and measure the point delta and which criteria
of the blocking gate it would meet. Known facts are never asked; decayed, hedged and
contradicted ones are asked again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from assistant.discovery.bank import Fill, Question, QuestionBank
from assistant.discovery.state import Evidence, LeadState, fill_status, short_quote
from assistant.discovery.templates import known_facts, render
from extractors.schema import Evidence as SignalEvidence
from extractors.schema import Signal
from scoring import STAGES, Score, ScoredSignal

TYPICAL_CONFIDENCE = 0.75
SIM_QUOTE = "(expected answer)"
GATE_BONUS = 10.0
STAGE_BONUS = 15.0
RECHECK_BONUS = 4.0


@dataclass(frozen=True)
class RankedQuestion:
    """An open question with its rendered text, its expected gain and a one-line why."""

    question: Question
    text: str
    why: str
    expected_gain: int
    rank_score: float
    opens: tuple[str, ...]
    evidence: tuple[Evidence, ...]

    def to_public_json(self) -> dict[str, Any]:
        """The stable `qualify questions --json` shape."""
        return {
            "id": self.question.id,
            "text": self.text,
            "dimension": self.question.dimension,
            "why": self.why,
            "expected_gain": self.expected_gain,
        }


def fill_label(fill: Fill) -> str:
    """A few words for what a fill asks for ("economic buyer", "budget status")."""
    if fill.dimension == "stakeholder":
        role = fill.accept[0] if fill.accept else None
        if role:
            return role.replace("_", " ")
        return "a senior stakeholder" if fill.senior else "stakeholders"
    if fill.dimension == "authority" and fill.type in ("economic_buyer", "decision_maker"):
        return fill.type.replace("_", " ")
    kind = fill.type.replace("_", " ")
    return kind if kind.startswith(fill.dimension) else f"{fill.dimension.replace('_', ' ')} {kind}"


def simulated(fill: Fill, question_id: str, now: dt.date, sid: int) -> ScoredSignal:
    """The signal a good answer would give, as scoring would see it."""
    value: str | dict[str, Any] | None = fill.value
    if isinstance(value, dict) or fill.dated or fill.dimension == "stakeholder":
        value = dict(value) if isinstance(value, dict) else {}
        if fill.dated:
            value.setdefault("date", (now + dt.timedelta(days=45)).isoformat())
            value.setdefault("phrase", "in six weeks")
        if fill.dimension == "stakeholder":
            value.setdefault("name", f"({question_id} {sid})")
    ev = SignalEvidence(
        start=0, end=len(SIM_QUOTE), quote=SIM_QUOTE, extractor="simulated", extractor_version="0"
    )
    signal = Signal(
        dimension=fill.dimension,
        type=fill.type,
        value=value,
        polarity="for",
        confidence=TYPICAL_CONFIDENCE,
        evidence=ev,
    )
    return ScoredSignal(signal_id=-sid, signal=signal, document_date=now)


def _gate_missing(score: Score) -> list[str]:
    gate = score.blocking_gate
    return [m for m in gate.missing if not m.startswith("score >=")] if gate else []


def _recheck_note(fill: Fill, ev: Evidence) -> str | None:
    if ev.status in ("known", "absent") or ev.winner is None:
        return None
    quote = short_quote(ev.winner.quote, 40)
    what = {
        "contradicted": "contradicted",
        "decayed": "decayed",
        "ambiguous": "unsure",
        "against": "said no",
    }[ev.status]
    return f'{what}: "{quote}"'


def rank_questions(
    state: LeadState,
    bank: QuestionBank,
    *,
    exclude: set[str] | frozenset[str] = frozenset(),
    only: set[str] | None = None,
) -> list[RankedQuestion]:
    """Open questions for the lead's segment, best first; each fact group is led by one."""
    before = state.score
    gate = before.blocking_gate
    gate_idx = STAGES.index(gate.stage) if gate else len(STAGES)
    missing_before = _gate_missing(before)
    facts = known_facts(state)
    cache: dict[tuple[str, ...], Score] = {}
    ranked: list[RankedQuestion] = []
    for q in bank.for_segment(state.segment):
        if q.id in exclude or (only is not None and q.id not in only):
            continue
        if q.ask_if and fill_status(q.ask_if.as_fill(), state).status not in q.ask_if.status:
            continue
        evidence = tuple(fill_status(f, state) for f in q.fills)
        open_fills = [f for f, ev in zip(q.fills, evidence, strict=True) if ev.status != "known"]
        if not open_fills:
            continue
        key = tuple(sorted(f.key for f in open_fills))
        after = cache.get(key)
        if after is None:
            sims = [simulated(f, q.id, state.now, i + 1) for i, f in enumerate(open_fills)]
            after = cache[key] = state.rescore(sims)
        delta = after.total - before.total
        advance = STAGES.index(after.stage) - STAGES.index(before.stage)
        if advance > 0:
            opens = tuple(missing_before)
        else:
            still = set(_gate_missing(after))
            opens = tuple(m for m in missing_before if m not in still)
        notes = [n for f, ev in zip(q.fills, evidence, strict=True) if (n := _recheck_note(f, ev))]
        score = float(delta) + GATE_BONUS * len(opens) + STAGE_BONUS * max(advance, 0)
        score += RECHECK_BONUS if notes else 0.0
        q_idx = STAGES.index(q.stage)
        score += 3.0 if q_idx == gate_idx else (-5.0 if q_idx > gate_idx + 1 else 0.0)
        score += 1.0 if len(q.segments) < 3 else 0.0
        text = render(q.template, q.text, facts)
        score += 0.5 if text != q.text else 0.0
        labels = list(dict.fromkeys(fill_label(f) for f in open_fills))
        why = [f"asks for: {', '.join(labels)}"]
        if opens and gate is not None:
            why.append(f"blocks {gate.stage}")
        if advance > 0:
            why.append(f"opens {after.stage}")
        why.append(f"{delta:+d} points")
        why.extend(f"re-ask, {n}" for n in notes)
        ranked.append(
            RankedQuestion(q, text, "; ".join(why), delta, round(score, 2), opens, evidence)
        )
    ranked.sort(key=lambda r: (-r.rank_score, STAGES.index(r.question.stage), r.question.id))
    leaders: list[RankedQuestion] = []
    rest: list[RankedQuestion] = []
    seen: set[str] = set()
    for r in ranked:
        group = r.question.fills_key
        (rest if group in seen else leaders).append(r)
        seen.add(group)
    return leaders + rest
