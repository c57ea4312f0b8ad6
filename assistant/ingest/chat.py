"""Chat exports as JSON: a list of {author, text, ts}, or {"messages": [...]}."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from assistant.ingest.errors import IngestError
from assistant.ingest.model import Turn
from assistant.ingest.patterns import parse_clock

_AUTHOR_KEYS = ("author", "name", "user", "sender", "from", "speaker", "username")
_TEXT_KEYS = ("text", "body", "message", "content")
_TS_KEYS = ("ts", "timestamp", "time", "created_at", "date")


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if item.get(key) not in (None, ""):
            return item[key]
    return None


def _author(value: Any) -> str | None:
    if isinstance(value, dict):
        value = _first(value, ("name", "display_name", "username", "email", "id"))
    if value is None:
        return None
    name = " ".join(str(value).split())
    return name or None


def _when(value: Any) -> dt.datetime | float | None:
    """A datetime for epoch numbers and ISO strings; seconds of day for bare clock times."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    text = str(value).strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parse_clock(text, clock=True)
    except (ValueError, IndexError):
        return None


def parse_chat_json(text: str) -> tuple[list[Turn], dt.date | None]:
    """Turns with seconds since the first message, and the date of the first message."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(
            f"bad JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; "
            "a chat export must be a list of {author, text, ts}"
        ) from None
    if isinstance(data, dict):
        data = data.get("messages")
    if not isinstance(data, list):
        raise IngestError(
            'a JSON chat must be a list of {"author", "text", "ts"} or {"messages": [...]}'
        )
    turns: list[Turn] = []
    first: dt.datetime | float | None = None
    day: dt.date | None = None
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise IngestError(f"message {number} is not an object with author and text")
        said = _first(item, _TEXT_KEYS)
        if said is None:
            continue
        if not isinstance(said, str):
            raise IngestError(f"message {number}: 'text' must be a string")
        said = " ".join(said.split())
        if not said:
            continue
        when = _when(_first(item, _TS_KEYS))
        seconds: float | None = None
        if when is not None:
            if first is None:
                first = when
                if isinstance(when, dt.datetime):
                    day = when.date()
            if isinstance(when, dt.datetime) and isinstance(first, dt.datetime):
                try:
                    seconds = (when - first).total_seconds()
                except TypeError:  # naive and aware mixed
                    seconds = None
            elif isinstance(when, float) and isinstance(first, float):
                seconds = (when - first) % 86400
        turns.append(Turn(_author(_first(item, _AUTHOR_KEYS)), said, seconds))
    return turns, day
