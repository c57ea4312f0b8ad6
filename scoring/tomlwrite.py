"""A small TOML writer for model files (the standard library only reads TOML)."""

from __future__ import annotations

import json
import re
from typing import Any

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE.match(k) else json.dumps(k)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        inner = ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items() if x is not None)
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _is_table_list(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def _wants_section(v: Any) -> bool:
    """Big or nested tables read better as [sections] than as inline tables."""
    if not isinstance(v, dict) or not v:
        return False
    return len(v) > 4 or any(isinstance(x, dict | list) for x in v.values())


def _table(path: str, data: dict[str, Any], out: list[str], in_array: bool = False) -> None:
    subtables: list[tuple[str, Any]] = []
    for k, v in data.items():
        if v is None:
            continue
        if not in_array and (_is_table_list(v) or _wants_section(v)):
            subtables.append((k, v))
        else:
            out.append(f"{_key(k)} = {_value(v)}")
    for k, v in subtables:
        sub = f"{path}.{_key(k)}" if path else _key(k)
        if isinstance(v, dict):
            out.append("")
            out.append(f"[{sub}]")
            _table(sub, v, out)
        else:
            for item in v:
                out.append("")
                out.append(f"[[{sub}]]")
                _table(sub, item, out, in_array=True)


def dumps(data: dict[str, Any], header: str = "") -> str:
    """TOML text for nested dicts; lists of tables inside arrays of tables are written inline."""
    out = [f"# {line}" for line in header.splitlines()]
    _table("", data, out)
    return "\n".join(out).strip("\n") + "\n"
