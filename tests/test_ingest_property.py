"""Property: for random transcripts in every line format, offsets point at the utterance text."""

from __future__ import annotations

import json
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.ingest import parse_text
from extractors.schema import Document

NAMES = ["Sam Lee", "Dana Ruiz", "Priya", "Jo O'Neil", "Agent", "Visitor 2"]
WORD = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFZ0123456789.,!?'$%-éü€"),
    min_size=1,
    max_size=12,
)
SENTENCE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
# A notes line opens with a word, so the generator never writes a bullet marker by accident.
NOTE = st.tuples(st.sampled_from(["Budget", "CFO", "needs", "Timeline:"]), SENTENCE).map(" ".join)
TURNS = st.lists(st.tuples(st.sampled_from(NAMES), SENTENCE), min_size=1, max_size=15)


def _stamp(i: int, parts: int = 3, sep: str = ".") -> str:
    h, m, s = divmod(i * 7, 3600)[0], divmod(i * 7, 3600)[1] // 60, i * 7 % 60
    return f"{h:02d}:{m:02d}:{s:02d}{sep}000" if parts == 3 else f"{m:02d}:{s:02d}"


def vtt_voice(turns: list[tuple[str, str]]) -> str:
    cues = [f"{_stamp(i)} --> {_stamp(i + 1)}\n<v {n}>{t}" for i, (n, t) in enumerate(turns)]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def vtt_prefix(turns: list[tuple[str, str]]) -> str:
    cues = [f"{i}\n{_stamp(i)} --> {_stamp(i + 1)}\n{n}: {t}" for i, (n, t) in enumerate(turns)]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def srt(turns: list[tuple[str, str]]) -> str:
    cues = [
        f"{i + 1}\n{_stamp(i, sep=',')} --> {_stamp(i + 1, sep=',')}\n{n}: {t}"
        for i, (n, t) in enumerate(turns)
    ]
    return "\n\n".join(cues) + "\n"


def lines_bracket_long(turns: list[tuple[str, str]]) -> str:
    return "\n".join(f"[{_stamp(i)[:8]}] {n}: {t}" for i, (n, t) in enumerate(turns))


def lines_bracket_short(turns: list[tuple[str, str]]) -> str:
    return "\n".join(f"[{_stamp(i, 2)}] {n}: {t}" for i, (n, t) in enumerate(turns))


def lines_bare(turns: list[tuple[str, str]]) -> str:
    return "\n".join(f"{_stamp(i)[:8]} {n}: {t}" for i, (n, t) in enumerate(turns))


def lines_plain(turns: list[tuple[str, str]]) -> str:
    return "Call with Acme - March 14, 2026\n\n" + "\n".join(f"{n}: {t}" for n, t in turns)


def blocks(turns: list[tuple[str, str]]) -> str:
    return "\n\n".join(f"{n}  {_stamp(i)[:8]}\n{t}" for i, (n, t) in enumerate(turns))


def chat_lines(turns: list[tuple[str, str]]) -> str:
    return "\n".join(f"[10:{i % 60:02d}] {n}: {t}" for i, (n, t) in enumerate(turns))


def chat_json(turns: list[tuple[str, str]]) -> str:
    return json.dumps([{"author": n, "text": t, "ts": 1_700_000_000 + i} for i, (n, t)
                       in enumerate(turns)])


CASES: list[tuple[Callable[[list[tuple[str, str]]], str], str, str, bool]] = [
    (vtt_voice, "x.vtt", "call", True),
    (vtt_prefix, "x.vtt", "call", True),
    (srt, "x.srt", "call", True),
    (lines_bracket_long, "x.txt", "call", False),
    (lines_bracket_short, "x.txt", "call", False),
    (lines_bare, "x.txt", "call", False),
    (lines_plain, "x.txt", "call", False),
    (blocks, "x.txt", "call", False),
    (chat_lines, "x.chat", "chat", False),
    (chat_json, "x.json", "chat", False),
]


def _expected(turns: list[tuple[str, str]], merged: bool) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, text in turns:
        if merged and out and out[-1][0] == name:
            out[-1] = (name, f"{out[-1][1]} {text}")
        else:
            out.append((name, text))
    return out


def _check(doc: Document, expected: list[tuple[str, str]]) -> None:
    for u in doc.utterances:
        assert doc.text[u.start : u.end] == u.text
    assert [(u.speaker, u.text) for u in doc.utterances] == expected


@settings(max_examples=40, deadline=None)
@given(turns=TURNS, case=st.sampled_from(CASES))
def test_offsets_and_turns_survive_every_format(
    turns: list[tuple[str, str]], case: tuple[Callable[..., str], str, str, bool]
) -> None:
    render, source, kind, merged = case
    doc = parse_text(render(turns), source=source, kind=kind)
    assert doc.kind == kind
    _check(doc, _expected(turns, merged))


@settings(max_examples=40, deadline=None)
@given(items=st.lists(st.tuples(st.sampled_from(["- ", "* ", "• ", "1. ", ""]), NOTE),
                      min_size=1, max_size=12))
def test_notes_offsets(items: list[tuple[str, str]]) -> None:
    doc = parse_text("\n".join(m + t for m, t in items), kind="notes")
    assert [u.text for u in doc.utterances] == [t for _, t in items]
    for u in doc.utterances:
        assert doc.text[u.start : u.end] == u.text
