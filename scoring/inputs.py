"""What scoring needs to know about a lead: its facts and its reviewed signals."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from extractors.schema import Signal

if TYPE_CHECKING:
    from scoring.model import ScoringModel
    from scoring.result import Score

Review = Literal["confirmed", "rejected", "edited"]


class LeadFacts(BaseModel):
    """Firmographics and flags of a lead, as the store knows them (not from signals)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str = ""
    employees: int | None = Field(default=None, ge=0)
    revenue: float | None = Field(default=None, ge=0)
    potential_arr: float | None = Field(default=None, ge=0)
    industry: str | None = None
    segment_override: Literal["enterprise", "mid_market", "smb"] | None = None
    owner: str | None = None
    stage_override: Literal["IQL", "MQL", "SAL", "SQL", "Opportunity"] | None = None
    last_touch: dt.date | None = None
    student: bool = False
    job_seeker: bool = False
    unsubscribed: bool = False
    outside_icp: bool = False


class ScoredSignal(BaseModel):
    """A stored signal with where it came from and what a human said about it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    signal_id: int
    signal: Signal
    document_date: dt.date | None = None
    document_id: int | None = None
    review: Review | None = None
    edited_value: dict[str, Any] | str | None = None
    reviewer: str | None = None
    review_reason: str | None = None

    @model_validator(mode="after")
    def _edit_has_value(self) -> ScoredSignal:
        if self.review == "edited" and self.edited_value is None:
            raise ValueError(f"signal {self.signal_id}: review 'edited' needs an edited_value")
        return self


def score_lead(
    facts: LeadFacts,
    signals: list[ScoredSignal],
    model: ScoringModel,
    now: dt.date,
) -> Score:
    """Score one lead; see `scoring.engine.score_lead` (kept here so inputs and call meet)."""
    from scoring.engine import score_lead as _score

    return _score(facts, signals, model, now)


def inputs_hash(facts: LeadFacts, signals: list[ScoredSignal], model: ScoringModel) -> str:
    """Stable sha256 of everything a score depends on except `now`, for score snapshots."""
    payload = {
        "facts": facts.model_dump(mode="json"),
        "signals": [
            s.model_dump(mode="json") for s in sorted(signals, key=lambda s: s.signal_id)
        ],
        "model": model.version,
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()
