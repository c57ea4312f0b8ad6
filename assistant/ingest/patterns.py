"""Regular expressions shared by detection and the line-based parsers."""

from __future__ import annotations

import re

TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
CLOCK = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?"
AMPM = r"(?:\s?[AaPp]\.?[Mm]\.?)?"
# A speaker label: starts with a letter, no colon or brackets, an optional "(Company)" tail.
NAME = r"[^\W\d_][^\n:\[\](){}<>]{0,48}?(?:\s*\([^()\n:]{1,40}\))?"

# `[00:12:31] Dana: text`, `00:12:31 Dana: text`, `Dana [12:31]: text`, `Dana: text`.
SPEAKER_LINE = re.compile(
    rf"^[ \t]*(?:[\[(](?P<ts1>{TS}{AMPM})[\])]|(?P<ts2>{CLOCK}))?"
    rf"[ \t]*[-–]?[ \t]*(?P<name>{NAME})[ \t]*(?:[\[(](?P<ts3>{TS}{AMPM})[\])])?[ \t]*:"
    r"(?:[ \t]+(?P<text>.*?))?[ \t]*$"
)
# Otter / Zoom block header: `Sam Lee  00:01:02` alone on its line; call-recorder exports
# also write `Sam Lee | 00:01:02`, `Sam Lee - 1:02` or `Sam Lee (00:01:02)`.
BLOCK_HEADER = re.compile(
    rf"^(?P<name>{NAME})(?:[ \t]*[|·•–—-][ \t]*|[ \t]+)[\[(]?(?P<ts>{TS})[\])]?[ \t]*$"
)
# Zoom chat: `10:02:11 From Dana Ortiz to Everyone:` (the recipient is not the speaker).
ZOOM_FROM = re.compile(
    r"^From[ \t]+(?P<name>.+?)(?:[ \t]+to[ \t]+(?:Everyone|All|.{1,40}?)"
    r"(?:[ \t]*\((?:privately|direct message)\))?)?[ \t]*$",
    re.IGNORECASE,
)
TIMING_ARROW = "-->"

# Labels that are header fields or note headings, never speakers.
_NOT_SPEAKER_WORDS = (
    "date time subject title call meeting attendees participants duration location topic "
    "recording transcript agenda company account re fwd from to cc sent note notes summary "
    "budget authority need needs timeline timing security compliance stakeholders stakeholder "
    "competition competitors actions pain decision bant champion risks risk questions "
    "follow-up outcome status metrics usage price pricing http https mailto"
)
NOT_SPEAKERS = frozenset(_NOT_SPEAKER_WORDS.split()) | {
    "next steps", "next step", "action items", "open questions", "follow up",
    "decision criteria", "decision process", "paper process", "deal stage",
}

_AMPM_SUFFIX = re.compile(r"\s?([ap])\.?m\.?$")
_SENTENCE_PUNCT = re.compile(r"[,;!?\"“”]")


def clean_name(raw: str) -> str:
    """Collapse whitespace in a speaker label."""
    return " ".join(raw.split())


def plausible_speaker(name: str) -> bool:
    """A label looks like a person or role: at most 4 words, no sentence punctuation."""
    core = name.split("(", 1)[0].strip()
    if not core or _SENTENCE_PUNCT.search(core):
        return False
    if core.lower() in NOT_SPEAKERS:
        return False
    return len(core.split()) <= 4


def parse_clock(raw: str, *, clock: bool) -> float:
    """Seconds for a stamp. Two-part stamps are mm:ss in calls and hh:mm in chats."""
    text = raw.strip().lower()
    suffix = _AMPM_SUFFIX.search(text)
    pm = bool(suffix) and suffix.group(1) == "p"
    am = bool(suffix) and suffix.group(1) == "a"
    if suffix:
        text = text[: suffix.start()]
    text = text.replace(",", ".")
    parts = text.split(":")
    if len(parts) == 3:
        h, m, s = int(parts[0]), int(parts[1]), float(parts[2])
    elif clock or pm or am:
        h, m, s = int(parts[0]), float(parts[1]), 0.0
    else:
        h, m, s = 0, int(parts[0]), float(parts[1])
    if pm and h < 12:
        h += 12
    if am and h == 12:
        h = 0
    return h * 3600 + m * 60 + s
