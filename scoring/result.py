"""The output of scoring: a total that every explanation line adds up to, exactly."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ExplanationLine(BaseModel):
    """One contribution to the total, with the signal ids it came from."""

    model_config = ConfigDict(frozen=True)

    points: int
    dimension: str
    text: str
    evidence: list[int] = Field(default_factory=list)


class BlockingGate(BaseModel):
    """The next stage a lead has not reached, and the evidence that would open it."""

    model_config = ConfigDict(frozen=True)

    stage: str
    missing: list[str]
    hints: list[str] = Field(default_factory=list)


class Score(BaseModel):
    """A lead's score. `sum(line.points for line in explanation) == total`, always."""

    model_config = ConfigDict(frozen=True)

    lead: str
    segment: str
    total: int = Field(ge=0, le=100)
    dimensions: dict[str, int]
    stage: str
    blocking_gate: BlockingGate | None
    route: str
    route_reason: str = ""
    sla_hours: int | None = None
    next_action: str
    model_version: str
    explanation: list[ExplanationLine]
    features: dict[str, float] = Field(
        default_factory=dict, description="unrounded share of each dimension reached (tuning)"
    )

    def to_public_json(self) -> dict[str, Any]:
        """The stable `qualify score --json` shape."""
        gate = self.blocking_gate
        return {
            "lead": self.lead,
            "segment": self.segment,
            "total": self.total,
            "dimensions": dict(self.dimensions),
            "stage": self.stage,
            "blocking_gate": (
                None
                if gate is None
                else {"stage": gate.stage, "missing": list(gate.missing), "hints": list(gate.hints)}
            ),
            "route": self.route,
            "route_reason": self.route_reason,
            "sla_hours": self.sla_hours,
            "next_action": self.next_action,
            "model_version": self.model_version,
            "explanation": [
                {
                    "points": line.points,
                    "dimension": line.dimension,
                    "text": line.text,
                    "evidence": list(line.evidence),
                }
                for line in self.explanation
            ],
        }
