"""Human decisions: confirm, reject or edit a signal; override a lead's stage.

Reviews sit beside the signal row (the store never changes the signal) and are events with who,
when and why; scoring reads them through Service.scoring_inputs.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from assistant.audit.errors import AuditError
from assistant.service import Service
from assistant.store import LeadRow, Review, StoredSignal

CLEAR_STAGE = ("none", "clear", "auto")


class ReviewOutcome(BaseModel):
    """A stored review and what it did to the lead's score."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    review: Review
    signal: StoredSignal
    total_before: int
    total_after: int
    stage_before: str
    stage_after: str
    lines: list[str]


class OverrideOutcome(BaseModel):
    """A stage override and the score it gives."""

    model_config = ConfigDict(frozen=True)

    lead: LeadRow
    previous: str | None
    total: int
    stage: str


def _need(text: str | None, message: str) -> str:
    if text is None or not text.strip():
        raise AuditError(message)
    return text.strip()


NO_REASON = "the reason is empty; say why with --reason TEXT (it is kept in the audit log)"
NO_NAME = "who decided? give a name with --by NAME (it is kept in the audit log)"


def parse_value(text: str) -> dict[str, Any] | str:
    """An edited value: JSON when it parses as an object ({"amount": 60000}), else plain text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text.strip()
    return value if isinstance(value, dict) else text.strip()


def review_signal(
    svc: Service,
    signal_id: int,
    action: str,
    *,
    reason: str | None,
    by: str | None,
    value: str | None = None,
) -> ReviewOutcome:
    """Record a confirm / reject / edit and re-score the lead; nothing is written on bad input."""
    if action not in ("confirm", "reject", "edit"):
        raise AuditError("choose one of --confirm, --reject or --edit VALUE")
    reason_text = _need(reason, NO_REASON)
    who = _need(by, NO_NAME)
    stored = svc.store.get_signal(signal_id)
    if stored is None:
        raise AuditError(f"unknown signal {signal_id}: `qualify signals LEAD` lists signal ids")
    if action == "edit" and (value is None or not value.strip()):
        raise AuditError("--edit needs the corrected value, e.g. --edit '{\"amount\": 60000}'")
    before = svc.score(stored.lead_id, snapshot=False)
    review = svc.store.add_review(
        signal_id,
        action,
        value=parse_value(value) if action == "edit" and value else None,
        reason=reason_text,
        by=who,
    )
    after = svc.score(stored.lead_id)
    lines = [line.text for line in after.explanation if signal_id in line.evidence]
    return ReviewOutcome(
        review=review,
        signal=stored,
        total_before=before.total,
        total_after=after.total,
        stage_before=before.stage,
        stage_after=after.stage,
        lines=lines,
    )


def override_stage(
    svc: Service, lead_id: str, stage: str, *, reason: str | None, by: str | None
) -> OverrideOutcome:
    """Set (or with "none" clear) a human stage override; the event says who and why."""
    from scoring import STAGES

    reason_text = _need(reason, NO_REASON)
    who = _need(by, NO_NAME)
    svc.require_lead(lead_id)
    if stage.strip().lower() in CLEAR_STAGE:
        new_stage = None
    else:
        matches = [s for s in STAGES if s.lower() == stage.strip().lower()]
        if not matches:
            raise AuditError(
                f"unknown stage {stage!r}; use one of {', '.join(STAGES)} (or none to clear)"
            )
        new_stage = matches[0]
    lead, previous = svc.store.set_stage(lead_id, new_stage, reason=reason_text, by=who)
    score = svc.score(lead_id)
    return OverrideOutcome(lead=lead, previous=previous, total=score.total, stage=score.stage)


def latest_override(svc: Service, lead_id: str) -> dict[str, Any] | None:
    """The override event behind the lead's current stage override (who, when, why), if any."""
    lead = svc.require_lead(lead_id)
    if lead.stage is None:
        return None
    for event in reversed(svc.store.events(lead_id)):
        if event.kind == "override" and event.payload.get("field") == "stage":
            return {
                "stage": event.payload.get("stage"),
                "by": event.actor,
                "reason": event.payload.get("reason"),
                "at": event.at.isoformat(timespec="seconds"),
                "event": event.id,
            }
        if event.kind == "update_lead" and "stage" in event.payload.get("fields", []):
            return {
                "stage": lead.stage,
                "by": event.actor,
                "reason": None,
                "at": event.at.isoformat(timespec="seconds"),
                "event": event.id,
            }
    return {"stage": lead.stage, "by": None, "reason": None, "at": None, "event": None}
