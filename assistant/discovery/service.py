"""Discovery operations for the CLI and the TUI: ranked questions, gaps, the call plan.

Each takes the `Service` first, like the service API itself, and returns plain models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.discovery.bank import QuestionBank, default_bank
from assistant.discovery.frameworks import LetterView, framework_view, get_framework
from assistant.discovery.ranking import RankedQuestion, rank_questions
from assistant.discovery.state import LeadState, build_state, short_quote
from assistant.service import Service
from extractors.schema import DIMENSIONS
from scoring.effective import Effective, describe


def next_questions(
    svc: Service, lead_id: str, *, limit: int | None = None, bank: QuestionBank | None = None
) -> list[RankedQuestion]:
    """The lead's open questions, best first."""
    ranked = rank_questions(build_state(svc, lead_id), bank or default_bank())
    return ranked[:limit] if limit else ranked


def framework_letters(
    svc: Service, lead_id: str, name: str, *, bank: QuestionBank | None = None
) -> list[LetterView]:
    """Each letter of a framework with its status, evidence and the question to ask."""
    the_bank = bank or default_bank()
    fw = get_framework(the_bank, name)
    state = build_state(svc, lead_id)
    return framework_view(state, fw, rank_questions(state, the_bank))


@dataclass(frozen=True)
class Gap:
    """One dimension: what we know, what the stage gates still want from it, what to ask."""

    dimension: str
    known: tuple[str, ...]
    blocks: tuple[str, ...]
    question: RankedQuestion | None

    def to_public_json(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "known": list(self.known),
            "blocks": list(self.blocks),
            "question": None if self.question is None else self.question.to_public_json(),
        }


def _known_line(e: Effective) -> str:
    what = f"{e.type.replace('_', ' ')} {describe(e.value)}".strip()
    if e.polarity == "against":
        what += " (against)"
    return f'{what}: "{short_quote(e.quote, 50)}" (doc {e.document_id})'


def _blocking(state: LeadState) -> dict[str, list[str]]:
    """Per dimension, the unmet criteria of the stages above the current one."""
    from scoring import STAGES
    from scoring.gates import criterion_met

    out: dict[str, list[str]] = {}
    sm = state.model.segments[state.segment]
    current = STAGES.index(state.score.stage)
    for rule in sm.stages:
        if STAGES.index(rule.name) <= current:
            continue
        for crit in rule.criteria:
            if criterion_met(crit, state.effs, state.model.title_words):
                continue
            for dim in dict.fromkeys(sel.dimension for sel in crit.match):
                out.setdefault(dim, []).append(f"{crit.label} (blocks {rule.name})")
    return out


def gaps(svc: Service, lead_id: str, *, bank: QuestionBank | None = None) -> list[Gap]:
    """What is missing per dimension and which stage gate it blocks."""
    state = build_state(svc, lead_id)
    ranked = rank_questions(state, bank or default_bank())
    blocking = _blocking(state)
    out = []
    for dim in DIMENSIONS:
        effs = sorted(
            (e for e in state.effs if e.dimension == dim),
            key=lambda e: (-e.confidence, e.sid),
        )
        known = tuple(dict.fromkeys(_known_line(e) for e in effs[:3]))
        question = next((r for r in ranked if r.question.dimension == dim), None)
        if question is None:
            question = next(
                (r for r in ranked if any(f.dimension == dim for f in r.question.fills)), None
            )
        out.append(Gap(dim, known, tuple(blocking.get(dim, ())), question))
    return out


@dataclass(frozen=True)
class CallPlan:
    """A one-page plan for the next call."""

    lead_id: str
    lead_name: str
    segment: str
    total: int
    stage: str
    blocking: str | None
    known: tuple[str, ...]
    missing: tuple[str, ...]
    questions: tuple[RankedQuestion, ...]
    bring_in: tuple[str, ...]

    def to_text(self) -> str:
        """Plain text that fits one terminal page."""
        lines = [
            f"Call plan: {self.lead_name} ({self.lead_id})",
            f"{self.segment}, score {self.total}, stage {self.stage}"
            + (f"; next gate: {self.blocking}" if self.blocking else ""),
            "",
            "Known:",
            *(f"  - {k}" for k in self.known or ("nothing yet",)),
            "",
            "Missing:",
            *(f"  - {m}" for m in self.missing or ("nothing the gates ask for",)),
            "",
            "Questions, in order:",
            *(
                f"  {i}. {q.text}\n     ({q.why})"
                for i, q in enumerate(self.questions, start=1)
            ),
            "",
            "Bring in:",
            *(f"  - {b}" for b in self.bring_in or ("no one new",)),
        ]
        return "\n".join(lines)


def _bring_in(svc: Service, state: LeadState) -> list[str]:
    people = svc.store.stakeholders(state.lead_id)
    out: list[str] = []
    roles = {p.buying_role for p in people if p.buying_role}
    for p in people:
        if p.buying_role in ("economic_buyer", "security_reviewer", "champion", "procurement",
                             "legal", "technical_evaluator") and not p.present:
            role = p.buying_role.replace("_", " ")
            title = f", {p.title}" if p.title else ""
            out.append(f"{p.name} ({role}{title}): mentioned, not yet on a call")
    wanted = {
        "economic_buyer": "the economic buyer: ask who signs the contract",
        "champion": "a champion: ask who would push for this internally",
    }
    if any(e.dimension == "security" for e in state.effs):
        wanted["security_reviewer"] = "the security reviewer: ask who owns the security review"
    if state.segment == "smb":
        wanted.pop("champion", None)
    out += [text for role, text in wanted.items() if role not in roles]
    return out


def call_plan(
    svc: Service, lead_id: str, *, questions: int = 5, bank: QuestionBank | None = None
) -> CallPlan:
    """What is known (with quotes), what is missing, what to ask, who to bring in."""
    state = build_state(svc, lead_id)
    ranked = rank_questions(state, bank or default_bank())
    score = state.score
    known = []
    for dim in DIMENSIONS:
        effs = [e for e in state.effs if e.dimension == dim and e.polarity != "against"]
        if effs:
            best = max(effs, key=lambda e: (e.confidence, e.date.toordinal() if e.date else 0))
            known.append(f"{dim}: {_known_line(best)}")
    blocking = _blocking(state)
    missing = list(dict.fromkeys(m for dim in DIMENSIONS for m in blocking.get(dim, ())))
    gate = score.blocking_gate
    missing += [m for m in (gate.missing if gate else []) if m.startswith("score >=")]
    return CallPlan(
        lead_id=state.lead_id,
        lead_name=state.lead_name,
        segment=score.segment,
        total=score.total,
        stage=score.stage,
        blocking=f"{gate.stage} ({', '.join(gate.missing)})" if gate else None,
        known=tuple(known),
        missing=tuple(missing),
        questions=tuple(ranked[:questions]),
        bring_in=tuple(_bring_in(svc, state)),
    )
