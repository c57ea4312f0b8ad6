"""Stages and their written criteria: which stage a lead reached and what blocks the next."""

from __future__ import annotations

from scoring.effective import Effective, identity, is_senior
from scoring.model import STAGES, Criterion, ScoringModel, Selector
from scoring.result import BlockingGate


def _selected(sel: Selector, eff: Effective, title_words: tuple[str, ...]) -> bool:
    if eff.dimension != sel.dimension or eff.polarity != "for":
        return False
    if sel.types is not None and eff.type not in sel.types:
        return False
    if sel.values is not None and eff.value_key not in sel.values:
        return False
    if sel.senior and not is_senior(eff.value, title_words):
        return False
    return not (sel.dated and not (isinstance(eff.value, dict) and eff.value.get("date")))


def criterion_met(crit: Criterion, effs: list[Effective], title_words: tuple[str, ...]) -> bool:
    """Met when enough distinct signals (people count once) match any selector."""
    found = {
        identity(e) for e in effs if any(_selected(s, e, title_words) for s in crit.match)
    }
    return len(found) >= crit.min_count


def stage_and_gate(
    segment: str,
    total: int,
    effs: list[Effective],
    model: ScoringModel,
    override: str | None,
) -> tuple[str, BlockingGate | None, list[str]]:
    """(stage, blocking gate, actions of the missing criteria in order)."""
    rules = model.segments[segment].stages
    words = model.title_words
    stage = "IQL"
    gate: BlockingGate | None = None
    actions: list[str] = []
    for rule in rules:
        missing, hints, acts = [], [], []
        for crit in rule.criteria:
            if not criterion_met(crit, effs, words):
                missing.append(crit.label)
                acts.append(crit.action)
                if crit.hint:
                    hints.append(crit.hint)
        if total < rule.min_score:
            missing.append(f"score >= {rule.min_score} (now {total})")
        if missing:
            gate = BlockingGate(stage=rule.name, missing=missing, hints=hints)
            actions = acts
            break
        stage = rule.name
    if override is not None:
        stage = override
        later = [r for r in rules if STAGES.index(r.name) > STAGES.index(override)]
        if not later:
            return stage, None, []
        if gate is None or STAGES.index(gate.stage) <= STAGES.index(override):
            nxt = later[0]
            missing = [c.label for c in nxt.criteria if not criterion_met(c, effs, words)]
            hints = [c.hint for c in nxt.criteria if c.hint and c.label in missing]
            actions = [c.action for c in nxt.criteria if c.label in missing]
            if total < nxt.min_score:
                missing.append(f"score >= {nxt.min_score} (now {total})")
            gate = BlockingGate(stage=nxt.name, missing=missing, hints=hints)
    return stage, gate, actions
