"""The question bank: discovery questions and framework views, kept as validated TOML data.

Why data: sales teams tune wording and add segment-specific questions without touching code,
and a typo in a file must fail loudly with the file, the key and the reason.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.discovery.errors import BankError
from extractors.schema import DIMENSIONS, Dimension

BANK_DIR = Path(__file__).resolve().parent.parent / "questions"
Segment = Literal["enterprise", "mid_market", "smb"]
SEGMENTS: tuple[str, ...] = ("enterprise", "mid_market", "smb")
AskStage = Literal["MQL", "SAL", "SQL", "Opportunity"]
FRAMEWORK_NAMES: tuple[str, ...] = ("bant", "meddicc", "meddpicc", "champ")


class Fill(BaseModel):
    """One kind of evidence a question can produce, and how to simulate it for ranking.

    `value` is the simulated value (a string such as "earmarked" or a dict); `accept` lists the
    value keys that count as already known (default: any value of this dimension and type).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    dimension: Dimension
    type: str = Field(min_length=1)
    value: str | dict[str, Any] | None = None
    accept: tuple[str, ...] | None = None
    dated: bool = False
    senior: bool = False

    @property
    def key(self) -> str:
        extra = f".{'|'.join(self.accept)}" if self.accept else ""
        return f"{self.dimension}.{self.type}{extra}"


class FollowUp(BaseModel):
    """Ask question `ask` next when the answer yields `on`.

    `on` is `dimension.type.value`, `dimension.type`, `dimension:polarity` or `none` (the
    answer gave no signal).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    on: str = Field(min_length=1)
    ask: str = Field(min_length=1)

    @field_validator("on")
    @classmethod
    def _known_dimension(cls, value: str) -> str:
        if value == "none":
            return value
        dim = value.split(":")[0].split(".")[0]
        if dim not in DIMENSIONS:
            raise ValueError(f"{value!r} must start with a dimension ({', '.join(DIMENSIONS)})")
        if ":" in value and value.split(":", 1)[1] not in ("for", "against", "neutral"):
            raise ValueError(f"{value!r}: polarity must be for, against or neutral")
        return value


class AskIf(BaseModel):
    """Only ask when a fact has one of these statuses (e.g. ask about the next budget cycle
    only once the prospect said there is no budget)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dimension: Dimension
    type: str = Field(min_length=1)
    status: tuple[
        Literal["known", "ambiguous", "decayed", "contradicted", "against", "absent"], ...
    ] = Field(min_length=1)

    def as_fill(self) -> Fill:
        return Fill(dimension=self.dimension, type=self.type)


class Question(BaseModel):
    """A discovery question: what it asks, why, what it can fill and when it belongs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
    text: str = Field(min_length=5)
    template: str | None = Field(default=None, description="uses {fact.name}; text is fallback")
    purpose: str = Field(min_length=3)
    dimension: Dimension
    fills: tuple[Fill, ...] = Field(min_length=1)
    stage: AskStage
    segments: tuple[Segment, ...] = SEGMENTS
    frameworks: tuple[Literal["bant", "meddicc", "meddpicc", "champ"], ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    ask_if: AskIf | None = None

    @property
    def fills_key(self) -> str:
        """Questions with the same key ask for the same evidence (one of them is enough)."""
        return "+".join(sorted(f.key for f in self.fills))


class Selector(BaseModel):
    """Which signals a framework letter looks at."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dimension: Dimension
    types: tuple[str, ...] | None = None
    values: tuple[str, ...] | None = None
    quantified: bool = Field(default=False, description="the quote must hold a number")


class Letter(BaseModel):
    """One letter of a framework (MEDDICC's E = economic buyer)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(min_length=1, max_length=2)
    name: str = Field(min_length=1)
    match: tuple[Selector, ...] = Field(min_length=1)


class Framework(BaseModel):
    """A framework view: its letters mapped onto our dimensions and types."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    title: str
    letters: tuple[Letter, ...] = Field(min_length=1)


class QuestionBank(BaseModel):
    """All questions (by id, file order) and framework views."""

    model_config = ConfigDict(frozen=True)

    questions: tuple[Question, ...]
    frameworks: dict[str, Framework]

    def get(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def for_segment(self, segment: str) -> list[Question]:
        return [q for q in self.questions if segment in q.segments]


def _loc(loc: tuple[Any, ...], items: list[dict[str, Any]]) -> str:
    """`question[3] (id=budget.range).fills[0].type` from a pydantic error location."""
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
            if i == 1 and loc[0] == "question" and part < len(items):
                qid = items[part].get("id") if isinstance(items[part], dict) else None
                if qid:
                    out += f" (id={qid})"
        else:
            out += f".{part}" if out else str(part)
    return out


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: list[Question] = []
    framework: dict[str, Framework] = {}


def parse_bank_file(path: Path) -> tuple[list[Question], dict[str, Framework]]:
    """Read and validate one TOML file; errors name the file, the key and the reason."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BankError(f"{path}: cannot read question file: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{path}: not valid TOML: {exc}") from exc
    data = {**data}
    if "framework" in data and isinstance(data["framework"], dict):
        data["framework"] = {
            k: {"name": k, **v} if isinstance(v, dict) else v for k, v in data["framework"].items()
        }
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        items = data.get("question", []) if isinstance(data.get("question"), list) else []
        where = _loc(tuple(err["loc"]), items)
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise BankError(f"{path}: {where}: {err['msg']}{more}") from exc
    return parsed.question, parsed.framework


def load_bank(directory: Path | None = None) -> QuestionBank:
    """Load every `*.toml` in the directory; ids must be unique and follow-ups must resolve."""
    folder = directory or BANK_DIR
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise BankError(f"{folder}: no question files (*.toml) found")
    questions: list[Question] = []
    frameworks: dict[str, Framework] = {}
    origin: dict[str, Path] = {}
    for path in files:
        qs, fws = parse_bank_file(path)
        for q in qs:
            if q.id in origin:
                raise BankError(f"{path}: question id {q.id!r} already defined in {origin[q.id]}")
            origin[q.id] = path
            questions.append(q)
        for name, fw in fws.items():
            if name not in FRAMEWORK_NAMES:
                raise BankError(
                    f"{path}: framework.{name}: unknown framework; use {', '.join(FRAMEWORK_NAMES)}"
                )
            frameworks[name] = fw
    for q in questions:
        for i, fu in enumerate(q.follow_ups):
            if fu.ask not in origin:
                raise BankError(
                    f"{origin[q.id]}: question (id={q.id}).follow_ups[{i}].ask: "
                    f"no question with id {fu.ask!r}"
                )
    return QuestionBank(questions=tuple(questions), frameworks=frameworks)


@lru_cache(maxsize=1)
def default_bank() -> QuestionBank:
    """The shipped bank, loaded once."""
    return load_bank()
