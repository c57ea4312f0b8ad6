"""Question templates filled with what we already know ("You mentioned Dana signs off...").

A template names facts as `{group.field}`; when any of them is unknown the question's plain
text is used instead, so a question never reads "You mentioned None".
"""

from __future__ import annotations

import re
from typing import Any

from assistant.discovery.state import LeadState, short_quote
from scoring.effective import Effective, describe

FIELD = re.compile(r"\{([a-z_]+\.[a-z_]+)\}")


def _person(effs: list[Effective], role: str) -> dict[str, str]:
    for e in reversed(effs):
        v = e.value
        if e.dimension != "stakeholder" or not isinstance(v, dict):
            continue
        if v.get("buying_role") == role and v.get("name"):
            return {"name": str(v["name"]), "title": str(v.get("title") or "")}
    return {}


def known_facts(state: LeadState) -> dict[str, str]:
    """Dotted names a template may use, from the lead's freshest evidence (empty = unknown)."""
    effs = sorted(
        (e for e in state.effs if e.polarity != "against"),
        key=lambda e: ((e.date.toordinal() if e.date else 0), e.sid),
    )
    facts: dict[str, str] = {"lead.name": state.lead_name}
    for role in ("economic_buyer", "champion", "security_reviewer"):
        for key, value in _person(effs, role).items():
            if value:
                facts[f"{role}.{key}"] = value

    def last(dim: str, *types: str) -> Effective | None:
        found = [e for e in effs if e.dimension == dim and e.type in types]
        return found[-1] if found else None

    amount = last("budget", "amount")
    if amount is not None and isinstance(amount.value, dict) and amount.value.get("amount"):
        facts["budget.amount"] = describe(amount.value)
    status = last("budget", "status")
    if status is not None and status.value_key:
        facts["budget.status"] = status.value_key.replace("_", " ")
    date = last("timeline", "target_date")
    if date is not None and isinstance(date.value, dict) and date.value.get("date"):
        facts["timeline.date"] = str(date.value.get("phrase") or date.value["date"])
    event = last("timeline", "compelling_event")
    if event is not None:
        facts["timeline.event"] = short_quote(event.quote, 50)
    rival = last("competition", "incumbent", "alternative")
    if rival is not None and isinstance(rival.value, dict) and rival.value.get("name"):
        facts["competitor.name"] = str(rival.value["name"])
    pain = last("need", "pain")
    if pain is not None:
        facts["pain.quote"] = f'"{short_quote(pain.quote, 50)}"'
    req = last("security", "requirement")
    if req is not None and isinstance(req.value, str):
        facts["requirement.name"] = req.value
    return facts


def render(template: str | None, fallback: str, facts: dict[str, Any]) -> str:
    """The template with facts filled in, or the fallback when a fact is missing."""
    if not template:
        return fallback
    names = FIELD.findall(template)
    if any(not facts.get(n) for n in names):
        return fallback
    return FIELD.sub(lambda m: str(facts[m.group(1)]), template)
