"""The shared vocabulary: documents going in, signals with evidence coming out.

Every other package (scoring, assistant, tui) speaks in these types. They live in the lowest
layer so that nothing has to import upwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Dimension = Literal[
    "budget",
    "authority",
    "timeline",
    "security",
    "stakeholder",
    "need",
    "competition",
    "next_step",
]
DIMENSIONS: tuple[str, ...] = (
    "budget",
    "authority",
    "timeline",
    "security",
    "stakeholder",
    "need",
    "competition",
    "next_step",
)
Polarity = Literal["for", "against", "neutral"]
Role = Literal["rep", "prospect", "unknown"]
DocumentKind = Literal["call", "chat", "email", "notes", "answer"]
DOCUMENT_KINDS: tuple[str, ...] = ("call", "chat", "email", "notes", "answer")


class Participant(BaseModel):
    """A person taking part in a document (speaker, sender, recipient)."""

    model_config = ConfigDict(frozen=True)

    name: str
    role: Role = "unknown"
    email: str | None = None
    title: str | None = None
    company: str | None = None
    phone: str | None = None


class Utterance(BaseModel):
    """One turn (or paragraph) of a document; `start`/`end` index into `Document.text`."""

    model_config = ConfigDict(frozen=True)

    index: int
    speaker: str | None = None
    role: Role = "unknown"
    start: int
    end: int
    text: str
    timestamp: float | None = Field(default=None, description="seconds from the start")


class Document(BaseModel):
    """A parsed conversation. `text` holds only fresh content: quoted history is kept apart."""

    model_config = ConfigDict(frozen=True)

    kind: DocumentKind
    source: str = "-"
    date: dt.date | None = None
    participants: tuple[Participant, ...] = ()
    text: str
    utterances: tuple[Utterance, ...] = ()
    quoted_text: str = ""
    meta: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _utterances_point_into_text(self) -> Document:
        for utt in self.utterances:
            if self.text[utt.start : utt.end] != utt.text:
                raise ValueError(
                    f"utterance {utt.index} offsets {utt.start}:{utt.end} do not match its text"
                )
        return self

    @property
    def content_hash(self) -> str:
        """Identity of the content, so that re-ingesting the same text is a no-op."""
        return hashlib.sha256(f"{self.kind}\x00{self.text}".encode()).hexdigest()

    def utterance_at(self, offset: int) -> Utterance | None:
        """The utterance that contains a character offset, if any."""
        for utt in self.utterances:
            if utt.start <= offset < utt.end:
                return utt
        return None


class Evidence(BaseModel):
    """Where a signal comes from: the exact span, who said it, and why we believe it."""

    model_config = ConfigDict(frozen=True)

    document_id: int | None = None
    start: int
    end: int
    speaker: str | None = None
    role: Role = "unknown"
    quote: str
    extractor: str
    extractor_version: str
    reasons: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _span_is_sane(self) -> Evidence:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"bad evidence span {self.start}:{self.end}")
        if len(self.quote) != self.end - self.start:
            raise ValueError("quote length does not match its span")
        return self

    def check_against(self, text: str) -> None:
        """The one place that enforces `quote == text[start:end]`."""
        if text[self.start : self.end] != self.quote:
            raise ValueError(
                f"evidence quote {self.quote!r} is not text[{self.start}:{self.end}]"
            )


class Signal(BaseModel):
    """A typed qualification fact with its evidence."""

    model_config = ConfigDict(frozen=True)

    dimension: Dimension
    type: str
    value: dict[str, Any] | str | None = None
    polarity: Polarity = "for"
    confidence: float = Field(ge=0.0, le=1.0)
    modifiers: tuple[str, ...] = ()
    evidence: Evidence

    @property
    def extractor(self) -> str:
        return self.evidence.extractor

    def to_public_json(self) -> dict[str, Any]:
        """The stable `qualify extract --json` shape of one signal."""
        ev = self.evidence
        return {
            "dimension": self.dimension,
            "type": self.type,
            "value": self.value,
            "polarity": self.polarity,
            "confidence": round(self.confidence, 3),
            "modifiers": list(self.modifiers),
            "evidence": {
                "start": ev.start,
                "end": ev.end,
                "speaker": ev.speaker,
                "role": ev.role,
                "quote": ev.quote,
            },
            "extractor": f"{ev.extractor}@{ev.extractor_version}",
        }
