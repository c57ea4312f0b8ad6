"""The scoring model as data: a TOML file validated by pydantic, versioned by content hash."""

from __future__ import annotations

import hashlib
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from extractors.schema import DIMENSIONS
from scoring.errors import ModelError

SCORING_DIMENSIONS: tuple[str, ...] = (*DIMENSIONS, "sentiment")
SEGMENTS: tuple[str, ...] = ("enterprise", "mid_market", "smb")
STAGES: tuple[str, ...] = ("IQL", "MQL", "SAL", "SQL", "Opportunity")
ROUTES: tuple[str, ...] = ("ae", "sdr", "smb_pool", "self_serve", "nurture")
ACTIONS: tuple[str, ...] = (
    "discovery_call",
    "technical_validation",
    "stakeholder_expansion",
    "security_review",
    "procurement_mapping",
    "nurture",
)
DEFAULT_MODEL_PATH = Path(__file__).parent / "models" / "default.toml"

Segment = Literal["enterprise", "mid_market", "smb"]
Stage = Literal["IQL", "MQL", "SAL", "SQL", "Opportunity"]
Route = Literal["ae", "sdr", "smb_pool", "self_serve", "nurture"]
Action = Literal[
    "discovery_call",
    "technical_validation",
    "stakeholder_expansion",
    "security_review",
    "procurement_mapping",
    "nurture",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_key(key: str) -> str:
    dim = key.split(".", 1)[0]
    if dim not in SCORING_DIMENSIONS:
        raise ValueError(f"key {key!r} names unknown dimension {dim!r}")
    return key


def _check_keys(table: dict[str, float]) -> None:
    for key in table:
        _check_key(key)


class SegmentRule(_Strict):
    """A lead belongs to the segment when ANY threshold is met."""

    min_employees: int | None = None
    min_revenue: float | None = None
    min_potential_arr: float | None = None
    min_security_items: int | None = None


class Segmentation(_Strict):
    order: list[Segment]
    fallback: Segment
    rules: dict[Segment, SegmentRule]

    @model_validator(mode="after")
    def _rules_for_order(self) -> Segmentation:
        for seg in self.order:
            if seg not in self.rules:
                raise ValueError(f"segment {seg!r} is in order but has no rule")
        return self


class Fit(_Strict):
    icp_industries: list[str] = Field(default_factory=list)
    outside_icp_industries: list[str] = Field(default_factory=list)
    min_employees: int = Field(default=10, ge=0)
    industry_share: float = Field(ge=0)
    size_share: float = Field(ge=0)
    arr_share: float = Field(ge=0)

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Fit:
        total = self.industry_share + self.size_share + self.arr_share
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"industry_share + size_share + arr_share must sum to 1, got {total}")
        return self


class Penalties(_Strict):
    student: float = Field(le=0)
    job_seeker: float = Field(le=0)
    unsubscribed: float = Field(le=0)
    outside_icp: float = Field(le=0)
    silence: float = Field(le=0)
    silence_after_days: int = Field(gt=0)


class Seniority(_Strict):
    title_words: list[str]


class Selector(_Strict):
    """Which signals satisfy a gate criterion."""

    dimension: str
    types: list[str] | None = None
    values: list[str] | None = None
    senior: bool = False
    dated: bool = False

    @model_validator(mode="after")
    def _known_dimension(self) -> Selector:
        if self.dimension not in SCORING_DIMENSIONS:
            raise ValueError(f"gate names unknown dimension {self.dimension!r}")
        return self


class Criterion(_Strict):
    label: str
    match: list[Selector] = Field(min_length=1)
    min_count: int = Field(default=1, ge=1)
    action: Action = "discovery_call"
    hint: str = ""


class StageRule(_Strict):
    name: Literal["MQL", "SAL", "SQL", "Opportunity"]
    min_score: int = Field(ge=0, le=100)
    criteria: list[Criterion] = Field(default_factory=list)


class SegmentRouting(_Strict):
    default: Route
    nurture_below: int = Field(default=0, ge=0, le=100)
    stage_routes: dict[Stage, Route] = Field(default_factory=dict)
    score_routes: dict[Route, int] = Field(default_factory=dict)


class SegmentModel(_Strict):
    fit: int = Field(ge=0)
    engagement: int = Field(ge=0)
    arr_full: float = Field(default=50000, gt=0)
    weights: dict[str, int]
    half_life_days: dict[str, float]
    points: dict[str, float] = Field(default_factory=dict)
    negatives: dict[str, float] = Field(default_factory=dict)
    caps: dict[str, float] = Field(default_factory=dict)
    routing: SegmentRouting
    stages: list[StageRule]

    @model_validator(mode="after")
    def _consistent(self) -> SegmentModel:
        unknown = set(self.weights) - set(SCORING_DIMENSIONS)
        if unknown:
            raise ValueError(f"weights name unknown dimension(s) {sorted(unknown)}")
        missing = set(SCORING_DIMENSIONS) - set(self.weights)
        if missing:
            raise ValueError(f"weights miss dimension(s) {sorted(missing)}")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("weights must not be negative")
        total = sum(self.weights.values())
        if total != self.engagement:
            raise ValueError(f"weights sum to {total} but engagement declares {self.engagement}")
        if "default" not in self.half_life_days:
            raise ValueError("half_life_days needs a 'default' entry")
        for dim, days in self.half_life_days.items():
            if dim != "default" and dim not in SCORING_DIMENSIONS:
                raise ValueError(f"half_life_days names unknown dimension {dim!r}")
            if days <= 0:
                raise ValueError(f"half-life of {dim!r} must be positive, got {days}")
        for table in (self.points, self.negatives, self.caps):
            _check_keys(table)
        names = [s.name for s in self.stages]
        if names != [s for s in STAGES[1:] if s in names]:
            raise ValueError(f"stages must follow the order MQL, SAL, SQL, Opportunity: {names}")
        return self


class Routing(_Strict):
    sla_hours: dict[Route, int] = Field(default_factory=dict)
    tie_break: TieBreak | None = None


class TieBreak(_Strict):
    segments: list[Segment]
    min_potential_arr: float | None = None
    min_security_items: int | None = None
    route: Route


Routing.model_rebuild()


class ScoringModel(_Strict):
    """A validated scoring model. Build it with `load_model` or `parse_model`."""

    name: str
    description: str = ""
    scale: int = Field(default=100, gt=0)
    segmentation: Segmentation
    fit: Fit
    penalties: Penalties
    seniority: Seniority
    points: dict[str, float]
    negatives: dict[str, float]
    caps: dict[str, float] = Field(default_factory=dict)
    # Groups of `dimension.type` keys that state one fact about the deal (budget status;
    # whether there is a timeline; whether there is a need). Within a group, a signal is
    # superseded by any later one of the opposite polarity: the latest word wins.
    supersede: dict[str, list[str]] = Field(default_factory=dict)
    routing: Routing
    segments: dict[Segment, SegmentModel]
    version: str = Field(default="", description="short sha256 of the file text")

    _lookup: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> ScoringModel:
        for seg in SEGMENTS:
            if seg not in self.segments:
                raise ValueError(f"segment {seg!r} is missing")
            sm = self.segments[seg]
            if sm.fit + sm.engagement != self.scale:
                raise ValueError(
                    f"segment {seg!r}: fit {sm.fit} + engagement {sm.engagement} "
                    f"must sum to scale {self.scale}"
                )
        for table in (self.points, self.negatives, self.caps):
            _check_keys(table)
        for group, keys in self.supersede.items():
            if not keys:
                raise ValueError(f"supersede group {group!r} is empty")
            for key in keys:
                _check_key(key)
        for key, value in self.negatives.items():
            if value > 0:
                raise ValueError(f"negative points {key!r} must be <= 0, got {value}")
        return self

    def model_post_init(self, __context: Any) -> None:
        """Pre-merge the per-segment lookup tables once; scoring 10k leads reads them a lot."""
        for seg, sm in self.segments.items():
            self._lookup[seg] = {
                "points": {k.lower(): v for k, v in {**self.points, **sm.points}.items()},
                "negatives": {k.lower(): v for k, v in {**self.negatives, **sm.negatives}.items()},
                "caps": {k.lower(): v for k, v in {**self.caps, **sm.caps}.items()},
            }
        self._lookup["titles"] = tuple(w.lower() for w in self.seniority.title_words)

    def table(self, segment: str, name: str) -> dict[str, float]:
        """Merged (global + segment override) points, negatives or caps, lower-case keys."""
        return self._lookup[segment][name]

    @property
    def title_words(self) -> tuple[str, ...]:
        return self._lookup["titles"]


def _loc_to_key(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def parse_model(text: str, source: str = "<model>") -> ScoringModel:
    """Validate model TOML text; the version is the short sha256 of the text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(source, "(syntax)", f"not valid TOML: {exc}") from None
    if "version" in data:
        raise ModelError(source, "version", "is computed from the file content; remove it")
    data["version"] = hashlib.sha256(text.encode()).hexdigest()[:12]
    try:
        return ScoringModel.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        reason = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            reason = "unknown key"
        raise ModelError(source, _loc_to_key(err["loc"]), reason) from None


def load_model(path: str | Path | None = None) -> ScoringModel:
    """Load and validate a model file (the shipped default when `path` is None)."""
    p = Path(path) if path is not None else DEFAULT_MODEL_PATH
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(str(p), "(file)", f"cannot read: {exc.strerror or exc}") from None
    return parse_model(text, source=str(p))


@lru_cache(maxsize=1)
def default_model() -> ScoringModel:
    """The shipped default model, loaded once."""
    return load_model(DEFAULT_MODEL_PATH)
