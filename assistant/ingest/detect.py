"""Guess the kind (call, chat, email, notes) and the format of a text.

Order of evidence: the file extension (.vtt/.srt -> call, .eml -> email, .json/.chat -> chat),
then the content:
- `WEBVTT` first line, or an SRT cue (number line, then a `-->` timing line) -> call;
- a JSON list of messages -> chat;
- a block of email headers on top (`From:` plus `To:`/`Subject:`/`Date:`/`Sent:`) -> email;
- two or more `Name  00:01:02` block headers (Otter/Zoom) -> call;
- mostly `Name: text` lines with a repeated speaker -> chat when most turns carry a two-part
  clock stamp (`[10:02]`, `[10:02 AM]`) and turns are short (median <= 20 words), else call;
- anything else -> notes.
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import PurePath

from assistant.ingest.mail import PASTED_HEADER
from assistant.ingest.patterns import BLOCK_HEADER, clean_name, plausible_speaker
from assistant.ingest.transcript import speaker_line

_SRT_START = re.compile(r"^\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[.,]\d{1,3}\s*-->")
_CLOCK_STAMP = re.compile(r"^\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?$")
_SAMPLE_LINES = 400
_CHAT_MAX_WORDS = 20


def _extension(source: str) -> str:
    return PurePath(source).suffix.lower() if source and source != "-" else ""


def looks_like_email(text: str) -> bool:
    """A header block on top with From: and at least one other email header."""
    keys: set[str] = set()
    for line in text.lstrip().split("\n")[:12]:
        if not line.strip():
            break
        match = PASTED_HEADER.match(line.strip())
        if match:
            keys.add(match["key"].lower())
        elif line[:1] not in (" ", "\t"):
            break
    return "from" in keys and bool(keys & {"to", "subject", "date", "sent", "cc"})


def _json_chat(text: str) -> bool:
    try:
        data = json.loads(text)
    except ValueError:
        return False
    if isinstance(data, dict):
        data = data.get("messages")
    return isinstance(data, list) and all(isinstance(item, dict) for item in data)


def _line_format(lines: list[str]) -> tuple[str, str] | None:
    """('call'|'chat', 'lines'|'blocks') when the lines read like a transcript."""
    blocks = [m for m in (BLOCK_HEADER.match(line) for line in lines) if m]
    if len([m for m in blocks if plausible_speaker(clean_name(m["name"]))]) >= 2:
        return "call", "blocks"
    turns = [found for found in (speaker_line(line) for line in lines) if found]
    if len(turns) < 2 or len(turns) < 0.4 * len(lines):
        return None
    names = [name.lower() for name, _, _ in turns]
    if len(set(names)) == len(names) and len(names) > 2:
        return None  # every label different: `Budget: ... / Timeline: ...` notes, not turns
    stamps = [stamp for _, _, stamp in turns if stamp]
    clock = len(stamps) >= 0.5 * len(turns) and all(_CLOCK_STAMP.match(s) for s in stamps)
    words = statistics.median(len(said.split()) for _, said, _ in turns)
    return ("chat" if clock and words <= _CHAT_MAX_WORDS else "call"), "lines"


def transcript_format(text: str) -> str:
    """For a forced call/chat that detection did not recognise: Otter blocks or plain lines."""
    lines = [line.strip() for line in text.split("\n")[:_SAMPLE_LINES] if line.strip()]
    if any(speaker_line(line) for line in lines):
        return "lines"
    heads = [m for m in (BLOCK_HEADER.match(line) for line in lines) if m]
    return "blocks" if any(plausible_speaker(clean_name(m["name"])) for m in heads) else "lines"


def sniff(text: str, source: str = "-") -> tuple[str, str]:
    """(kind, format). Formats: vtt, srt, json, lines, blocks, email, notes."""
    ext = _extension(source)
    body = text.lstrip("\ufeff \t\n")
    if ext == ".vtt" or body.startswith("WEBVTT"):
        return "call", "vtt"
    if ext == ".srt" or _SRT_START.match(body):
        return "call", "srt"
    if ext == ".eml":
        return "email", "email"
    if ext == ".json" or (body[:1] in "[{" and _json_chat(body)):
        return "chat", "json"
    if looks_like_email(body):
        return "email", "email"
    lines = [line.strip() for line in body.split("\n")[:_SAMPLE_LINES] if line.strip()]
    found = _line_format(lines)
    if ext == ".chat":
        return "chat", found[1] if found else "lines"
    if found:
        return found
    return "notes", "notes"


def detect_kind(text: str, source: str = "-") -> str:
    """The document kind auto-detection picks for this text (see the module docstring)."""
    return sniff(text, source)[0]
