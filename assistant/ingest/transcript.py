"""Call and chat transcripts: WebVTT, SRT, `Name: text` lines and Otter/Zoom blocks -> turns."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from assistant.ingest.errors import IngestError
from assistant.ingest.model import Turn
from assistant.ingest.patterns import (
    BLOCK_HEADER,
    SPEAKER_LINE,
    ZOOM_FROM,
    clean_name,
    parse_clock,
    plausible_speaker,
)

_VTT_STAMP = r"(?:\d{1,2}:)?\d{2}:\d{2}[.,]\d{1,3}"
_VTT_TIMING = re.compile(rf"^(?P<a>{_VTT_STAMP})[ \t]+-->[ \t]+(?P<b>{_VTT_STAMP})(?:[ \t].*)?$")
_SRT_STAMP = r"\d{1,2}:\d{2}:\d{2}[.,]\d{1,3}"
_SRT_TIMING = re.compile(rf"^(?P<a>{_SRT_STAMP})[ \t]*-->[ \t]*(?P<b>{_SRT_STAMP})(?:[ \t].*)?$")
_VOICE = re.compile(r"<v(?:\.[\w.\-]+)?[ \t]+([^>]+)>")
_TAG = re.compile(r"</?[^>\n]*>")
_CUE_SPEAKER = re.compile(r"^(?P<name>[^\W\d_][^:\n]{0,48}?)[ \t]*:[ \t]+(?P<text>\S.*)$")
_HEADER_WORDS = (
    "date time subject title call meeting attendees participants duration location topic "
    "recording transcript agenda company account"
)
_HEADER_KEYS = frozenset(_HEADER_WORDS.split())


def _stamp_seconds(raw: str) -> float:
    parts = raw.replace(",", ".").split(":")
    seconds = float(parts[-1]) + int(parts[-2]) * 60
    if len(parts) == 3:
        seconds += int(parts[0]) * 3600
    return seconds


def _blocks(lines: list[str], first: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (1-based line number, lines) for each run of non-blank lines."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(lines[first:], start=first + 1):
        if line.strip():
            if not block:
                start = number
            block.append(line.rstrip())
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _cue_turns(text_lines: list[str], timestamp: float) -> list[Turn]:
    """Speakers inside one cue: `<v Name>` tags per line, else a leading `Name: `."""
    turns: list[Turn] = []
    voice: str | None = None
    for raw in text_lines:
        match = _VOICE.search(raw)
        if match:
            voice = clean_name(match.group(1))
        text = " ".join(html.unescape(_TAG.sub("", raw)).split())
        if not text:
            continue
        speaker = voice
        labelled = None if match else _CUE_SPEAKER.match(text)
        if labelled and plausible_speaker(labelled.group("name")):
            speaker, text = clean_name(labelled.group("name")), labelled.group("text")
        elif turns and not match:
            last = turns[-1]
            turns[-1] = Turn(last.speaker, f"{last.text} {text}", last.timestamp)
            continue
        turns.append(Turn(speaker, text, timestamp))
    return turns


def _check_order(number: int, start: float, end: float) -> None:
    if end < start:
        raise IngestError(f"line {number}: cue ends before it starts; fix the timing line")


def parse_vtt(text: str) -> tuple[list[Turn], list[str]]:
    """WebVTT cues -> turns, plus the header lines (they may carry a date)."""
    lines = text.split("\n")
    if not lines[0].startswith("WEBVTT"):
        raise IngestError("line 1: a WebVTT file must start with 'WEBVTT'")
    header = [lines[0][6:].strip(" -")] if lines[0][6:].strip(" -") else []
    body_start = 1
    while body_start < len(lines) and lines[body_start].strip():
        header.append(lines[body_start].strip())
        body_start += 1
    turns: list[Turn] = []
    for number, block in _blocks(lines, body_start):
        head = block[0]
        if head.startswith(("NOTE", "STYLE", "REGION")):
            if head.startswith("NOTE"):
                header.append(" ".join(block)[4:].strip())
            continue
        if "-->" in head:
            timing_at = 0
        elif len(block) > 1 and "-->" in block[1]:
            timing_at = 1
        else:
            raise IngestError(
                f"line {number}: cue has no timing line; expected "
                "'00:00:01.000 --> 00:00:04.000'"
            )
        timing_line = number + timing_at
        match = _VTT_TIMING.match(block[timing_at].strip())
        if not match:
            raise IngestError(
                f"line {timing_line}: bad cue timing {block[timing_at].strip()!r}; expected "
                "'00:00:01.000 --> 00:00:04.000'"
            )
        start, end = _stamp_seconds(match["a"]), _stamp_seconds(match["b"])
        _check_order(timing_line, start, end)
        turns.extend(_cue_turns(block[timing_at + 1 :], start))
    return turns, header


def parse_srt(text: str) -> list[Turn]:
    """SRT cues (number, timing, text) -> turns; speakers come from `Name: text`."""
    lines = text.split("\n")
    turns: list[Turn] = []
    for number, block in _blocks(lines, 0):
        head = block[0].strip()
        if _SRT_TIMING.match(head):
            timing_at = 0
        elif head.isdigit() and len(block) > 1:
            timing_at = 1
        elif head.isdigit():
            raise IngestError(f"line {number}: cue {head} has no timing line")
        else:
            raise IngestError(
                f"line {number}: expected a cue number or a timing line like "
                f"'00:00:01,000 --> 00:00:04,000', got {head[:40]!r}"
            )
        timing_line = number + timing_at
        match = _SRT_TIMING.match(block[timing_at].strip())
        if not match:
            raise IngestError(
                f"line {timing_line}: bad cue timing {block[timing_at].strip()!r}; expected "
                "'00:00:01,000 --> 00:00:04,000'"
            )
        start, end = _stamp_seconds(match["a"]), _stamp_seconds(match["b"])
        _check_order(timing_line, start, end)
        turns.extend(_cue_turns(block[timing_at + 1 :], start))
    return turns


def speaker_line(line: str) -> tuple[str, str, str | None] | None:
    """(speaker, text, stamp) when a line is a `Name: text` turn, else None."""
    match = SPEAKER_LINE.match(line)
    if not match:
        return None
    name = clean_name(match["name"])
    zoom = ZOOM_FROM.match(name)
    if zoom:
        name = clean_name(zoom["name"])
    if not plausible_speaker(name):
        return None
    stamp = match["ts1"] or match["ts2"] or match["ts3"]
    return name, (match["text"] or ""), stamp


def parse_lines(text: str, *, clock: bool) -> tuple[list[Turn], list[str]]:
    """`Name: text` lines (optional stamps). Unlabelled lines continue the previous turn."""
    turns: list[Turn] = []
    header: list[str] = []
    pending: tuple[str, float | None] | None = None  # a `Name:` line whose text comes next
    first_stamp: float | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        found = speaker_line(stripped)
        if found and not turns and pending is None and found[0].lower() in _HEADER_KEYS:
            header.append(stripped)
            continue
        if found:
            name, said, stamp = found
            seconds: float | None = None
            if stamp:
                seconds = parse_clock(stamp, clock=clock)
                if clock:
                    first_stamp = seconds if first_stamp is None else first_stamp
                    seconds = (seconds - first_stamp) % 86400
            if said:
                turns.append(Turn(name, said, seconds))
                pending = None
            else:
                pending = (name, seconds)
        elif pending is not None:
            turns.append(Turn(pending[0], stripped, pending[1]))
            pending = None
        elif turns:
            last = turns[-1]
            turns[-1] = Turn(last.speaker, f"{last.text} {stripped}", last.timestamp)
        else:
            header.append(stripped)
    if not turns and header:
        # Nothing was labelled: keep every line as an utterance with no speaker.
        return [Turn(None, line) for line in header], []
    return turns, header


def parse_blocks(text: str) -> tuple[list[Turn], list[str]]:
    """Otter/Zoom exports: a `Name  00:01:02` line, then that speaker's text lines."""
    turns: list[Turn] = []
    header: list[str] = []
    current: tuple[str, float] | None = None
    buffer: list[str] = []

    def flush() -> None:
        if current is not None and buffer:
            turns.append(Turn(current[0], " ".join(buffer), current[1]))

    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        match = BLOCK_HEADER.match(stripped)
        if match and plausible_speaker(clean_name(match["name"])):
            flush()
            current = (clean_name(match["name"]), parse_clock(match["ts"], clock=False))
            buffer = []
        elif current is None:
            header.append(stripped)
        else:
            buffer.append(stripped)
    flush()
    return turns, header
