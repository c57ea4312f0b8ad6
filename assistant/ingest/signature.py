"""Turn an email signature block into facts about the sender: name, title, company, phone."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d ().\-/]{6,}\d(?:\s*(?:x|ext\.?)\s*\d+)?")
_PHONE_LABEL = re.compile(
    r"^(?:t|m|p|o|d|c|tel|phone|mobile|mob|cell|direct|office|work)\.?\s*[:.]?\s*", re.I
)
_TITLE_WORDS = re.compile(
    r"\b(?:vp|svp|evp|avp|vice president|director|head|manager|chief|ceo|cfo|cto|cio|ciso|coo|"
    r"cro|cmo|cpo|officer|engineer|lead|president|founder|co-founder|owner|analyst|specialist|"
    r"architect|administrator|coordinator|consultant|partner|principal|controller|counsel|"
    r"buyer|procurement|executive|representative|treasurer|associate|developer|admin|"
    r"operations|ops|sdr|bdr|ae|recruiter|scientist|strategist|advisor)\b",
    re.I,
)
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|io|ai|net|org|co|de|eu)\b", re.I)
_NAME = re.compile(r"^[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]*){0,3}$")
_SPLIT = re.compile(r"\s*(?:\||·|•|,|\s[-–—]\s|\bat\b)\s*")


@dataclass(frozen=True, slots=True)
class SignatureFacts:
    """What a signature says about its author."""

    name: str | None = None
    title: str | None = None
    company: str | None = None
    phone: str | None = None
    email: str | None = None


def _pieces(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        stripped = line.strip().strip("*_")
        if stripped:
            out.extend(p for p in (s.strip() for s in _SPLIT.split(stripped)) if p)
    return out


def parse_signature(block: str) -> SignatureFacts:
    """Read name/title/company/phone from short signature lines, in the order people write them."""
    name = title = company = phone = email = None
    for raw_line in block.split("\n"):
        line = raw_line.strip()
        if not line:
            continue
        bare = _PHONE_LABEL.sub("", line)
        phone_match = _PHONE.search(bare)
        if phone_match and len(re.sub(r"\D", "", phone_match.group(0))) >= 7:
            phone = phone or phone_match.group(0).strip()
            continue
        if "@" in line:
            email = email or next((w.strip("<>()") for w in line.split() if "@" in w), None)
            continue
        if _URL.fullmatch(line):
            continue
        for piece in _pieces([line]):
            if _TITLE_WORDS.search(piece) and title is None:
                title = piece
            elif title is None and company is None and _NAME.match(piece):
                # "Ravi" after the sign-off, then "Ravi Chandrasekar" below `--`: keep the fuller.
                name = piece if name is None or len(piece) > len(name) else name
            elif (
                company is None
                and (title is not None or name is not None)
                and not _URL.fullmatch(piece)
            ):
                company = piece
    return SignatureFacts(name=name, title=title, company=company, phone=phone, email=email)


def looks_like_signature(block: str) -> bool:
    """A trailing block of 2-6 short lines that opens with a name and has a phone or title."""
    lines = [line.strip() for line in block.split("\n") if line.strip()]
    if not 2 <= len(lines) <= 6 or any(len(line) > 70 for line in lines):
        return False
    if not _NAME.match(_pieces(lines[:1])[0] if _pieces(lines[:1]) else ""):
        return False
    rest = lines[1:]
    return any(_PHONE.search(line) or _TITLE_WORDS.search(line) for line in rest)
