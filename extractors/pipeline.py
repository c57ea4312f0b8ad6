"""The spaCy pipeline: registered components that turn an utterance into signal triggers.

Components (in order): sentencizer, qualify_segment, qualify_entities, qualify_triggers,
qualify_people, qualify_context. Each writes to `doc.spans[...]` with the rule id as the span
label and its details in `span_data(doc, group)`, so any later component (or a debugging user)
can see which rule fired and why.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors import fastscan
from extractors.context import ContextEngine
from extractors.people import find_mentions
from extractors.rules_io import RULES_DIR, RulesError, RuleSet, default_rules, lower_same_length
from extractors.segment import split_clauses, split_sentences

ENTITIES = "qualify_entities"
TRIGGERS = "qualify_triggers"
COMPONENTS = ("qualify_segment", "qualify_entities", "qualify_triggers", "qualify_people",
              "qualify_context")

for _ext in ("qualify_meta", "qualify_sents", "qualify_clauses", "qualify_data"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)


def span_data(doc: Doc, group: str) -> list[dict[str, Any]]:
    """The details of each span of a group, in group order (rule id, offsets, value, ...).

    Kept on the Doc rather than on `Span._` because span extensions are keyed by offsets and
    several rules often fire on the same clause.
    """
    return (doc._.qualify_data or {}).get(group, [])

_PROCESS_ITEMS = {"questionnaire", "pen test", "vendor risk review"}
_SKIP = (r"(?:with |from |to |off |on |at |into |of |in |our |the |a |an |using |by |for |you "
         r"|against |up |also |still |now |both |either |them, |it, )*")
# lower-case product names that are web addresses: "incident.io", "monday.com"
_DOMAIN_NAME = r"[a-z][a-z0-9-]+\.(?:io|ai|com|co|app|dev|so|xyz|hq)\b"
_NAME_AFTER = re.compile(
    rf"^[\s,:(]*{_SKIP}((?:[A-Z][\w.&'-]*|[a-z]+[A-Z][\w.&'-]*|[a-z]+\d[\w-]*|{_DOMAIN_NAME})"
    r"(?:\s(?:[A-Z][\w.&'-]*|\d+))?)"
)
# in chats people write product names in lower case: one plain word right after the verb
_LOWER_AFTER = re.compile(rf"^[\s,:(]*{_SKIP}([a-z][a-z0-9.-]{{3,}})\b(?!')")
_NAME_BEFORE = re.compile(
    r"(?:^|[\s(,;:])((?:[A-Z][\w.&-]*|[a-z]+[A-Z][\w.&-]*)(?:\s[A-Z][\w.&-]*)?)(?:'s)?"
    r"(?:\s\([^)]{0,40}\))?,?\s*$"
)
_AND_NAME = re.compile(
    r"^(?:\s*,\s*(?:and |or |& )?|\s+(?:and|or|&|plus|as well as)\s+)"
    rf"((?:[A-Z][\w.&'-]*|[a-z]+[A-Z][\w.&'-]*|[a-z]+\d[\w-]*|{_DOMAIN_NAME})"
    r"(?:\s[A-Z][\w.&'-]*)?)"
)


@lru_cache(maxsize=1)
def _competitors() -> dict[str, Any]:
    """rules/competitors.toml, read and parsed once; a malformed file names its line."""
    path = RULES_DIR / "competitors.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise RulesError(path, int(line.group(1)) if line else None, str(exc)) from exc


@lru_cache(maxsize=1)
def _generic() -> frozenset[str]:
    """Words that follow "we use" / "looking at" but are workflow or filler, never a vendor
    (rules/competitors.toml, `generic`)."""
    return frozenset(w.lower() for w in _competitors().get("generic", []))


@lru_cache(maxsize=1)
def complaint_cues() -> re.Pattern[str]:
    """What makes a vendor mention a complaint (rules/competitors.toml, `complaint`)."""
    return re.compile(_competitors().get("complaint", "(?!x)x"), re.IGNORECASE)


@lru_cache(maxsize=1)
def load_tools() -> tuple[frozenset[str], re.Pattern[str], re.Pattern[str]]:
    """Known tool / vendor names (lowercase set, case-insensitive and case-sensitive regexes)."""
    path = RULES_DIR / "competitors.toml"
    data = _competitors()
    names = data.get("names")
    strict = data.get("case_sensitive", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise RulesError(path, None, "`names` must be a list of strings")
    loose = [n for n in names if n not in strict]
    alt = "|".join(re.escape(n) for n in sorted(loose, key=len, reverse=True))
    alt_cs = "|".join(re.escape(n) for n in sorted(strict, key=len, reverse=True)) or "(?!x)x"
    # the loose list is matched against lowercased text: much faster than re.IGNORECASE
    return (
        frozenset(n.lower() for n in names),
        re.compile(rf"(?<![\w.])(?:{alt.lower()})(?![\w])"),
        re.compile(rf"(?<![\w.])(?:{alt_cs})(?![\w])"),
    )


SEPARATOR = " ;.\n\x00\n.; "  # between utterances in a batch: rule patterns do not run across it


class MatchBatch:
    """Every rule's matches over all utterances of one document, found in one scan per rule.

    Why: a regex call per rule per utterance cost more in call overhead than in scanning;
    scanning the joined text once and slicing per utterance gives the same spans faster.
    Matches that run across a separator are dropped.
    """

    def __init__(self, texts: list[str]) -> None:
        self.offsets: list[int] = []
        pos = 0
        for t in texts:
            self.offsets.append(pos)
            pos += len(t) + len(SEPARATOR)
        self.lengths = [len(t) for t in texts]
        self.text = SEPARATOR.join(texts)
        self.lower = lower_same_length(self.text)
        # the ASCII stand-ins RE2 scans (None: every rule runs on re)
        self.views = fastscan.Views(self.text, self.lower) if fastscan.enabled() else None
        self._cache: dict[str, dict[int, list[tuple[int, int]]]] = {}
        self._by_utterance: dict[str, dict[int, dict[str, list[tuple[int, int]]]]] = {}

    def hits(
        self, group: str, finders: list[tuple[str, Any]], index: int, length: int
    ) -> dict[str, list[tuple[int, int]]]:
        """key -> spans in utterance `index`, for the rules of `group` (triggers, entities)
        that match there at all: a component then visits a handful of rules per utterance
        instead of all of them."""
        by = self._by_utterance.get(group)
        if by is None:
            by = {}
            for key, finder in finders:
                for idx, found in self._scan(key, finder).items():
                    by.setdefault(idx, {})[key] = found
            self._by_utterance[group] = by
        got = by.get(index, {})
        if self.lengths and length != self.lengths[index]:
            got = {k: [(a, b) for a, b in v if b <= length] for k, v in got.items()}
        return got

    def _scan(self, key: str, finder: Any) -> dict[int, list[tuple[int, int]]]:
        """A rule's matches over the whole document, split by utterance, found once."""
        found = self._cache.get(key)
        if found is None:
            found = {}
            offsets, lengths = self.offsets, self.lengths
            for m in finder(self.text, self.lower, self.views):
                a, b = m.span()
                idx = bisect_right(offsets, a) - 1
                base = offsets[idx]
                if b <= base + lengths[idx]:
                    found.setdefault(idx, []).append((a - base, b - base))
            self._cache[key] = found
        return found

    def spans(self, key: str, finder: Any, index: int, length: int) -> list[tuple[int, int]]:
        """Spans of `finder(text, lower)` inside utterance `index`, relative to it.

        The document's matches of a rule are split by utterance once, on first use, so each
        later call is one dict lookup (there is a call per rule per utterance)."""
        found = self._scan(key, finder)
        got = found.get(index)
        if got is None:
            return []
        if length != self.lengths[index]:
            return [(a, b) for a, b in got if b <= length]
        return got


@lru_cache(maxsize=1024)
def _rx(pattern: str) -> re.Pattern[str]:
    """A rule's requires/excludes pattern, compiled once (case-insensitive): these run for
    every match of every rule, and re's own cache lookup showed in the profile."""
    return re.compile(pattern, re.I)


def _matches(meta: dict[str, Any], key: str, finder: Any, text: str,
             lowered: str | None) -> list[tuple[int, int]]:
    """Rule matches in one utterance, from the document batch when there is one."""
    batch = meta.get("batch")
    if batch is not None and batch.lower is not None and lowered is not None:
        return batch.spans(key, finder, meta["batch_index"], len(text))
    return [m.span() for m in finder(text, lowered)]


def _span(doc: Doc, start: int, end: int, group: str, data: dict[str, Any]) -> None:
    """Add a span (char offsets in the utterance) with its data to a span group."""
    span = doc.char_span(start, end, label=data.get("rule_id", ""), alignment_mode="expand")
    if span is None:
        return
    ext = doc._  # one Underscore object, not three (this runs for every match)
    store = ext.qualify_data
    if store is None:
        store = ext.qualify_data = {}
    store.setdefault(group, []).append(data)
    doc.spans[group].append(span)


@Language.factory("qualify_segment", default_config={}, assigns=["doc._.qualify_clauses"])
def make_segment(nlp: Language, name: str) -> QualifySegment:
    """Sentence and clause spans; sentence ends from spaCy plus newlines and bullets."""
    return QualifySegment()


_PUNCT_BREAK = re.compile(r"(?<=[.!?])[.!?\"')\]]*\s+(?=\S)")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    """Tokens ending in a full stop that spaCy's English tokenizer keeps whole ("Dr.")."""
    rules = spacy.blank("en").tokenizer.rules or {}
    known = {k.lower() for k in rules if k.endswith(".") and len(k) > 1}
    return frozenset(known | {"dir.", "mgr.", "sr.", "jr.", "dept.", "approx.", "assoc.",
                              "asst.", "univ.", "vs."})


def punctuation_breaks(text: str) -> list[int]:
    """Where spaCy's rule-based sentencizer would start sentences (after . ! ? and a space,
    except after abbreviations and initials), computed with one regex instead of a pass
    over Token objects, which was a fifth of the extraction time."""
    abbreviations = _abbreviations()
    out = []
    for match in _PUNCT_BREAK.finditer(text):
        # the word before the break, found by walking back to whitespace (a regex search for
        # it scanned the text from its start at every break: quadratic in long turns)
        end = match.start()
        begin = end
        while begin > 0 and not text[begin - 1].isspace():
            begin -= 1
        word = text[begin:end].lower()
        word = word.rstrip("\"')]").lstrip("\"'([")
        if word in abbreviations or re.fullmatch(r"(?:[a-z]\.)+", word):
            continue
        out.append(match.end())
    return out


class QualifySegment:
    """Computes doc._.qualify_sents and doc._.qualify_clauses as char spans."""

    def __call__(self, doc: Doc) -> Doc:
        meta = doc._.qualify_meta or {}
        # the caller's text when it gave one (doc.text re-joins every token: slow per utterance)
        text = meta.get("text") or doc.text
        doc._.qualify_meta = {**meta, "text": text, "lower": lower_same_length(text)}
        if doc.has_annotation("SENT_START"):
            breaks = [s.start_char for s in doc.sents]
        else:
            breaks = punctuation_breaks(text)
        sents = split_sentences(text, hard_breaks=breaks)
        doc._.qualify_sents = sents
        doc._.qualify_clauses = [
            (c, i) for i, s in enumerate(sents) for c in split_clauses(text, s)
        ]
        return doc


@Language.factory("qualify_entities", default_config={}, assigns=["doc.spans"])
def make_entities(nlp: Language, name: str) -> QualifyEntities:
    """Money, dates, security items, titles, departments and tool names from rule data."""
    return QualifyEntities(default_rules(), use_ner="ner" in nlp.pipe_names)


class QualifyEntities:
    """Regex entity rules; earlier rules of a label win overlaps."""

    def __init__(self, rules: RuleSet, use_ner: bool = False) -> None:
        self.rules = rules.entities
        self._finders = [("e:" + r.id, r.finditer) for r in self.rules]
        self.tools = load_tools()
        self.use_ner = use_ner

    def __call__(self, doc: Doc) -> Doc:
        meta = doc._.qualify_meta or {}
        text = meta.get("text") or doc.text
        lowered = meta.get("lower")
        doc.spans[ENTITIES] = []
        doc._.qualify_data = {ENTITIES: [], TRIGGERS: []}
        taken: dict[str, list[tuple[int, int]]] = {}
        batch = meta.get("batch")
        hits = None
        if batch is not None and batch.lower is not None and lowered is not None:
            hits = batch.hits(ENTITIES, self._finders, meta["batch_index"], len(text))
        for rule in self.rules:
            if hits is not None:
                found = hits.get("e:" + rule.id)
                if not found:
                    continue
            else:
                found = _matches(meta, "e:" + rule.id, rule.finditer, text, lowered)
            spans = taken.setdefault(rule.label, [])
            for a, b in found:
                while b > a and text[b - 1] in " ,.":
                    b -= 1
                if b <= a or any(a < y and x < b for x, y in spans):
                    continue
                spans.append((a, b))
                _span(doc, a, b, ENTITIES, {"rule_id": rule.id, "label": rule.label,
                                            "start": a, "end": b, "value": rule.value})
        _, loose, strict = self.tools
        tool_spans = taken.setdefault("TOOL", [])
        for key, pattern, use_lower in (("t:loose", loose, True), ("t:strict", strict, False)):
            target = (lowered if lowered is not None else text.lower()) if use_lower else text
            if len(target) != len(text):
                continue

            def finder(t: str, low: str | None, views: fastscan.Views | None = None,
                       p: Any = pattern, u: bool = use_lower) -> Any:
                subject = (low if low is not None else t.lower()) if u else t
                found = None
                if views is not None:
                    view = views.lower if u else views.text
                    found = fastscan.scan(p.pattern, p, subject, view)
                return found if found is not None else p.finditer(subject)

            for a, b in _matches(meta, key, finder, text, lowered):
                if any(a < y and x < b for x, y in tool_spans):
                    continue
                tool_spans.append((a, b))
                _span(doc, a, b, ENTITIES, {"rule_id": "tool.known", "label": "TOOL",
                                            "start": a, "end": b, "value": text[a:b]})
        # vendors the prospect named earlier in this document ("we use Medisort"): a later
        # "Medisort OCR module is in place but nobody trusts it" is about the same vendor
        for name in meta.get("doc_tools", ()):
            for found in re.finditer(rf"(?<![\w.]){re.escape(name)}(?![\w])", text):
                a, b = found.span()
                if any(a < y and x < b for x, y in tool_spans):
                    continue
                tool_spans.append((a, b))
                _span(doc, a, b, ENTITIES, {"rule_id": "tool.named_earlier", "label": "TOOL",
                                            "start": a, "end": b, "value": name})
        for ent in doc.ents if self.use_ner else ():  # a trained model adds people and orgs
            if ent.label_ in ("PERSON", "ORG"):
                label = "PERSON" if ent.label_ == "PERSON" else "ORG"
                _span(doc, ent.start_char, ent.end_char, ENTITIES,
                      {"rule_id": f"model.{label.lower()}", "label": label,
                       "start": ent.start_char, "end": ent.end_char, "value": ent.text})
        return doc


def entities_in(doc: Doc, label: str, start: int, end: int) -> list[dict[str, Any]]:
    """Entity data of one label inside [start, end)."""
    return _ents_in(span_data(doc, ENTITIES), label, start, end)


def _ents_in(ents: list[dict[str, Any]], label: str, start: int, end: int) -> list[dict[str, Any]]:
    return [d for d in ents if d["label"] == label and start <= d["start"] and d["end"] <= end]


def clause_of(doc: Doc, start: int, end: int) -> tuple[int, int, int]:
    """The clause (start, end, sentence index) that holds a trigger; multi-clause triggers
    get the union of their clauses."""
    return _clause_of(doc._.qualify_clauses, start, end)


def _clause_of(clauses: list[Any], start: int, end: int) -> tuple[int, int, int]:
    hits = [(c, i) for c, i in clauses if c[0] < end and start < c[1]]
    if not hits:
        for (c0, c1), i in clauses:
            if c0 <= start <= c1:
                return c0, c1, i
        return start, end, 0
    return hits[0][0][0], hits[-1][0][1], hits[0][1]


_SAME_FACT = ({"SSO", "SAML"}, {"SOC 2", "SOC 2 Type II", "SOC 2 Type I"})


def _one_fact(a: str | None, b: str | None) -> bool:
    """Two items that name one requirement ("SSO with Azure AD", "SAML SSO via Okta")."""
    return a == b or any(a in fam and b in fam for fam in _SAME_FACT)


def _item_segment(doc: Doc, ent: dict[str, Any], c0: int, c1: int) -> tuple[int, int]:
    """With several security items in one clause, each gets its own slice of the clause
    (one label per item). The words between two items go to the later one ("ISO 27001 and EU
    data residency"), so the slices never overlap; items naming one requirement ("SSO with
    Azure AD") share a slice, and so stay one signal."""
    found = sorted(((e["start"], e["end"], e.get("value"))
                    for e in entities_in(doc, "SECURITY", c0, c1)), key=lambda t: t[:2])
    groups: list[list[tuple[int, int, Any]]] = []
    for item in found:
        if groups and _one_fact(groups[-1][-1][2], item[2]):
            groups[-1].append(item)
        else:
            groups.append([item])
    if len(groups) < 2:
        return c0, c1
    idx = next(i for i, g in enumerate(groups)
               if any((a, b) == (ent["start"], ent["end"]) for a, b, _ in g))
    start = c0 if idx == 0 else groups[idx - 1][-1][1]
    own_end = groups[idx][-1][1]
    nxt = groups[idx + 1][0][0] if idx < len(groups) - 1 else c1
    end = c1 if idx == len(groups) - 1 else (nxt if nxt - own_end <= 2 else own_end)
    text = (doc._.qualify_meta or {}).get("text") or doc.text
    while start < ent["start"] and not text[start].isalnum():
        start += 1
    while end > ent["end"] and not text[end - 1].isalnum():
        end -= 1
    return start, end


@Language.factory("qualify_triggers", default_config={}, assigns=["doc.spans"])
def make_triggers(nlp: Language, name: str) -> QualifyTriggers:
    """Signal rules from rules/signals.toml applied to every clause."""
    return QualifyTriggers(default_rules())


class QualifyTriggers:
    """Every rule match becomes a trigger span carrying the rule's dimension, type, value."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules.signals
        self._finders = [("s:" + r.id, r.finditer) for r in self.rules if not r.entity]
        self.tools = load_tools()[0]

    def _name_near(self, doc: Doc, a: int, b: int, clause: tuple[int, int],
                   before: bool = False) -> str | None:
        """The vendor a competition trigger is about: a known tool, else a capitalised name
        right after the trigger (or right before it for "X quoted us"), else, in chats and
        all-lowercase text, one plain word after the verb that is not a generic word."""
        from extractors.people import STOP_NAMES

        tools = entities_in(doc, "TOOL", clause[0], clause[1])
        tools += entities_in(doc, "ORG", clause[0], clause[1])
        after = [t for t in tools if t["start"] >= b - 1]
        if after and not before:
            return min(after, key=lambda t: t["start"])["value"]

        people = (doc._.qualify_meta or {}).get("known_names", ())

        def usable(name: str) -> bool:
            first = name.split()[0]
            if name in people or first in people:
                return False  # someone on the call is not a vendor
            return first not in STOP_NAMES and first.lower() not in _generic() and not any(
                p in STOP_NAMES for p in name.split()[1:])

        if before:
            prior = [t for t in tools if t["end"] <= a + 1]
            if prior:
                return max(prior, key=lambda t: t["end"])["value"]
            found = _NAME_BEFORE.search(self._text[clause[0] : a])
            if found:
                name = found.group(1)
                parts = name.split()
                if len(parts) > 1 and parts[0] in STOP_NAMES:
                    name = parts[1]  # "Our Fivelane contract": the name, not the determiner
                if usable(name):
                    return name
            return None
        match = _NAME_AFTER.match(self._text[b : clause[1]])
        if match and usable(match.group(1)):
            return match.group(1).rstrip(".")
        if match and " " in match.group(1) and usable(match.group(1).split()[0]):
            return match.group(1).split()[0]  # "Clockwise HR": the vendor, not the department
        if tools:
            return tools[0]["value"]
        clause_text = self._text[clause[0] : clause[1]]
        if self._kind == "chat" or not any(ch.isupper() for ch in clause_text):
            low = _LOWER_AFTER.match(self._text[b : clause[1]])
            if low and low.group(1).rstrip(".") not in _generic() and not low.group(1).endswith(
                    "ing"):
                return low.group(1).rstrip(".")
        return None

    def _more_names(self, name: str, b: int, c1: int) -> list[tuple[str, int]]:
        """Names listed after the first one ("Clari, Gong and Aviso"), with their offsets:
        each listed vendor is its own competition signal."""
        from extractors.people import STOP_NAMES

        at = self._text.find(name, b, c1)
        if at < 0:
            return []
        out: list[tuple[str, int]] = []
        pos = at + len(name)
        while len(out) < 5:
            match = _AND_NAME.match(self._text[pos:c1])
            if not match:
                break
            extra = match.group(1).rstrip(".")
            first = extra.split()[0]
            if first in STOP_NAMES or first.lower() in _generic():
                break
            out.append((extra, pos + match.start(1)))
            pos += match.end(1)
        return out

    def __call__(self, doc: Doc) -> Doc:
        meta = doc._.qualify_meta or {}
        text = meta.get("text") or doc.text
        lowered = meta.get("lower")
        doc.spans[TRIGGERS] = []
        doc._.qualify_data[TRIGGERS] = []
        self._text = text
        self._kind = meta.get("kind", "")
        ents = span_data(doc, ENTITIES)
        clauses = doc._.qualify_clauses
        batch = meta.get("batch")
        hits = None
        if batch is not None and batch.lower is not None and lowered is not None:
            hits = batch.hits(TRIGGERS, self._finders, meta["batch_index"], len(text))
        for rule in self.rules:
            if rule.entity:
                matches = [(e["start"], e["end"], e)
                           for e in _ents_in(ents, rule.entity, 0, len(text))]
            elif hits is not None:
                found = hits.get("s:" + rule.id)
                if not found:
                    continue
                matches = [(a, b, None) for a, b in found]
            else:
                matches = [(a, b, None) for a, b in _matches(meta, "s:" + rule.id,
                                                                 rule.finditer, text, lowered)]
            for a, b, ent in matches:
                if b <= a:
                    continue
                c0, c1, sent = _clause_of(clauses, a, b)
                clause = text[c0:c1]
                if rule.requires and not _rx(rule.requires).search(clause):
                    continue
                if rule.excludes and _rx(rule.excludes).search(clause):
                    continue
                data: dict[str, Any] = {
                    "rule_id": rule.id, "dimension": rule.dimension, "type": rule.type,
                    "polarity": rule.polarity, "value": rule.value, "confidence":
                    rule.confidence, "start": c0, "end": c1, "t_start": a, "t_end": b,
                    "sent": sent, "negatable": rule.negatable, "normalizer": rule.normalizer,
                    "negation_inside": rule.negation_inside,
                    "negated_type": rule.negated_type, "negated_value": rule.negated_value,
                    "entity": ent, "modifiers": [], "reasons": [f"rule:{rule.id}"],
                }
                if ent is not None:
                    data["reasons"].append(f"entity:{ent['rule_id']}")
                if rule.normalizer == "security" and ent is not None:
                    data["value"] = ent["value"]
                    if ent["value"] in _PROCESS_ITEMS:
                        data["type"] = "process"
                    c0, c1 = _item_segment(doc, ent, c0, c1)
                    data["start"], data["end"] = c0, c1
                if rule.normalizer == "competitor":
                    name = (ent["value"] if ent is not None and ent["label"] == "TOOL" else
                            self._name_near(doc, a, b, (c0, c1), before=rule.name_before))
                    if name is None and rule.requires_name:
                        continue
                    data["value"] = {"name": name} if name else None
                    more = self._more_names(name, b, c1) if name and not rule.name_before else []
                    if more:
                        bounds = [c0] + [p for _, p in more] + [c1]
                        names = [name] + [n for n, _ in more]
                        for i, each in enumerate(names):
                            part = {**data, "value": {"name": each}, "start": bounds[i],
                                    "end": bounds[i + 1], "modifiers": [],
                                    "reasons": list(data["reasons"])}
                            if i:
                                part["t_start"], part["t_end"] = bounds[i], bounds[i] + len(each)
                            _span(doc, bounds[i], bounds[i + 1], TRIGGERS, part)
                        continue
                _span(doc, c0, c1, TRIGGERS, data)
        return doc


@Language.factory("qualify_people", default_config={}, assigns=["doc.spans"])
def make_people(nlp: Language, name: str) -> QualifyPeople:
    """Stakeholder mentions: names with titles, "our CFO", "loop in Dana", participants."""
    return QualifyPeople()


class QualifyPeople:
    """Adds stakeholder triggers; the evidence span is the mention, not the whole clause."""

    def __init__(self) -> None:
        self.tools = load_tools()[0]

    def __call__(self, doc: Doc) -> Doc:
        from extractors.people import buying_role, department

        meta = doc._.qualify_meta or {}
        known = frozenset(meta.get("known_names", ()))
        text = meta.get("text") or doc.text
        titles = [(e["start"], e["end"], text[e["start"]:e["end"]])
                  for e in entities_in(doc, "TITLE", 0, len(text))]
        named: list = []  # people named earlier in the same sentence, for "he is our CFO"
        current = None
        for (c0, c1), sent in doc._.qualify_clauses:
            if sent != current:
                named, current = [], sent
            found = find_mentions(text, c0, c1, titles, known, self.tools, earlier=named)
            named += [m for m in found if m.name and not m.is_speaker]
            for m in found:
                clause = text[c0:c1]
                name = m.name
                if m.is_speaker and name is None:
                    name = meta.get("speaker")
                role = buying_role(m.title, clause)
                value = {k: v for k, v in (("name", name), ("title", m.title),
                                           ("department", department(m.title)),
                                           ("buying_role", role)) if v}
                data = {
                    "rule_id": m.rule_id, "dimension": "stakeholder", "type": "person",
                    "polarity": "against" if role == "blocker" else "for", "value": value,
                    "confidence": 0.75 if m.title else 0.65, "start": m.start, "end": m.end,
                    "t_start": m.start, "t_end": m.end, "sent": sent, "negatable": False,
                    "normalizer": "person", "negated_type": None, "negated_value": None,
                    "entity": None, "modifiers": [], "reasons": [f"rule:{m.rule_id}"],
                    "present": m.is_speaker,
                }
                _span(doc, m.start, m.end, TRIGGERS, data)
        return doc


@Language.factory("qualify_context", default_config={}, assigns=["doc._.qualify_data"])
def make_context(nlp: Language, name: str) -> QualifyContext:
    """ConText modifiers from rules/context.toml applied to every trigger."""
    rules = default_rules()
    return QualifyContext(ContextEngine(rules.context, rules.context_settings))


class QualifyContext:
    """Marks each trigger with its modifiers; the extractor turns them into polarity/drops."""

    def __init__(self, engine: ContextEngine) -> None:
        self.engine = engine

    def __call__(self, doc: Doc) -> Doc:
        text = (doc._.qualify_meta or {}).get("text") or doc.text
        lowered = (doc._.qualify_meta or {}).get("lower")
        sents = doc._.qualify_sents
        cache: dict[int, tuple[list[Any], int | None, bool]] = {}
        for data in span_data(doc, TRIGGERS):
            idx = data["sent"]
            if idx not in cache:
                s0, s1 = sents[idx] if idx < len(sents) else (0, len(text))
                cache[idx] = (self.engine.cues(text, s0, s1, lowered),
                              self.engine.question_start(text, s0, s1),
                              self.engine.is_request(text, s0, s1))
            cues, q_start, request = cache[idx]
            mods: list[str] = []
            for cue in cues:
                if cue.category == "negation" and not data["negatable"]:
                    continue
                inside = cue.start >= data["t_start"] and cue.end <= data["t_end"]
                if inside and (not data["negatable"] or (
                        cue.category == "negation" and not data.get("negation_inside", True))):
                    continue
                if self.engine.governs(text, cue, data["t_start"], data["t_end"]):
                    tag = f"{cue.category}"
                    if tag not in mods:
                        mods.append(tag)
                        data["reasons"].append(f"cue:{cue.rule_id}")
            if q_start is not None and data["t_end"] > q_start and not (
                    request and data["dimension"] == "next_step"):
                mods.append("question")
            data["modifiers"] = mods
        return doc


def _build(model: str | None) -> Language:
    nlp: Language | None = None
    if model:
        try:
            nlp = spacy.load(model, exclude=["lemmatizer", "textcat"])
        except (OSError, ValueError, ImportError):
            nlp = None
    if nlp is None:
        nlp = spacy.blank("en")
    # without a parser or senter, qualify_segment finds sentence ends itself (same rule as
    # spaCy's sentencizer, much faster)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=4)
def get_pipeline(model: str | None = None) -> Language:
    """The extraction pipeline, built once per model; falls back to spacy.blank("en")."""
    if model is not None and Path(str(model)).expanduser().exists():
        model = str(Path(str(model)).expanduser())
    return _build(model)
