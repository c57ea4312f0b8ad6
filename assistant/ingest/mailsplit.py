"""Split an email body into the fresh reply, quoted history, signature and disclaimer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ingest.signature import looks_like_signature

_WROTE = re.compile(
    r"^(?:on\b.{0,250}\bwrote|am\b.{0,250}\bschrieb|le\b.{0,250}\ba écrit)\s*:\s*$", re.I
)
_ON_START = re.compile(r"^(?:on|am|le)\s", re.I)
_HISTORY_MARKERS = re.compile(
    r"^(?:-{2,}\s*original message\s*-{2,}|-{3,}\s*forwarded message\s*-{3,}|"
    r"begin forwarded message:|_{10,})\s*$",
    re.I,
)
_FORWARD = re.compile(r"^(?:-{3,}\s*forwarded message\s*-{3,}|begin forwarded message:)\s*$", re.I)
_OUTLOOK_FROM = re.compile(r"^\*?from:\*?\s*\S", re.I)
_OUTLOOK_NEXT = re.compile(r"^\*?(?:sent|date|to|subject|cc):\*?\s", re.I)
_SIGN_OFF = re.compile(
    r"^(?:best|thanks|thank you|many thanks|thanks again|regards|best regards|kind regards|"
    r"warm regards|warmly|cheers|sincerely|all the best|talk soon|speak soon|thx|br|"
    r"best wishes|with thanks|respectfully)\b[\w ]{0,20}[,.!]?$",
    re.I,
)
_DISCLAIMER_OPENERS = re.compile(
    r"^(?:confidentiality notice|disclaimer|notice:|this (?:e-?mail|message|communication)"
    r"(?: and any (?:attachments?|files))?(?: transmitted with it)? (?:is|are|may) )",
    re.I,
)
_DISCLAIMER_CUES = re.compile(
    r"confidential|intended (?:solely |only )?for|intended recipient|named recipient|"
    r"received (?:it|this[\w -]{0,20}) in error|privileged|unauthori[sz]ed|notify the sender|"
    r"delete (?:it|this)|consider the environment before printing|legally binding",
    re.I,
)


@dataclass(frozen=True, slots=True)
class BodyParts:
    """The pieces of an email body; `fresh` is what the sender wrote this time."""

    fresh: str
    quoted: str
    signature: str
    sign_off: str
    disclaimer: str
    forwarded: bool


def _history_start(lines: list[str]) -> tuple[int, bool]:
    """Index of the first line of quoted history (len(lines) if none) and whether a forward."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if _HISTORY_MARKERS.match(stripped):
            return i, bool(_FORWARD.match(stripped))
        if _WROTE.match(stripped):
            return i, False
        if _ON_START.match(stripped) and len(stripped) < 200:
            joined = stripped
            for follow in lines[i + 1 : i + 3]:
                joined = f"{joined} {follow.strip()}"
                if _WROTE.match(joined):
                    return i, False
        if _OUTLOOK_FROM.match(stripped) and i > 0:
            window = [w.strip() for w in lines[i + 1 : i + 6]]
            if sum(1 for w in window if _OUTLOOK_NEXT.match(w)) >= 2:
                return i, False
    return len(lines), False


def _paragraphs(lines: list[str]) -> list[list[str]]:
    paras: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paras[-1].append(line)
        elif paras[-1]:
            paras.append([])
    return [p for p in paras if p]


def is_disclaimer(paragraph: str) -> bool:
    """Legal boilerplate: opens like one, or carries two distinct confidentiality cues."""
    text = " ".join(paragraph.split())
    if _DISCLAIMER_OPENERS.match(text) and _DISCLAIMER_CUES.search(text):
        return True
    return len({m.group(0).lower() for m in _DISCLAIMER_CUES.finditer(text)}) >= 2


def _drop_disclaimers(lines: list[str]) -> tuple[list[str], list[str]]:
    """Remove disclaimer paragraphs (never the first paragraph: that is the message)."""
    kept: list[str] = []
    dropped: list[str] = []
    paras = _paragraphs(lines)
    for index, para in enumerate(paras):
        if index > 0 and is_disclaimer("\n".join(para)):
            dropped.append("\n".join(para))
        else:
            if kept:
                kept.append("")
            kept.extend(para)
    return kept, dropped


def _short_block(lines: list[str]) -> bool:
    nonblank = [line for line in lines if line.strip()]
    return len(nonblank) <= 8 and all(len(line.strip()) <= 70 for line in nonblank)


def _split_signature(lines: list[str]) -> tuple[list[str], str, str]:
    """(body lines, signature, sign-off line) using `-- `, a sign-off line, or neither."""
    signature: list[str] = []
    for i, line in enumerate(lines):
        if line.rstrip() in ("--", "-- ", "—", "__"):
            signature, lines = lines[i + 1 :], lines[:i]
            break
    sign_off = ""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    for i in reversed(nonblank[-10:]):
        if _SIGN_OFF.match(lines[i].strip()) and _short_block(lines[i + 1 :]):
            sign_off = lines[i].strip()
            signature = lines[i + 1 :] + ([""] if signature else []) + signature
            lines = lines[:i]
            break
    if not signature and not sign_off:
        paras = _paragraphs(lines)
        if len(paras) > 1 and looks_like_signature("\n".join(paras[-1])):
            last = max(i for i, line in enumerate(lines) if line.strip() == paras[-1][0].strip())
            signature, lines = lines[last:], lines[:last]
    sig_text = re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in signature)).strip()
    return lines, sig_text, sign_off


def split_body(body: str) -> BodyParts:
    """Fresh reply first; quoted history, signature and disclaimers kept apart."""
    lines = body.split("\n")
    cut, forwarded = _history_start(lines)
    history = lines[cut:]
    fresh_lines: list[str] = []
    inline_quotes: list[str] = []
    for line in lines[:cut]:
        if line.lstrip().startswith(">"):
            inline_quotes.append(line)
        else:
            fresh_lines.append(line)
    fresh_lines, disclaimers = _drop_disclaimers(fresh_lines)
    fresh_lines, signature, sign_off = _split_signature(fresh_lines)
    quoted = "\n".join(inline_quotes + ([""] if inline_quotes and history else []) + history)
    return BodyParts(
        fresh="\n".join(fresh_lines).strip(),
        quoted=quoted.strip(),
        signature=signature,
        sign_off=sign_off,
        disclaimer="\n\n".join(disclaimers),
        forwarded=forwarded,
    )
