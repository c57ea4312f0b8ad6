"""What discovery knows about a lead: its reviewed signals as scoring sees them, its score, and
the status of each piece of evidence (known, ambiguous, decayed, contradicted, against, absent).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from scoring import LeadFacts, Score, ScoredSignal, ScoringModel, score_lead
from scoring.effective import Effective, effective, identity, is_senior

if TYPE_CHECKING:
    from assistant.discovery.bank import Fill
    from assistant.service import Service

Status = Literal["known", "ambiguous", "decayed", "contradicted", "against", "absent"]
KNOWN_CONFIDENCE = 0.7
HEDGES = frozenset({"uncertain", "uncertainty", "hypothetical", "hedged"})
# Negative types that deny a positive fact of the same dimension ("no budget", "no timeline").
_DENIES = ("budget", "timeline", "need")


@dataclass
class LeadState:
    """A lead as discovery reasons about it, built once per question or answer."""

    lead_id: str
    lead_name: str
    facts: LeadFacts
    scored: list[ScoredSignal]
    model: ScoringModel
    now: dt.date
    score: Score
    effs: list[Effective] = field(default_factory=list)
    modifiers: dict[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def segment(self) -> str:
        return self.score.segment

    def decay(self, eff: Effective) -> float:
        """How much of a signal is left after decay (1.0 = fresh)."""
        if eff.date is None or eff.date >= self.now:
            return 1.0
        sm = self.model.segments[self.segment]
        half = sm.half_life_days.get(eff.dimension, sm.half_life_days["default"])
        return 0.5 ** ((self.now - eff.date).days / half)

    def rescore(self, extra: list[ScoredSignal]) -> Score:
        """The score with hypothetical signals added (nothing is stored)."""
        return score_lead(self.facts, [*self.scored, *extra], self.model, self.now)


def build_state(svc: Service, lead_id: str, *, now: dt.date | None = None) -> LeadState:
    """Read the lead's inputs through the service and score them (no snapshot)."""
    lead = svc.require_lead(lead_id)
    facts, scored = svc.scoring_inputs(lead_id)
    model = svc.scoring_model()
    day = now or svc.today()
    score = score_lead(facts, scored, model, day)
    effs = [e for e in (effective(s) for s in scored) if e is not None]
    mods = {s.signal_id: s.signal.modifiers for s in scored}
    return LeadState(lead_id, lead.name, facts, scored, model, day, score, effs, mods)


@dataclass(frozen=True)
class Evidence:
    """The status of one wanted fact, with the signals behind it (latest last)."""

    status: Status
    signals: tuple[Effective, ...] = ()
    winner: Effective | None = None


def _order(e: Effective) -> tuple[dt.date, int]:
    return (e.date or dt.date.min, e.sid)


def hedged(state: LeadState, e: Effective) -> bool:
    """A hedge word (probably, if, maybe) sat on the evidence."""
    return bool(HEDGES & set(state.modifiers.get(e.sid, ())))


def _strong(state: LeadState, e: Effective) -> bool:
    return e.confidence >= KNOWN_CONFIDENCE and not hedged(state, e)


def _denies(neg: Effective, fill: Fill, values: set[str]) -> bool:
    """Does an `against` signal deny the fact a fill asks for? ("no budget" denies a budget
    status; "SSO not required" does not deny "needs SOC 2")."""
    if neg.type.startswith("no_") and fill.dimension in _DENIES:
        return True
    if neg.type != fill.type:
        return False
    return fill.type == "status" or not neg.value_key or neg.value_key in values


def fill_status(fill: Fill, state: LeadState) -> Evidence:
    """Is the fact a question asks for known with high confidence, or worth (re-)asking?"""
    words = state.model.title_words
    pos: list[Effective] = []
    neg: list[Effective] = []
    same_type = {
        e.value_key
        for e in state.effs
        if e.dimension == fill.dimension and e.type == fill.type and e.polarity != "against"
    }
    for e in state.effs:
        if e.dimension != fill.dimension:
            continue
        if e.polarity == "against":
            if _denies(e, fill, same_type):
                neg.append(e)
            continue
        if e.type != fill.type or (fill.accept and e.value_key not in fill.accept):
            continue
        if fill.dated and not (isinstance(e.value, dict) and e.value.get("date")):
            continue
        if fill.senior and not is_senior(e.value, words):
            continue
        pos.append(e)
    every = tuple(sorted(pos + neg, key=_order))
    if not every:
        return Evidence("absent")
    winner = every[-1]
    if pos and neg:
        if winner.polarity != "against" and _strong(state, winner) and state.decay(winner) > 0.5:
            return Evidence("known", every, winner)  # settled: the later, firm answer wins
        return Evidence("contradicted", every, winner)
    if not pos:
        return Evidence("against", every, winner)
    if fill.senior and len({identity(e) for e in pos}) < 2:
        return Evidence("ambiguous", every, winner)
    strong = [e for e in pos if _strong(state, e)]
    if not strong:
        return Evidence("ambiguous", every, max(pos, key=lambda e: (e.confidence, _order(e))))
    fresh = [e for e in strong if state.decay(e) > 0.5]
    if not fresh:
        return Evidence("decayed", every, max(strong, key=_order))
    return Evidence("known", every, max(fresh, key=_order))


def short_quote(text: str, limit: int = 60) -> str:
    """One line, at most `limit` characters."""
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 3].rstrip() + "..."
