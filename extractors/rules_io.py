"""Load rule files (TOML) into validated pydantic models.

Rules are data so that a sales-ops person can read and extend them; a malformed file must fail
at load time with the file, the line and what is wrong, never later in the middle of a call.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from extractors import fastscan
from extractors.fastscan import SpanMatch

RULES_DIR = Path(__file__).parent / "rules"

Category = Literal[
    "negation", "hypothetical", "question", "uncertainty", "past", "other_party", "pseudo"
]
Direction = Literal["forward", "backward", "bidirectional"]


class RulesError(ValueError):
    """A rule file is malformed; the message names the file, the line and the problem."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem} (fix the rule file and run again)")
        self.path = str(path)
        self.line = line
        self.problem = problem


def _compile(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    compiled = re.compile(pattern, flags)
    chars = _first_chars(pattern)
    if chars and "(?P" not in pattern:
        if not case_sensitive:  # a superset of the start characters is always safe
            chars = {c for ch in chars for c in (ch, ch.lower(), ch.upper()) if len(c) == 1}
        if len(chars) < 60:
            # same skip-ahead as _lowered: a leading \b alone makes the engine try every position
            klass = "".join(re.escape(ch) for ch in sorted(chars))
            try:
                return re.compile(f"(?=[{klass}])(?:{pattern})", flags)
            except re.error:
                return compiled
    return compiled


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    pattern: str
    case_sensitive: bool = False

    @field_validator("pattern")
    @classmethod
    def _valid_regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from exc
        return value

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern, self.case_sensitive)

    def finditer(
        self, text: str, lowered: str | None, views: fastscan.Views | None = None
    ) -> Iterator[SpanMatch]:
        """Matches in `text`; case-insensitive rules scan `lowered` (same offsets) when they
        can, which is 2-3x faster than re.IGNORECASE; a whole document (`views` given) is
        scanned on RE2 where that gives the same spans (see fastscan)."""
        fast = _lowered(self.pattern) if not self.case_sensitive and lowered else None
        if views is not None:
            found = None
            source = lowered_source(self.pattern) if fast is not None else None
            if fast is not None and source is not None and lowered is not None:
                found = fastscan.scan(source, fast, lowered, views.lower)
            elif self.case_sensitive:
                found = fastscan.scan(self.pattern, self.regex, text, views.text)
            if found is not None:
                return found
        if fast is not None and lowered is not None:
            if len(lowered) >= _ANCHORED_SCAN_MIN:
                starts = _anchors(fast.pattern, _SCAN_ANCHORS)
                if starts is not None:
                    return _anchored_finditer(fast, lowered, starts)
                return fast.finditer(lowered)
            anchors = _anchors(fast.pattern)
            if anchors is not None and not any(a in lowered for a in anchors):
                return iter(())
            return fast.finditer(lowered)
        return self.regex.finditer(text)


# On a long text (a whole document's utterances at once) a rule whose every match starts with
# one of a few literal strings is cheaper to run only where those strings occur than to let the
# engine try every position: str.find is a C scan, and rx.match(text, pos) still sees the
# characters before pos, so \b and lookbehinds behave as in finditer.
_ANCHORED_SCAN_MIN = 2000
_SCAN_ANCHORS = 64  # more literal starts than the per-utterance gate: each is one str.find


def _anchored_finditer(
    rx: re.Pattern[str], text: str, anchors: tuple[str, ...]
) -> Iterator[re.Match[str]]:
    """Same matches as rx.finditer(text) when every match starts with one of `anchors`
    (non-empty): candidate starts in order, non-overlapping, leftmost first."""
    starts: set[int] = set()
    find = text.find
    for anchor in anchors:
        i = find(anchor)
        while i >= 0:
            starts.add(i)
            i = find(anchor, i + 1)
    end = 0
    match = rx.match
    for pos in sorted(starts):
        if pos < end:
            continue
        m = match(text, pos)
        if m is not None:
            yield m
            end = max(m.end(), pos + 1)


@lru_cache(maxsize=4096)
def _compiled(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    return _compile(pattern, case_sensitive)


@lru_cache(maxsize=4096)
def lowered_source(pattern: str) -> str | None:
    """The pattern's source rewritten for lowercased text, or None when that is not safe."""
    if "(?-i" in pattern or "(?P" in pattern:
        return None
    out: list[str] = []
    escaped = False
    for ch in pattern:
        out.append(ch if escaped else ch.lower())
        escaped = ch == "\\" and not escaped
    lowered = "".join(out)
    try:
        re.compile(lowered)
    except re.error:
        return None
    return lowered


@lru_cache(maxsize=4096)
def _lowered(pattern: str) -> re.Pattern[str] | None:
    """The pattern compiled for lowercased text, or None when that is not safe."""
    lowered = lowered_source(pattern)
    if lowered is None:
        return None
    compiled = re.compile(lowered)
    chars = _first_chars(compiled.pattern)
    if chars and len(chars) < 40:
        # a lookahead on the characters a match can start with lets the engine skip ahead;
        # a leading \b alone makes it try every position (3-5x slower on the big rules)
        klass = "".join(re.escape(ch) for ch in sorted(chars))
        try:
            return re.compile(f"(?=[{klass}])(?:{lowered})")
        except re.error:
            return compiled
    return compiled


def _first_chars(pattern: str) -> set[str] | None:
    """Every character a match of `pattern` can start with, or None when that is open."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        return _first_of(list(_parser.parse(pattern)))
    except Exception:  # private module: any surprise just disables the shortcut
        return None


def _first_of(items: list[Any]) -> set[str] | None:
    from re import _constants as c  # type: ignore[attr-defined]

    out: set[str] = set()
    for op, arg in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.LITERAL:
            return out | {chr(arg)}
        if op is c.IN:
            chars: set[str] = set()
            for sub_op, sub_arg in arg:
                if sub_op is c.LITERAL:
                    chars.add(chr(sub_arg))
                elif sub_op is c.RANGE and sub_arg[1] - sub_arg[0] < 64:
                    chars.update(chr(x) for x in range(sub_arg[0], sub_arg[1] + 1))
                elif sub_op is c.CATEGORY and sub_arg is c.CATEGORY_DIGIT:
                    chars.update("0123456789")
                else:
                    return None
            return out | chars
        if op is c.SUBPATTERN:
            sub = _first_of(list(arg[3]))
            if sub is None:
                return None
            return out | sub
        if op is c.BRANCH:
            for alt in arg[1]:
                sub = _first_of(list(alt))
                if sub is None:
                    return None
                out |= sub
            return out
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            sub = _first_of(list(arg[2]))
            if sub is None:
                return None
            out |= sub
            if arg[0] > 0:
                return out
            continue  # optional: the next item may start the match too
        return None
    return None  # the pattern can match the empty string


_MAX_ANCHORS = 24


def _prefixes(items: Any, limit: int = _MAX_ANCHORS) -> set[str] | None:
    """Literal strings every match must start with (None when that cannot be said)."""
    from re import _constants as c  # type: ignore[attr-defined]

    current = {""}
    for op, arg in items:
        if op is c.LITERAL:
            current = {p + chr(arg) for p in current}
            continue
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.SUBPATTERN:
            subs = _prefixes(arg[3], limit)
        elif op is c.BRANCH:
            subs = set()
            for alt in arg[1]:
                alt_prefixes = _prefixes(alt, limit)
                if alt_prefixes is None:
                    return None if current == {""} else current
                subs |= alt_prefixes
        else:
            subs = None
        if subs is None:
            return current
        combined = {p + q for p in current for q in subs}
        return combined if len(combined) <= limit else current
    return current


@lru_cache(maxsize=4096)
def _anchors(pattern: str, limit: int = _MAX_ANCHORS) -> tuple[str, ...] | None:
    """Cheap substring gate for a pattern: if none of these occurs, the regex cannot match."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        found = _prefixes(_parser.parse(pattern), limit)
    except Exception:  # private module: any surprise just disables the gate
        return None
    if not found or any(len(a) < 2 for a in found):
        return None
    return tuple(sorted(found))


def lower_same_length(text: str) -> str | None:
    """text.lower() when it keeps every offset (almost always), else None."""
    low = text.lower()
    return low if len(low) == len(text) else None


class EntityRule(_Rule):
    """A surface pattern for an entity (money, date, security item, title, ...)."""

    label: Literal["MONEY", "DATE", "SECURITY", "TITLE", "DEPARTMENT", "PERSON", "TOOL"]
    value: str | None = None  # canonical value (security items, titles)


class ContextRule(_Rule):
    """A ConText cue: a word that changes the meaning of nearby signals."""

    category: Category
    direction: Direction = "forward"
    max_scope: int = Field(default=8, ge=1, le=40)  # in words


class SignalRule(_Rule):
    """A trigger: this pattern in a prospect clause states a fact of this dimension/type.

    `entity` makes every entity of that label a trigger (the pattern is then optional);
    `negatable = false` marks rules whose pattern already carries the negation ("no budget").
    """

    pattern: str = ""
    entity: Literal["MONEY", "DATE", "SECURITY", "TOOL"] | None = None
    negatable: bool = True
    negation_inside: bool = True  # false: a negation inside the match is part of the phrase
    requires_name: bool = False
    name_before: bool = False  # competition: the vendor name comes before the trigger

    dimension: Literal[
        "budget", "authority", "timeline", "security", "stakeholder", "need", "competition",
        "next_step",
    ]
    type: str
    polarity: Literal["for", "against", "neutral"] = "for"
    value: str | None = None
    normalizer: Literal["money", "date", "security", "competitor", "person", "none"] = "none"
    requires: str | None = None  # a second regex that must also occur in the clause
    excludes: str | None = None  # a regex that vetoes the clause
    confidence: float = Field(default=0.75, ge=0.0, le=1.0)
    negated_type: str | None = None  # type to use when the trigger is negated
    negated_value: str | None = None

    @model_validator(mode="after")
    def _has_trigger(self) -> SignalRule:
        if not self.pattern and not self.entity:
            raise ValueError("a rule needs a `pattern` or an `entity`")
        return self

    @field_validator("requires", "excludes")
    @classmethod
    def _valid_optional_regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from exc
        return value


class ContextSettings(BaseModel):
    """Words that end a cue's scope (ConText terminators)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    terminators: str
    question_openers: str


R = TypeVar("R", bound=BaseModel)


def _line_of_entry(raw: str, table: str, index: int) -> int | None:
    """Line number of the `index`-th `[[table]]` header in a TOML text (1-based)."""
    count = -1
    header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if header.match(line):
            count += 1
            if count == index:
                return lineno
    return None


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file, turning syntax errors into a RulesError with a line number."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(path, None, f"cannot read rule file: {exc.strerror}") from exc
    try:
        return tomllib.loads(raw), raw
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        raise RulesError(path, line, f"TOML syntax error: {exc}") from exc


def load_entries(path: Path, table: str, model: type[R]) -> list[R]:
    """Validate every `[[table]]` entry of a rule file; ids must be unique."""
    data, raw = read_toml(path)
    entries = data.get(table)
    if not isinstance(entries, list) or not entries:
        raise RulesError(path, None, f"expected one or more [[{table}]] entries")
    out: list[R] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        line = _line_of_entry(raw, table, i)
        try:
            rule = model.model_validate(entry)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "entry"
            problem = f"[[{table}]] #{i + 1} field '{field}': {err['msg']}"
            raise RulesError(path, line, problem) from exc
        rule_id = getattr(rule, "id", None)
        if rule_id is not None:
            if rule_id in seen:
                raise RulesError(path, line, f"duplicate rule id '{rule_id}'")
            seen.add(rule_id)
        out.append(rule)
    return out


def load_context_settings(path: Path) -> ContextSettings:
    """The `[settings]` table of the context rule file."""
    data, raw = read_toml(path)
    try:
        return ContextSettings.model_validate(data.get("settings", {}))
    except ValidationError as exc:
        line = next(
            (n for n, t in enumerate(raw.splitlines(), 1) if t.strip() == "[settings]"), None
        )
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        raise RulesError(path, line, f"[settings] field '{field}': {err['msg']}") from exc


class RuleSet(BaseModel):
    """Every rule the pipeline needs, loaded once."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    entities: tuple[EntityRule, ...]
    context: tuple[ContextRule, ...]
    context_settings: ContextSettings
    signals: tuple[SignalRule, ...]


def load_rules(rules_dir: Path | None = None) -> RuleSet:
    """Load and validate the rule files of a folder (default: the packaged rules)."""
    folder = rules_dir or RULES_DIR
    ctx_path = folder / "context.toml"
    return RuleSet(
        entities=tuple(load_entries(folder / "entities.toml", "entity", EntityRule)),
        context=tuple(load_entries(ctx_path, "cue", ContextRule)),
        context_settings=load_context_settings(ctx_path),
        signals=tuple(load_entries(folder / "signals.toml", "rule", SignalRule)),
    )


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The packaged rules, loaded lazily once."""
    return load_rules()
