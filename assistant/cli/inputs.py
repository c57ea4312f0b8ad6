"""Turn command-line PATH arguments (files, directories, `-`) into (source, bytes) inputs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from assistant.errors import ServiceError

INGESTIBLE_SUFFIXES = {".txt", ".vtt", ".srt", ".eml", ".json", ".md", ".email", ".notes", ".chat"}


def expand_paths(paths: list[str]) -> list[str]:
    """Files as given, directories walked (known suffixes, hidden files skipped), `-` kept."""
    out: list[str] = []
    for raw in paths:
        if raw == "-":
            out.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in INGESTIBLE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and p.name not in {"manifest.jsonl", "labels.jsonl"}
            )
            if not found:
                raise ServiceError(f"{raw}: no transcript, chat, email or notes files inside")
            out.extend(str(p) for p in found)
        elif not path.exists():
            raise ServiceError(f"{raw}: no such file")
        else:
            out.append(raw)
    return out


def read_inputs(paths: list[str]) -> Iterator[tuple[str, bytes | None]]:
    """Yield (source, data): data is None for files (the parser reads them, with limits)."""
    for source in paths:
        if source == "-":
            yield "<stdin>", sys.stdin.buffer.read()
        else:
            yield source, None
