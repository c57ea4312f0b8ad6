"""Rules + model: the semantic head catches paraphrases the rules miss ("the money side is
sorted"), and confirms what the rules found.

Why a separate step: the rules stay the precise, explainable base; the model only adds
sentences it is confident about, through the same context modifiers (a negated or
hypothetical sentence is treated exactly as for the rules), and raises the confidence of rule
signals it agrees with. If the model is missing, this returns the rule signals unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.context import ContextEngine
from extractors.schema import Document, Evidence, Signal

if TYPE_CHECKING:
    from spacy.language import Language

SEMANTIC_EXTRACTOR = "semantic"
DEFAULT_THRESHOLD = 0.5  # chosen on the dev split (P held, R +6 pts)
DROP = frozenset({"hypothetical", "past", "other_party", "question"})
# What a model-only finding can claim: the dimension, not a normalized value it cannot see.
DEFAULT_TYPE = {
    "budget": ("status", "unknown"),
    "authority": ("approval_chain", None),
    "timeline": ("urgency", None),
    "security": ("requirement", None),
    "stakeholder": ("person", None),
    "need": ("pain", None),
    "competition": ("alternative", None),
    "next_step": ("commitment", None),
}
AGAINST_TYPE = {
    "budget": ("status", "none"),
    "authority": ("no_authority", None),
    "timeline": ("no_timeline", None),
    "need": ("no_need", None),
}


# A model-only finding must also carry the surface mark of its dimension: a next step is
# about the future, a timeline names a time. Without it the head is guessing from the topic
# ("thanks for the call on Monday" is not a next step).
_FUTURE = (
    r"\b(?:will|'ll|shall|going to|gonna|let'?s|plan(?:ning)? to|want to|would like to|"
    r"next|tomorrow|tonight|later|upcoming|schedul\w*|book\w*|send\w*|set(?:ting)? up|"
    r"follow(?:ing)?[- ]?up|invite|calendar|pencil\w*|(?:can|could) (?:you|we)|please)\b"
)
_TIME = (
    r"\b(?:jan\w*|feb\w*|mar(?:ch)?|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|"
    r"dec\w*|mon\w*|tue\w*|wed\w*|thu\w*|fri\w*|q[1-4]|fy\s?\d+|\d{1,2}(?:st|nd|rd|th)|"
    r"\d{1,4}[/-]\d{1,2}|days?|weeks?|months?|quarters?|years?|season\w*|deadline|"
    r"by then|before|until|till|asap|urgent\w*|soon|now|yesterday|today|end of|start of|"
    r"kick-?off|go-?live|live|launch\w*|renewal|expir\w*)\b"
)
SURFACE = {
    "next_step": re.compile(_FUTURE, re.IGNORECASE),
    "timeline": re.compile(_TIME, re.IGNORECASE),
}


@lru_cache(maxsize=1)
def _context_engine() -> ContextEngine:
    from extractors.rules_io import default_rules

    rules = default_rules()
    return ContextEngine(rules.context, rules.context_settings)


def _modifiers(text: str, start: int, end: int) -> list[str]:
    """ConText categories of the cues in one sentence (the whole sentence is the trigger)."""
    engine = _context_engine()
    mods = list(dict.fromkeys(cue.category for cue in engine.cues(text, start, end)))
    if engine.question_start(text, start, end) is not None:
        mods.append("question")
    return mods


def _overlaps(a: Signal, start: int, end: int) -> bool:
    return a.evidence.start < end and start < a.evidence.end


def combine(
    document: Document,
    rule_signals: list[Signal],
    candidates: list[tuple[int, int, str, float]],
    head_version: str,
    gates: bool = True,
) -> list[Signal]:
    """Merge semantic candidates into rule signals: agreement raises confidence, confident
    model-only sentences become signals of their own.

    gates: drop model-only sentences that are questions, hypothetical, past or another party's,
    negated stakeholders/next steps, and next steps/timelines without their surface mark."""
    boosted = list(rule_signals)
    added: list[Signal] = []
    for start, end, dimension, prob in candidates:
        agreeing = [
            i
            for i, sig in enumerate(boosted)
            if sig.dimension == dimension and _overlaps(sig, start, end)
        ]
        if agreeing:
            for i in agreeing:
                sig = boosted[i]
                conf = 1 - (1 - sig.confidence) * (1 - 0.5 * prob)
                boosted[i] = sig.model_copy(
                    update={
                        "confidence": round(min(1.0, conf), 4),
                        "evidence": sig.evidence.model_copy(
                            update={"reasons": (*sig.evidence.reasons, f"model-agrees:{prob:.2f}")}
                        ),
                    }
                )
            continue
        if any(_overlaps(s, start, end) for s in boosted if s.dimension == dimension):
            continue
        text = document.text
        utt = document.utterance_at(start)
        if utt is not None and utt.role == "rep":
            continue
        surface = SURFACE.get(dimension)
        if gates and surface is not None and not surface.search(text, start, end):
            continue
        mods = _modifiers(text, start, end)
        if gates and DROP.intersection(mods):
            continue
        polarity = "neutral" if dimension == "competition" else "for"
        type_, value = DEFAULT_TYPE[dimension]
        if "negation" in mods:
            if gates and dimension not in AGAINST_TYPE and dimension != "security":
                continue  # a negated stakeholder/next step sentence says too little
            polarity = "against"
            type_, value = AGAINST_TYPE.get(dimension, (type_, value))
        confidence = min(0.75, prob * 0.8) * (0.7 if "uncertainty" in mods else 1.0)
        if utt is not None and utt.role == "unknown" and document.kind in ("call", "chat"):
            confidence *= 0.8
        speaker = utt.speaker if utt else None
        evidence = Evidence(
            start=start,
            end=end,
            speaker=speaker,
            role=utt.role if utt else "unknown",
            quote=text[start:end],
            extractor=SEMANTIC_EXTRACTOR,
            extractor_version=head_version,
            reasons=(f"head:{dimension}:{prob:.2f}", *(f"cue:{m}" for m in mods)),
        )
        evidence.check_against(text)
        added.append(
            Signal(
                dimension=dimension,  # type: ignore[arg-type]
                type=type_,
                value=value,
                polarity=polarity,  # type: ignore[arg-type]
                confidence=round(confidence, 4),
                modifiers=tuple("uncertain" if m == "uncertainty" else m for m in mods),
                evidence=evidence,
            )
        )
    return sorted(
        [*boosted, *added],
        key=lambda s: (s.evidence.start, s.evidence.end, s.dimension, s.type),
    )


def veto(
    rule_signals: list[Signal], scores: list[tuple[int, int, dict[str, float]]], below: float
) -> list[Signal]:
    """Rule signals minus those whose sentences the tuned model scores under `below` for the
    signal's dimension. A signal no scored sentence overlaps (a rep's line, a two-word
    fragment) is kept: the model has no say there."""
    kept = []
    for sig in rule_signals:
        probs = [p[sig.dimension] for s, e, p in scores if _overlaps(sig, s, e)]
        if probs and max(probs) < below:
            continue
        kept.append(sig)
    return kept


def extract_hybrid(
    document: Document,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    nlp: Language | None = None,
    head_path: str | Path | None = None,
    tuned_dir: str | Path | None = None,
) -> tuple[list[Signal], str | None]:
    """Rules + model signals, and None or the one-line reason the model was not used.

    The fine-tuned classifier (extractors/tuned.py, or the one in `tuned_dir`) is used when it
    loads: it vetoes rule findings it is sure are off-dimension and adds confident sentences.
    A linear head at `head_path` (retrained from reviews) adds its sentences on top; without
    the tuned classifier, the linear head (that one or the shipped one) adds sentences alone."""
    from extractors import extract

    rule_signals = extract(document, nlp=nlp)
    try:
        from extractors.tuned import load_tuned, sentence_scores

        clf = load_tuned(tuned_dir)
        scores = sentence_scores(document, clf)
    except Exception:  # noqa: BLE001 - no tuned model: the linear head alone decides
        return _with_linear_head(document, rule_signals, head_path, threshold)
    meta = clf.meta
    candidates = [
        (s, e, dim, prob)
        for s, e, probs in scores
        for dim, prob in probs.items()
        if prob >= meta.add_threshold
    ]
    signals = veto(rule_signals, scores, meta.veto_threshold)
    # No gates: the classifier learned from the gold labels that questions, hypotheticals and
    # past facts are not signals (out-of-fold F1 +0.4 without them).
    signals = combine(document, signals, candidates, f"tuned-{meta.version}", gates=False)
    if head_path is not None:
        reviewed, _ = _with_linear_head(document, signals, head_path, threshold)
        return reviewed, None  # a broken review head leaves the tuned result as it is
    return signals, None


def _with_linear_head(
    document: Document, signals: list[Signal], head_path: str | Path | None, threshold: float
) -> tuple[list[Signal], str | None]:
    """`signals` plus the sentences a linear semantic head adds, or the reason it could not."""
    try:
        from extractors.semantic import load_head, semantic_candidates

        head = load_head(head_path)
        candidates = semantic_candidates(document, threshold=threshold, head=head)
        version = head.meta.version
    except Exception as exc:  # noqa: BLE001 - any model problem: rules-only, said once
        return signals, f"rules only: {str(exc).splitlines()[0] if str(exc) else exc!r}"
    return combine(document, signals, candidates, version), None
