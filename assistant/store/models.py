"""Row models the store accepts and returns, next to the shared types of extractors.schema."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from extractors.schema import Document, Signal

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 64
ReviewAction = Literal["confirm", "reject", "edit"]
REVIEW_ACTIONS: tuple[str, ...] = ("confirm", "reject", "edit")


def slugify(text: str) -> str:
    """Turn a company or lead name into a lead id ("ACME Corp." -> "acme-corp")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-")


class LeadRow(BaseModel):
    """A lead: firmographics plus the overrides a human set (segment, stage)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str = Field(min_length=1)
    company: str | None = None
    segment: str | None = Field(default=None, description="override; None = derive from rules")
    employees: int | None = Field(default=None, ge=0)
    revenue: float | None = Field(default=None, ge=0)
    potential_arr: float | None = Field(default=None, ge=0)
    industry: str | None = None
    owner: str | None = None
    stage: str | None = Field(default=None, description="override; None = derive from score")
    created_at: dt.datetime | None = Field(default=None, description="set by the store")
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, value: str) -> str:
        if len(value) > SLUG_MAX or not SLUG_RE.match(value):
            raise ValueError(
                f"lead id {value!r} must be a slug: lowercase letters, digits and single "
                f"dashes, at most {SLUG_MAX} characters (e.g. {slugify(value) or 'acme'!r})"
            )
        return value


class StoredDocument(BaseModel):
    """A document as stored: its database id, its lead and when it was ingested."""

    model_config = ConfigDict(frozen=True)

    id: int
    lead_id: str
    document: Document
    created_at: dt.datetime


class StoredSignal(BaseModel):
    """A signal as stored. `signal.evidence.document_id` equals `document_id`."""

    model_config = ConfigDict(frozen=True)

    id: int
    lead_id: str
    document_id: int
    signal: Signal
    created_at: dt.datetime
    run_id: str | None = None
    retired: bool = Field(
        default=False, description="dropped by a re-extraction but kept for its reviews"
    )


class Review(BaseModel):
    """A human decision on one signal: who, when, what and why."""

    model_config = ConfigDict(frozen=True)

    id: int
    signal_id: int
    action: ReviewAction
    value: dict[str, Any] | str | None = None
    reason: str | None = None
    by: str
    at: dt.datetime


class Snapshot(BaseModel):
    """A score at a point in time, so that model changes show up in score history."""

    model_config = ConfigDict(frozen=True)

    id: int
    lead_id: str
    at: dt.datetime
    total: float
    stage: str | None
    model_version: str
    inputs_hash: str
    score: dict[str, Any]


class StakeholderMention(BaseModel):
    """Where a stakeholder was named: a span of a stored document."""

    model_config = ConfigDict(frozen=True)

    document_id: int
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str = ""


def stakeholder_key(name: str) -> str:
    """Stable identity of a person within a lead: case and spacing do not matter."""
    return " ".join(name.casefold().split())


class Stakeholder(BaseModel):
    """A person on the buying side; `key` identifies them within a lead (default: the name)."""

    model_config = ConfigDict(frozen=True)

    key: str = ""
    name: str = Field(min_length=1)
    title: str | None = None
    department: str | None = None
    buying_role: str | None = None
    stance: str | None = None
    present: bool = False
    mentions: tuple[StakeholderMention, ...] = ()

    @model_validator(mode="after")
    def _default_key(self) -> Stakeholder:
        if not self.key:
            object.__setattr__(self, "key", stakeholder_key(self.name))
        return self


class Event(BaseModel):
    """One entry of the append-only, hash-chained audit log."""

    model_config = ConfigDict(frozen=True)

    id: int
    at: dt.datetime
    actor: str
    kind: str
    lead_id: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class SearchHit(BaseModel):
    """A full-text match; `snippet` marks matched words with MARK_START / MARK_END."""

    model_config = ConfigDict(frozen=True)

    document_id: int
    lead_id: str
    kind: str
    source: str
    snippet: str
    rank: float
    utterance_index: int | None = None
    speaker: str | None = None
