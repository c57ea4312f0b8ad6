"""The public entry points: text, bytes or a file in, a validated Document out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.ingest.chat import parse_chat_json
from assistant.ingest.dates import date_from_lines, find_date
from assistant.ingest.decode import check_size, decode, normalize_newlines
from assistant.ingest.detect import looks_like_email, sniff, transcript_format
from assistant.ingest.errors import IngestError, locate
from assistant.ingest.mail import parse_eml_bytes, parse_pasted_email
from assistant.ingest.model import Parsed, Turn, merge_same_speaker, render_turns
from assistant.ingest.notes import parse_notes
from assistant.ingest.roles import assign_roles
from assistant.ingest.transcript import parse_blocks, parse_lines, parse_srt, parse_vtt
from assistant.settings import DEFAULT_MAX_BYTES
from extractors.schema import DOCUMENT_KINDS, Document, Participant, Utterance

DateLike = dt.date | dt.datetime | str | None
_TRANSCRIPT_FORMATS = ("vtt", "srt", "json", "lines", "blocks")


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in DOCUMENT_KINDS:
        raise IngestError(f"unknown kind {kind!r}; use one of {', '.join(DOCUMENT_KINDS)}")


def _check_date(date: DateLike) -> dt.date | None:
    if date is None or date == "":
        return None
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(str(date).strip())
    except ValueError:
        raise IngestError(f"bad date {date!r}; use YYYY-MM-DD, e.g. --date 2026-03-14") from None


def _transcript(text: str, fmt: str, kind: str) -> Parsed:
    """Parse a call/chat in its format and render `Speaker: text` lines."""
    header: list[str] = []
    day: dt.date | None = None
    turns: list[Turn]
    if fmt == "vtt":
        turns, header = parse_vtt(text)
        turns = merge_same_speaker(turns)
    elif fmt == "srt":
        turns = merge_same_speaker(parse_srt(text))
    elif fmt == "json":
        turns, day = parse_chat_json(text)
    elif fmt == "blocks":
        turns, header = parse_blocks(text)
    else:
        turns, header = parse_lines(text, clock=kind == "chat")
    rendered, segments = render_turns(turns)
    parsed = Parsed(format=fmt, text=rendered, segments=segments, header_lines=header)
    if day is not None:
        parsed.date, parsed.date_source = day, "first message timestamp"
    return parsed


def _parse(text: str, source: str, kind: str | None) -> tuple[str, Parsed]:
    sniffed_kind, fmt = sniff(text, source)
    kind = kind or sniffed_kind
    if kind in ("call", "chat"):
        if fmt not in _TRANSCRIPT_FORMATS:
            fmt = transcript_format(text)
        return kind, _transcript(text, fmt, kind)
    if kind == "email":
        return kind, parse_pasted_email(text)
    return kind, parse_notes(text)


def _resolve_date(parsed: Parsed, date: dt.date | None, source: str) -> tuple[dt.date | None, str]:
    if date is not None:
        return date, "argument"
    if parsed.date is not None:
        return parsed.date, parsed.date_source or "document"
    found = date_from_lines(parsed.header_lines)
    if found:
        return found
    from_name = find_date(Path(source).name) if source and source != "-" else None
    if from_name:
        return from_name, "file name"
    return None, "none"


def _build(
    parsed: Parsed,
    *,
    kind: str,
    source: str,
    reps: Sequence[str],
    team_domains: Sequence[str],
    date: dt.date | None,
    meta: dict[str, Any],
) -> Document:
    if not parsed.text.strip() or not parsed.segments:
        what = "new text above the quoted history" if kind == "email" else "text"
        raise IngestError(f"{source}: found no {what} to ingest")
    speakers: list[str] = []
    texts: dict[str, list[str]] = {}
    for seg in parsed.segments:
        if seg.speaker is not None:
            if seg.speaker not in texts:
                speakers.append(seg.speaker)
                texts[seg.speaker] = []
            texts[seg.speaker].append(parsed.text[seg.start : seg.end])
    people = {p.name: p for p in parsed.people}
    for person in parsed.people:
        if person.name not in texts:
            speakers.append(person.name)
    roles = assign_roles(
        speakers,
        reps=reps,
        team_domains=team_domains,
        emails={p.name: p.email for p in parsed.people},
        texts=texts if kind in ("call", "chat") else None,
    )
    utterances = tuple(
        Utterance(
            index=i,
            speaker=seg.speaker,
            role=roles[seg.speaker]["role"] if seg.speaker else "unknown",  # type: ignore[arg-type]
            start=seg.start,
            end=seg.end,
            text=parsed.text[seg.start : seg.end],
            timestamp=seg.timestamp,
        )
        for i, seg in enumerate(parsed.segments)
    )
    participants = []
    for name in speakers:
        person = people.get(name)
        participants.append(
            Participant(
                name=name,
                role=roles[name]["role"],  # type: ignore[arg-type]
                email=person.email if person else None,
                title=person.title if person else None,
                company=person.company if person else None,
                phone=person.phone if person else None,
            )
        )
    found_date, date_source = _resolve_date(parsed, date, source)
    full_meta: dict[str, Any] = {
        **meta,
        **parsed.meta,
        "format": parsed.format,
        "date_source": date_source,
        "roles": roles,
    }
    if parsed.header_lines:
        full_meta["header"] = parsed.header_lines
    return Document(
        kind=kind,  # type: ignore[arg-type]
        source=source,
        date=found_date,
        participants=tuple(participants),
        text=parsed.text,
        utterances=utterances,
        quoted_text=parsed.quoted_text,
        meta=full_meta,
    )


def _guarded(source: str, run: Any) -> tuple[str, Parsed]:
    """Run a parser and name the source in any error it raises."""
    try:
        return run()
    except IngestError as exc:
        message = str(exc)
        raise (exc if message.startswith(f"{source}") else locate(source, message)) from None
    except RecursionError:
        raise locate(source, "is nested too deeply to parse") from None


def parse_text(
    text: str,
    *,
    source: str = "-",
    kind: str | None = None,
    reps: Sequence[str] = (),
    team_domains: Sequence[str] = (),
    date: DateLike = None,
) -> Document:
    """Parse already-decoded text; `kind` forces the kind instead of auto-detection."""
    _check_kind(kind)
    day = _check_date(date)
    text = normalize_newlines(text)
    if not text.strip():
        raise IngestError(f"{source} is empty: nothing to ingest")
    found_kind, parsed = _guarded(source, lambda: _parse(text, source, kind))
    return _build(
        parsed, kind=found_kind, source=source, reps=reps, team_domains=team_domains,
        date=day, meta={},
    )


def parse_bytes(
    data: bytes,
    *,
    source: str = "-",
    kind: str | None = None,
    reps: Sequence[str] = (),
    team_domains: Sequence[str] = (),
    date: DateLike = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Decode then parse; .eml (or raw MIME email) goes straight to the email parser."""
    _check_kind(kind)
    day = _check_date(date)
    text, encoding = decode(data, source, max_bytes)
    if kind in (None, "email") and (
        source.lower().endswith(".eml") or (kind == "email" or looks_like_email(text))
    ):
        head = text.lstrip()[:4000].lower()
        if source.lower().endswith(".eml") or "content-type:" in head or "mime-version:" in head:
            parsed = _guarded(source, lambda: ("email", parse_eml_bytes(data)))[1]
            return _build(
                parsed, kind="email", source=source, reps=reps, team_domains=team_domains,
                date=day, meta={"encoding": encoding},
            )
    found_kind, parsed = _guarded(source, lambda: _parse(text, source, kind))
    return _build(
        parsed, kind=found_kind, source=source, reps=reps, team_domains=team_domains,
        date=day, meta={"encoding": encoding},
    )


def parse_file(
    path: str | Path,
    *,
    kind: str | None = None,
    reps: Sequence[str] = (),
    team_domains: Sequence[str] = (),
    date: DateLike = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Read a file (refusing missing files, directories and oversized input) and parse it."""
    file = Path(path)
    source = str(path)
    if not file.exists():
        raise IngestError(f"{source}: no such file; check the path")
    if file.is_dir():
        raise IngestError(f"{source} is a directory; give one file at a time")
    try:
        check_size(file.stat().st_size, source, max_bytes)
        data = file.read_bytes()
    except PermissionError:
        raise IngestError(f"{source}: permission denied; check the file's permissions") from None
    except OSError as exc:
        raise IngestError(f"{source}: cannot read ({exc.strerror}); check the path") from None
    return parse_bytes(
        data, source=source, kind=kind, reps=reps, team_domains=team_domains, date=date,
        max_bytes=max_bytes,
    )
