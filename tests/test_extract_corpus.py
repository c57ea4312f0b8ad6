"""The dev corpus: the evidence invariant, stakeholders resolved across documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evaluation import SPLITS, load_gold, parse_document
from extractors import extract, resolve_stakeholders
from extractors.schema import Evidence, Signal

ROOT = Path(__file__).resolve().parents[1]


def _dev_documents():
    out = []
    for folder in SPLITS["dev"]:
        path = ROOT / folder
        if not (path / "manifest.jsonl").exists():
            continue
        for entry, _ in load_gold(path):
            if (path / entry.path).exists():
                out.append((entry.path, parse_document(path / entry.path, entry)))
    return out


DEV = _dev_documents()


@pytest.mark.skipif(not DEV, reason="dev corpus not present")
def test_every_signal_quotes_its_document_inside_one_utterance() -> None:
    total = 0
    for name, doc in DEV:
        for sig in extract(doc):
            total += 1
            sig.evidence.check_against(doc.text)
            assert sig.evidence.document_id is None
            if doc.utterances:
                utt = doc.utterance_at(sig.evidence.start)
                assert utt is not None and sig.evidence.end <= utt.end, name
                assert utt.role != "rep", f"{name}: rep evidence {sig.evidence.quote!r}"
    assert total > 100


def _person(name: str | None, title: str | None, start: int) -> Signal:
    value = {k: v for k, v in (("name", name), ("title", title)) if v}
    ev = Evidence(start=start, end=start + 4, quote="xxxx", extractor="rules",
                  extractor_version="t")
    return Signal(dimension="stakeholder", type="person", value=value, confidence=0.7,
                  evidence=ev)


def test_stakeholders_merge_first_name_full_name_and_title_when_text_supports_it() -> None:
    people = resolve_stakeholders({
        1: [_person("Dana Ortiz", "CFO", 0), _person("Raj", None, 10)],
        2: [_person("Dana", None, 5), _person(None, "CFO", 20)],
        3: [_person(None, "CTO", 3)],
    })
    by_key = {p.key: p for p in people}
    dana = by_key["dana ortiz"]
    assert dana.name == "Dana Ortiz" and dana.title == "CFO"
    assert sorted(m[0] for m in dana.mentions) == [1, 2, 2]
    assert "raj" in by_key and "title:cto" in by_key
    assert len(people) == 3


def test_ambiguous_first_names_are_not_merged() -> None:
    people = resolve_stakeholders([[_person("Dana Ortiz", None, 0), _person("Dana Cho", None, 9),
                                     _person("Dana", None, 20)]])
    assert {p.key for p in people} == {"dana ortiz", "dana cho", "dana"}


def test_stakeholders_from_real_extraction() -> None:
    from extractors.schema import Document, Utterance

    text = "Dana Ortiz, our CFO, signs anything above 50k. Loop in Raj from IT."
    doc = Document(kind="notes", text=text,
                   utterances=(Utterance(index=0, start=0, end=len(text), text=text),))
    people = resolve_stakeholders([extract(doc)])
    dana = next(p for p in people if p.name == "Dana Ortiz")
    assert dana.title == "CFO" and dana.buying_role == "economic_buyer"
    assert any(p.name == "Raj" for p in people)
