"""Document-level reconciliation: the rules read one utterance at a time; these passes look
at all of a document's signals together and settle what one utterance cannot know alone
(who is a person and who a vendor, which mention is a complaint, which meeting is a rival's,
which amount is being pushed back on)."""

from __future__ import annotations

import re

from extractors.pipeline import complaint_cues, load_tools
from extractors.schema import Signal


def _name(sig: Signal) -> str | None:
    """The person or vendor name a signal carries, if any."""
    value = sig.value if isinstance(sig.value, dict) else {}
    name = str(value.get("name") or "").strip()
    return name or None


def _vendor_names(signals: list[Signal], types: tuple[str, ...] | None = None) -> set[str]:
    return {n for s in signals if s.dimension == "competition"
            and (types is None or s.type in types) and (n := _name(s))}


def vendors_named(signals: list[Signal], known: tuple[str, ...]) -> tuple[str, ...]:
    """Vendor names the prospect's competition signals found that no tool list knows, so a
    second read can see their later mentions (people's names never count)."""
    tool_names = load_tools()[0]
    people = {n.split()[0] for n in known}
    people |= {n.split()[0] for s in signals if s.dimension == "stakeholder" and (n := _name(s))}
    out: list[str] = []
    for sig in signals:
        name = _name(sig) if sig.dimension == "competition" else None
        if (name and len(name) >= 3 and name[0].isupper() and name.lower() not in tool_names
                and name.split()[0] not in people and name not in out):
            out.append(name)
    return tuple(out)


def _sentence_from(text: str, start: int, end: int) -> str:
    """The evidence and the rest of its sentence: "X is in place but nobody trusts it"."""
    if re.search(r"[.!?]\s*$", text[start:end]):
        return text[start:end]
    stop = re.search(r"[.!?\n]", text[end : end + 160])
    return text[start : end + (stop.start() if stop else 160)]


def _complains(sig: Signal, text: str) -> bool:
    return bool(complaint_cues().search(_sentence_from(text, sig.evidence.start,
                                                        sig.evidence.end)))


def keep_later_mention(sig: Signal, text: str) -> bool:
    """A vendor named earlier and only mentioned again is a signal only when the mention
    carries a complaint; other competition rules that fire on it stand on their own."""
    reasons = sig.evidence.reasons
    if "entity:tool.named_earlier" not in reasons or sig.dimension != "competition":
        return True
    return "rule:competition.tool_mention" not in reasons or _complains(sig, text)


def _people_are_not_vendors(signals: list[Signal], known: tuple[str, ...]) -> list[Signal]:
    """A competition signal "about" someone the document names as a person with a role, or a
    participant ("Oskar thinks it's overkill"), is about a person, not a vendor; and a vendor
    the competition rules named, mentioned with no role, is not a stakeholder ("asked Invoxa
    for an offer")."""
    people = {n.split()[0] for n in known}
    people |= {n.split()[0] for s in signals if s.dimension == "stakeholder" and (n := _name(s))
               and isinstance(s.value, dict)
               and (s.value.get("buying_role") or s.value.get("department"))}
    kept = [s for s in signals if not (
        s.dimension == "competition" and (n := _name(s)) and n.split()[0] in people)]
    vendors = _vendor_names(kept)
    return [s for s in kept if not (
        s.dimension == "stakeholder" and _name(s) in vendors
        and isinstance(s.value, dict) and not s.value.get("title"))]


def _price_pushback(signals: list[Signal]) -> list[Signal]:
    """ "Your 1.5 lakh implementation fee is on the higher side": one fact, the amount pushed
    back on. The amount keeps its value and turns `against`; the separate pushback goes."""
    pushbacks = [i for i, s in enumerate(signals) if s.dimension == "budget"
                 and s.type == "pushback" and s.polarity == "against"]
    merged: set[int] = set()
    out: list[Signal] = []
    for sig in signals:
        if pushbacks and sig.dimension == "budget" and sig.type == "amount" and (
                sig.polarity == "for"):
            ev = sig.evidence
            hit = next((i for i in pushbacks if signals[i].evidence.start < ev.end
                        and ev.start < signals[i].evidence.end), None)
            if hit is not None:
                merged.add(hit)
                evidence = ev.model_copy(update={"reasons": (*ev.reasons, "cue:budget.pushback")})
                sig = sig.model_copy(update={"polarity": "against", "evidence": evidence})
        out.append(sig)
    return [s for i, s in enumerate(out) if i not in merged]


def _not_a_rivals_meeting(signals: list[Signal]) -> list[Signal]:
    """ "We've a demo with RouteLoop on Thursday": a meeting with a rival vendor is
    competition, not a next step with us."""
    rivals = _vendor_names(signals, ("alternative", "chosen"))
    return [s for s in signals if not (
        s.dimension == "next_step" and any(r in s.evidence.quote for r in rivals))]


def _complaint_polarity(sig: Signal, text: str) -> Signal:
    """A neutral mention of a vendor said in the same sentence as a complaint about it is
    unhappiness with that vendor: polarity `for` (a reason records why)."""
    if sig.dimension != "competition" or sig.polarity != "neutral" or not _complains(sig, text):
        return sig
    evidence = sig.evidence.model_copy(
        update={"reasons": (*sig.evidence.reasons, "cue:competition.complaint")})
    return sig.model_copy(update={"polarity": "for", "evidence": evidence})


def reconcile(signals: list[Signal], known: tuple[str, ...], text: str) -> list[Signal]:
    """All document-level passes, in order; `known` are the prospect participants' names and
    `text` the document text the evidence offsets point into."""
    kept = _not_a_rivals_meeting(_price_pushback(_people_are_not_vendors(signals, known)))
    return [_complaint_polarity(s, text) for s in kept]
