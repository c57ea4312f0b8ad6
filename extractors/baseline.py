"""A keyword-tracker baseline, to show what context, speaker and normalisation are worth.

Call-recording trackers flag every sentence that contains a tracked word, whoever says it
and whatever surrounds it. We do the same so the evaluation can report the difference.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ValidationError

from extractors.rules_io import RULES_DIR, RulesError, read_toml
from extractors.schema import DIMENSIONS, Document, Evidence, Signal
from extractors.segment import split_sentences

BASELINE_NAME = "keyword_baseline"
BASELINE_VERSION = "1"


class KeywordLists(BaseModel):
    """One list of keywords per dimension."""

    keywords: dict[str, list[str]]


@lru_cache(maxsize=2)
def load_keywords(path: Path | None = None) -> dict[str, re.Pattern[str]]:
    """Validated keyword lists as one regex per dimension."""
    file = path or RULES_DIR / "baseline_keywords.toml"
    data, _ = read_toml(file)
    try:
        lists = KeywordLists.model_validate(data)
    except ValidationError as exc:
        raise RulesError(file, None, f"[keywords]: {exc.errors()[0]['msg']}") from exc
    unknown = set(lists.keywords) - set(DIMENSIONS)
    if unknown:
        raise RulesError(file, None, f"unknown dimension(s): {', '.join(sorted(unknown))}")
    out = {}
    for dim, words in lists.keywords.items():
        alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        out[dim] = re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.I)
    return out


def keyword_signals(document: Document) -> list[Signal]:
    """Every sentence with a tracked keyword becomes a `for` signal of that dimension."""
    keywords = load_keywords()
    units = [(u.start, u.text, u.speaker, u.role) for u in document.utterances] or [
        (0, document.text, None, "unknown")
    ]
    out: list[Signal] = []
    for base, text, speaker, role in units:
        for start, end in split_sentences(text, base=base):
            sentence = document.text[start:end]
            for dim, pattern in keywords.items():
                match = pattern.search(sentence)
                if not match:
                    continue
                ev = Evidence(start=start, end=end, speaker=speaker, role=role, quote=sentence,
                              extractor=BASELINE_NAME, extractor_version=BASELINE_VERSION,
                              reasons=(f"rule:keyword.{dim}",))
                out.append(Signal(dimension=dim, type="keyword", polarity="for",
                                  confidence=0.5, evidence=ev))
    return out
