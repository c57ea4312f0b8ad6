"""ConText for sales talk: negation, hypothetical, question, uncertainty, past, other party.

One component applies every cue (data in rules/context.toml) to every trigger, the way
medspaCy's ConText does for clinical findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.rules_io import ContextRule, ContextSettings

_WORD = re.compile(r"[\w']+")
_TAG_QUESTION = re.compile(
    r",?\s*(?:right|correct|yeah|no|yes|ok|okay|eh|huh|isn'?t it|don'?t you think|you know)"
    r"\s*\?+\s*$",
    re.I,
)
# "could you send me a one pager?", "can we do 20 min thursday?": a request or a proposal for a
# next step, said as a question; it asks for an action, not for a fact, so it is not a question
_REQUEST = re.compile(
    r"^\W*(?:(?:yes|ok|okay|great|perfect|cool|sure|and|so|also),?\s+)?(?:could|can|would|will)\s+"
    r"(?:you|we)\s+(?:please\s+|maybe\s+|also\s+|just\s+)?(?:send|share|forward|email|drop|pop|"
    r"pencil|book|schedule|set up|arrange|put together|jump on|hop on|meet|find (?:a )?time|"
    r"check back|circle back|come back to|follow up|call|ring|ping|"
    r"(?:do|get|grab|have)\s+(?:a\s+|an\s+|another\s+)?(?:\d+[- ]?(?:min\w*|hours?)|quick|short|"
    r"half an hour|follow[- ]?up|call|session|meeting|demo|chat|walkthrough|workshop|review))\b",
    re.I,
)
_WH_START = re.compile(
    r"^\W*(?:(?:do|does|did|are|is|can|could|would|will|have|has|should)\s+(?:you|we|your|there|it|"
    r"they|i)\b|(?:what|how|when|who|which|where|why)\s+(?:is|are|do|does|did|'s|would|will|can|"
    r"about|kind|sort|type)\b|any (?:chance|idea|thoughts)\b)",
    re.I,
)


@dataclass(frozen=True)
class Cue:
    """A cue found in a sentence (absolute offsets)."""

    rule_id: str
    category: str
    direction: str
    max_scope: int
    start: int
    end: int


class ContextEngine:
    """Find cues in a sentence and decide which of them govern a trigger."""

    def __init__(self, rules: tuple[ContextRule, ...], settings: ContextSettings) -> None:
        self.rules = rules
        self.terminators = re.compile(settings.terminators, re.I)
        self.openers = re.compile(settings.question_openers, re.I)

    def cues(self, text: str, start: int, end: int, lowered: str | None = None) -> list[Cue]:
        """All cues in text[start:end], longest first, pseudo cues removing what they overlap."""
        local = text[start:end]
        local_low = lowered[start:end] if lowered is not None else None
        found: list[Cue] = []
        for rule in self.rules:
            for match in rule.finditer(local, local_low):
                if match.end() == match.start():
                    continue
                found.append(Cue(rule.id, rule.category, rule.direction, rule.max_scope,
                                 match.start() + start, match.end() + start))
        found.sort(key=lambda c: (-(c.end - c.start), c.start))
        kept: list[Cue] = []
        for cue in found:
            if any(cue.start < k.end and k.start < cue.end for k in kept):
                continue
            kept.append(cue)
        return [c for c in kept if c.category != "pseudo"]

    def _blocked(self, text: str, a: int, b: int) -> bool:
        return a < b and self.terminators.search(text, a, b) is not None

    def _words(self, text: str, a: int, b: int) -> int:
        return len(_WORD.findall(text[a:b])) if b > a else 0

    def governs(self, text: str, cue: Cue, t_start: int, t_end: int) -> bool:
        """Does this cue reach the trigger at text[t_start:t_end]?"""
        if cue.start >= t_start and cue.end <= t_end:
            return True  # inside the trigger: "budget is not approved"
        forward = cue.direction in ("forward", "bidirectional") and cue.end <= t_start
        if forward and self._words(text, cue.end, t_start) <= cue.max_scope and not (
            self._blocked(text, cue.end, t_start)
        ):
            return True
        backward = cue.direction in ("backward", "bidirectional") and cue.start >= t_end
        if backward and self._words(text, t_end, cue.start) <= cue.max_scope and not (
            self._blocked(text, t_end, cue.start)
        ):
            return True
        return cue.start < t_end and t_start < cue.end  # overlapping

    @staticmethod
    def is_request(text: str, start: int, end: int) -> bool:
        """Is the sentence a request for an action ("could you send me...?", "can we do 20 min
        thursday?")? Such a question still proposes a next step."""
        return bool(_REQUEST.match(text[start:end]))

    def question_start(self, text: str, start: int, end: int) -> int | None:
        """Where the question clause of a sentence starts (None: the sentence asks nothing)."""
        local = text[start:end]
        stripped = local.rstrip()
        if not stripped.endswith("?"):
            return start if _WH_START.match(local) and len(local.split()) <= 14 else None
        if _TAG_QUESTION.search(stripped):
            return None
        last = None
        for match in self.openers.finditer(local):
            last = match
        if last is None and len(local.split()) >= 5:
            # "so live by end of august?": a statement said with a rising tone, not a question
            return None
        if last is None or last.start() == 0:
            return start
        return start + last.start()
