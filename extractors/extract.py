"""extract(): a Document in, Signals with evidence out.

Why per utterance: evidence must sit inside one speaker turn, and the speaker decides whether
a sentence is evidence at all (a rep's question or claim never is).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from extractors.dates import resolve_date
from extractors.money import document_currency, normalize_money
from extractors.pipeline import (
    TRIGGERS,
    MatchBatch,
    complaint_cues,
    entities_in,
    get_pipeline,
    span_data,
)
from extractors.reconcile import keep_later_mention, reconcile, vendors_named
from extractors.schema import Document, Evidence, Signal, Utterance

EXTRACTOR_NAME = "rules"
EXTRACTOR_VERSION = "0.6.16"
DROP = frozenset({"hypothetical", "past", "other_party", "question"})
# a question about a meeting that already happened ("did the call on Tuesday go ahead?")
_LOOKING_BACK = re.compile(r"\W*(?:did|was|were|how was|how did|had|has|have|why)\b", re.I)
# dimensions where two types in one clause are usually one fact told two ways
_COLLAPSE = frozenset({"authority", "timeline", "need", "competition", "next_step"})
_MAX_UTTERANCE = 200_000
_FUTURE = re.compile(
    r"\b(?:i'?ll|we'?ll|i will|we will|let me|i'm going to|we're going to)\b", re.I
)
_SIGNATURE = re.compile(
    r"^\s*(?:best|best regards|regards|kind regards|warm regards|thanks|thank you|many thanks|"
    r"cheers|sincerely|talk soon|sent from my \w+)\s*[,!.]?\s*$",
    re.I | re.M,
)


def _units(document: Document) -> list[Utterance]:
    """Utterances to read; a document without any is read as one unknown-speaker block."""
    if document.utterances:
        return list(document.utterances)
    if not document.text.strip():
        return []
    return [Utterance(index=0, start=0, end=len(document.text), text=document.text)]


def _known_names(document: Document) -> tuple[str, ...]:
    names: list[str] = []
    for p in document.participants:
        if p.role == "rep" or not p.name:
            continue
        clean = p.name.strip()
        if clean and clean[0].isupper() and "@" not in clean:
            names.append(clean)
            first = clean.split()[0]
            if len(first) > 2:
                names.append(first)
    return tuple(dict.fromkeys(names))


def _confidence(base: float, utt: Utterance, kind: str, mods: list[str]) -> float:
    conf = base
    if "uncertainty" in mods:
        conf *= 0.7
    if utt.role == "unknown" and kind in ("call", "chat"):
        conf *= 0.8
    elif utt.role == "unknown" and kind == "email":
        conf *= 0.9
    return max(0.05, min(1.0, conf))


def _normalize(doc: Doc, data: dict[str, Any], document: Document) -> Any:
    kind = data["normalizer"]
    text = doc._.qualify_meta["text"]
    if kind == "money" and data["entity"] is not None:
        ent = data["entity"]
        clause_end = data.get("clause_end", data["end"])
        return normalize_money(text[ent["start"] : ent["end"]], text[ent["end"] : clause_end],
                               doc._.qualify_meta.get("currency", "USD"))
    if kind == "date":
        ent = data["entity"]
        if ent is None:
            dates = entities_in(doc, "DATE", data["start"], data["end"])
            if not dates:
                return data["value"]
            ent = dates[0]
        return resolve_date(text[ent["start"] : ent["end"]], document.date)
    return data["value"]


def _in_the_past(data: dict[str, Any], value: Any, document: Document) -> bool:
    """A date that resolves before the conversation is history, not a plan or a next step."""
    if data["dimension"] not in ("timeline", "next_step") or not isinstance(value, dict):
        return False
    if document.date is None or not value.get("date"):
        return False
    try:
        day = dt.date.fromisoformat(value["date"])
    except ValueError:
        return False
    if data["dimension"] == "next_step" and data["type"] == "meeting":
        return day <= document.date  # the meeting of the document itself is not a next step
    return day < document.date - dt.timedelta(days=1)


def _apply_negation(data: dict[str, Any], doc: Doc) -> bool:
    """Turn a negated trigger around. Returns False when the signal should be dropped."""
    if data["polarity"] == "neutral":
        return False
    if data["dimension"] == "authority":
        sent_has_other = entities_in(doc, "TITLE", data["start"], data["end"]) or re.search(
            r"\b(?:[A-Z][a-z]+ (?:does|is|will|signs|decides)|boss|manager)\b",
            doc._.qualify_meta["text"][data["start"] : data["end"]],
        )
        if sent_has_other:
            data["type"], data["value"], data["polarity"] = "approval_chain", "approver", "for"
            return True
    if data["negated_type"] == "drop":
        return False  # a negated fact of this rule says nothing ("no open findings")
    data["polarity"] = "against" if data["polarity"] == "for" else "for"
    if data["negated_type"]:
        data["type"] = data["negated_type"]
    if data["negated_value"]:
        data["value"] = data["negated_value"]
    elif data["dimension"] == "budget" and data["type"] == "status":
        data["value"] = "none"
    elif data["dimension"] == "budget" and data["type"] == "amount":
        return False
    elif data["dimension"] == "authority" and data["type"] == "no_authority":
        data["value"] = "influencer"
    return True


def _signals_for(doc: Doc, utt: Utterance, document: Document) -> list[tuple[Signal, int]]:
    out: list[tuple[Signal, int]] = []
    triggers = span_data(doc, TRIGGERS)
    if not triggers:
        return out
    for raw in triggers:
        data = dict(raw)
        mods: list[str] = list(data["modifiers"])
        if data["dimension"] == "need" and data["type"] == "pain" and "past" in mods:
            mods.remove("past")  # a past incident ("we missed a renewal last quarter") is pain
        if data["dimension"] == "next_step" and "past" in mods and _FUTURE.search(
                doc._.qualify_meta["text"][data["start"] : data["t_end"]]):
            mods.remove("past")  # "I'll send over last quarter's report" is a commitment
        if data["dimension"] == "next_step" and data["type"] == "meeting" and "question" in mods \
                and not _LOOKING_BACK.match(doc._.qualify_meta["text"], data["start"]):
            mods.remove("question")  # the buyer asking "thu 2pm ET?" is proposing the meeting
        negations = [r for r in data["reasons"] if r.startswith("cue:neg.")]
        if data["dimension"] == "need" and negations and all(
                r == "cue:neg.nobody" for r in negations) and "negation" in mods:
            mods.remove("negation")  # "nobody flags at-risk accounts until it's too late"
        if DROP.intersection(mods):
            continue
        if "negation" in mods and not _apply_negation(data, doc):
            continue
        value = _normalize(doc, data, document)
        if data["normalizer"] == "money" and value is None:
            continue
        if _in_the_past(data, value, document):
            continue
        start, end = utt.start + data["start"], utt.start + data["end"]
        quote = document.text[start:end]
        if not quote.strip():
            continue
        public_mods = tuple("uncertain" if m == "uncertainty" else m for m in mods)
        if utt.role == "unknown" and document.kind in ("call", "chat"):
            public_mods += ("unknown_speaker",)
        evidence = Evidence(
            start=start, end=end, speaker=utt.speaker, role=utt.role, quote=quote,
            extractor=EXTRACTOR_NAME, extractor_version=EXTRACTOR_VERSION,
            reasons=tuple(data["reasons"]),
        )
        signal = Signal(
            dimension=data["dimension"], type=data["type"], value=value,
            polarity=data["polarity"],
            confidence=_confidence(data["confidence"], utt, document.kind, mods),
            modifiers=public_mods, evidence=evidence,
        )
        # a bare tool mention carries no trigger words: the first tool named in a clause wins
        weight = 0 if data["rule_id"] == "competition.tool_mention" else (
            data["t_end"] - data["t_start"])
        out.append((signal, weight))
    return out


def _dedupe(scored: list[tuple[Signal, int]]) -> list[Signal]:
    """No two signals of one dimension/type (or one collapsing dimension) overlap.

    Kept signals are indexed by start per dimension, so each candidate is only compared with
    the kept signals that can overlap it (a start within the longest kept span before it)."""
    ranked = sorted(scored, key=lambda p: (-p[0].confidence, -p[1], p[0].evidence.start))
    kept: list[Signal] = []
    starts: dict[str, list[int]] = {}
    by_dim: dict[str, list[Signal]] = {}
    longest: dict[str, int] = {}
    for sig, _ in ranked:
        ev = sig.evidence
        dim = sig.dimension
        dim_starts = starts.setdefault(dim, [])
        dim_sigs = by_dim.setdefault(dim, [])
        lo = bisect_left(dim_starts, ev.start - longest.get(dim, 0))
        hi = bisect_left(dim_starts, ev.end)
        clash = False
        for other in dim_sigs[lo:hi]:
            if not (ev.start < other.evidence.end and other.evidence.start < ev.end):
                continue
            if other.type == sig.type or dim in _COLLAPSE:
                clash = True
                break
        if not clash:
            kept.append(sig)
            at = bisect_right(dim_starts, ev.start)
            dim_starts.insert(at, ev.start)
            dim_sigs.insert(at, sig)
            longest[dim] = max(longest.get(dim, 0), ev.end - ev.start)
    return sorted(kept, key=lambda s: (s.evidence.start, s.evidence.end, s.dimension, s.type))


def _bare_title(title: Any) -> str:
    return re.sub(r"^(?:(?:the|our|my|their|your|his|her|new|interim|acting|former)\s+)+", "",
                  str(title or "").strip().lower()).strip()


def _first_mentions(signals: list[Signal]) -> list[Signal]:
    """A person named again later adds nothing unless the new mention brings a title: the
    stakeholder map wants each person once, with the richest description first found."""
    seen: dict[str, set[str]] = {}
    kept: list[Signal] = []
    named_titles = {
        _bare_title(sig.value.get("title")) for sig in signals
        if sig.dimension == "stakeholder" and isinstance(sig.value, dict)
        and sig.value.get("name") and sig.value.get("title")
    }
    seen_bare: set[str] = set()
    for sig in signals:
        value = sig.value if isinstance(sig.value, dict) else {}
        name = value.get("name") if sig.dimension == "stakeholder" else None
        if not name:
            if sig.dimension == "stakeholder" and value.get("title"):
                # "the GM" said three times is one person, and the same one as "the GM, Ana"
                bare = _bare_title(value.get("title"))
                if bare in named_titles or bare in seen_bare:
                    continue
                seen_bare.add(bare)
            kept.append(sig)
            continue
        key = str(name).split()[0].lower()
        title = str(value.get("title") or "")
        titles = seen.get(key)
        if titles is not None and (not title or title in titles):
            continue
        seen.setdefault(key, set()).add(title)
        kept.append(sig)
    return kept


def _fresh_region(document: Document, utt: Utterance) -> int:
    """For emails, where the sign-off starts (the signature is not evidence)."""
    if document.kind != "email":
        return len(utt.text)
    match = _SIGNATURE.search(utt.text)
    return match.start() if match else len(utt.text)


def extract(document: Document, *, nlp: Language | None = None) -> list[Signal]:
    """Qualification signals of one document, sorted by position, without duplicates."""
    pipeline = nlp or get_pipeline()
    known = _known_names(document)
    units = [u for u in _units(document) if u.role != "rep" and u.text.strip()]
    texts = [u.text[: min(_fresh_region(document, u), _MAX_UTTERANCE)] for u in units]
    batch = MatchBatch(texts) if len(texts) > 1 else None
    currency = document_currency(document.text)

    def read(index: int, doc_tools: tuple[str, ...] = ()) -> list[tuple[Signal, int]]:
        utt = units[index]
        doc = pipeline.make_doc(texts[index])
        doc._.qualify_meta = {"text": texts[index], "known_names": known, "speaker": utt.speaker,
                              "role": utt.role, "kind": document.kind, "batch": batch,
                              "batch_index": index, "currency": currency,
                              "doc_tools": doc_tools}
        for _, proc in pipeline.pipeline:
            doc = proc(doc)
        return _signals_for(doc, utt, document)

    per_unit = [read(index) for index in range(len(units))]
    named = vendors_named([sig for found in per_unit for sig, _ in found], known)
    if named:
        complaint = complaint_cues()
        for index, text in enumerate(texts):
            here = tuple(n for n in named if n in text)
            # only a complaint makes a bare later mention a signal: read again only then
            if here and complaint.search(text):
                per_unit[index] = [pair for pair in read(index, here)
                                   if keep_later_mention(pair[0], document.text)]
    deduped = _first_mentions(_dedupe([pair for found in per_unit for pair in found]))
    signals = reconcile(deduped, known, document.text)
    for sig in signals:
        sig.evidence.check_against(document.text)
    return signals
