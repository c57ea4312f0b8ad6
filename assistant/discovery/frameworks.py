"""Framework views (BANT, MEDDICC, MEDDPICC, CHAMP): each letter with a status and its quotes.

Statuses: found (with its quote), ambiguous (hedged or low confidence), contradicted (evidence
for and against; the later one wins and both are shown), absent. Ambiguous and contradicted
letters come first, since those are the ones to ask about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from assistant.discovery.bank import Framework, Letter, QuestionBank, Selector
from assistant.discovery.errors import DiscoveryError
from assistant.discovery.ranking import RankedQuestion
from assistant.discovery.state import LeadState, hedged, short_quote
from scoring.effective import Effective

LetterStatus = Literal["found", "ambiguous", "contradicted", "absent"]
STATUS_ORDER: dict[str, int] = {"contradicted": 0, "ambiguous": 1, "absent": 2, "found": 3}
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|half)\b", re.I)


@dataclass(frozen=True)
class LetterView:
    """One letter's status, the evidence behind it (winner first) and the question to ask."""

    letter: Letter
    status: LetterStatus
    evidence: tuple[Effective, ...]
    question: RankedQuestion | None

    def to_public_json(self) -> dict[str, Any]:
        return {
            "letter": self.letter.key,
            "name": self.letter.name,
            "status": self.status,
            "evidence": [
                {
                    "signal_id": e.sid,
                    "document_id": e.document_id,
                    "date": e.date.isoformat() if e.date else None,
                    "polarity": e.polarity,
                    "confidence": round(e.confidence, 2),
                    "quote": e.quote,
                }
                for e in self.evidence
            ],
            "question": None if self.question is None else self.question.to_public_json(),
        }


def get_framework(bank: QuestionBank, name: str) -> Framework:
    key = name.strip().lower()
    if key not in bank.frameworks:
        raise DiscoveryError(
            f"unknown framework {name!r}; use one of {', '.join(sorted(bank.frameworks))}"
        )
    return bank.frameworks[key]


def _matches(sel: Selector, e: Effective) -> bool:
    if e.dimension != sel.dimension:
        return False
    if sel.types is not None and e.type not in sel.types:
        return False
    if sel.values is not None and e.value_key not in sel.values:
        return False
    return not (sel.quantified and not _NUMBER.search(e.quote))


def _order(e: Effective) -> tuple[int, int]:
    return (e.date.toordinal() if e.date else 0, e.sid)


def letter_status(letter: Letter, state: LeadState) -> tuple[LetterStatus, tuple[Effective, ...]]:
    """The status of one letter and its evidence, the deciding signal first."""
    hits = sorted(
        (e for e in state.effs if any(_matches(s, e) for s in letter.match)), key=_order
    )
    if not hits:
        return "absent", ()
    pos = [e for e in hits if e.polarity != "against"]
    neg = [e for e in hits if e.polarity == "against"]
    if pos and neg:
        winner = hits[-1]
        other = (neg if winner.polarity != "against" else pos)[-1]
        return "contradicted", (winner, other)
    best = max(hits, key=lambda e: (e.confidence >= 0.7 and not hedged(state, e), *_order(e)))
    if best.confidence < 0.7 or hedged(state, best):
        return "ambiguous", (best,)
    return "found", (best,)


def framework_view(
    state: LeadState, framework: Framework, ranked: list[RankedQuestion]
) -> list[LetterView]:
    """Every letter with its status; the letters to ask about first."""
    views = []
    for letter in framework.letters:
        status, evidence = letter_status(letter, state)
        question = None
        if status != "found":
            question = next(
                (
                    r
                    for r in ranked
                    if any(
                        f.dimension == s.dimension and (s.types is None or f.type in s.types)
                        for f in r.question.fills
                        for s in letter.match
                    )
                ),
                None,
            )
        views.append(LetterView(letter, status, evidence, question))
    return sorted(views, key=lambda v: STATUS_ORDER[v.status])


def describe_letter(view: LetterView) -> str:
    """One line for a terminal: `E  Economic buyer  found  "our COO Linda Marsh" (doc 11)`."""
    head = f"{view.letter.key:<2} {view.letter.name:<18} {view.status:<12}"
    quotes = [
        f'"{short_quote(e.quote, 50)}" (doc {e.document_id}'
        + (f", {e.date.isoformat()}" if e.date else "")
        + ")"
        for e in view.evidence
    ]
    if view.status == "contradicted" and len(quotes) == 2:
        body = f"{quotes[0]} wins over {quotes[1]}"
    else:
        body = quotes[0] if quotes else "-"
    return f"{head} {body}"
