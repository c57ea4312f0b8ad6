"""Transcripts, chats and notes: exact speakers, offsets, roles, dates and detection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.ingest import detect_kind, parse_file, parse_text
from extractors.schema import Document

SAMPLES = Path(__file__).parent / "ingest_samples"


def turns(doc: Document) -> list[tuple[str | None, str]]:
    return [(u.speaker, u.text) for u in doc.utterances]


def assert_offsets(doc: Document) -> None:
    for u in doc.utterances:
        assert doc.text[u.start : u.end] == u.text


def test_vtt_voice_tags_merge_cues_and_strip_markup() -> None:
    doc = parse_file(SAMPLES / "call_voice.vtt")
    assert doc.kind == "call"
    assert turns(doc) == [
        ("Sam Lee", "Hi Dana, thanks for taking the time. How do you handle renewals today?"),
        ("Dana Ruiz", "Mostly spreadsheets. It is painful & slow. We have 50k approved."),
    ]
    assert doc.text.startswith("Sam Lee: Hi Dana,")
    assert doc.utterances[1].start == doc.text.index("Mostly")
    assert [u.timestamp for u in doc.utterances] == [1.0, 7.5]
    assert doc.date == dt.date(2026, 3, 14)
    assert doc.meta["date_source"].startswith("header line")
    assert doc.meta["encoding"] == "utf-8"


def test_vtt_without_voice_tags_reads_name_prefix() -> None:
    doc = parse_file(SAMPLES / "call_plain.vtt")
    assert turns(doc) == [
        ("Sam", "Who signs the contract?"),
        ("Dana", "Our CFO signs anything over 100k."),
        (None, "Right, and procurement takes two weeks."),
    ]
    assert doc.text.split("\n")[2] == "Right, and procurement takes two weeks."
    assert_offsets(doc)


def test_srt_with_labels_and_multiline_cue() -> None:
    doc = parse_file(SAMPLES / "call.srt")
    assert turns(doc) == [
        ("Rep", "Do you need SSO?"),
        ("Customer", "Yes, SAML SSO is a must for us. And SOC 2 Type II."),
    ]
    assert [u.role for u in doc.utterances] == ["rep", "prospect"]
    assert doc.meta["roles"]["Rep"] == {"role": "rep", "source": "label"}


def test_name_lines_with_timestamps_and_continuation() -> None:
    doc = parse_file(SAMPLES / "call_lines.txt", reps=["sam lee"])
    assert doc.kind == "call"
    assert turns(doc) == [
        ("Sam Lee", "Thanks for joining, Dana."),
        ("Dana Ruiz", "Happy to. We need to replace our current tool before the renewal in June."),
        ("Sam Lee", "What's driving the timing?"),
        ("Dana Ruiz", "Our contract with Gong ends June 30."),
    ]
    assert [u.timestamp for u in doc.utterances] == [5.0, 9.0, 62.0, 70.0]
    assert [u.role for u in doc.utterances] == ["rep", "prospect", "rep", "prospect"]
    assert doc.meta["roles"]["Sam Lee"]["source"] == "--rep"
    assert doc.date == dt.date(2026, 3, 14)
    assert "Attendees" not in doc.text
    first = doc.utterances[0]
    assert (first.start, first.end) == (9, 34)


def test_otter_blocks() -> None:
    doc = parse_file(SAMPLES / "call_otter.txt")
    assert doc.meta["format"] == "blocks"
    assert turns(doc)[0] == (
        "Sam Lee",
        "Thanks for taking the time today. Our platform scores leads from calls. "
        "What does your process look like?",
    )
    assert turns(doc)[3] == ("Dana Ruiz", "About forty.")
    assert [u.timestamp for u in doc.utterances] == [3.0, 15.0, 21.0, 25.0]
    assert doc.date == dt.date(2026, 4, 2)


def test_inferred_roles_record_their_reason() -> None:
    doc = parse_file(SAMPLES / "call_otter.txt")
    roles = doc.meta["roles"]
    assert roles["Sam Lee"]["role"] == "rep"
    assert roles["Sam Lee"]["source"].startswith("inferred: says 'our platform'")
    assert roles["Dana Ruiz"]["role"] == "prospect"


def test_no_strong_signal_leaves_roles_unknown() -> None:
    doc = parse_text("Ana: we use Excel\nBo: ok\nAna: it is slow\nBo: right")
    assert {p.role for p in doc.participants} == {"unknown"}
    assert doc.meta["roles"]["Ana"]["source"].startswith("none")


def test_first_name_rep_match_only_when_unambiguous() -> None:
    doc = parse_text("Sam: hi\nDana: hello\nSam: budget?", reps=["Sam Lee"])
    assert doc.meta["roles"]["Sam"]["role"] == "rep"
    assert doc.meta["roles"]["Dana"] == {"role": "prospect", "source": "--rep"}
    two_sams = parse_text("Sam: hi\nSam Ortiz: hello\nSam: ok", reps=["Sam Lee"])
    assert two_sams.meta["roles"]["Sam"]["role"] != "rep"


def test_chat_lines_with_clock_stamps() -> None:
    doc = parse_file(SAMPLES / "chat_lines.txt")
    assert doc.kind == "chat"
    assert turns(doc)[:2] == [
        ("Visitor", "hi, do you integrate with hubspot?"),
        ("Agent", "Hi! Yes, we do. What are you using today?"),
    ]
    assert [u.timestamp for u in doc.utterances] == [0.0, 0.0, 60.0, 60.0, 120.0, 180.0]
    assert {u.speaker: u.role for u in doc.utterances} == {"Visitor": "prospect", "Agent": "rep"}


def test_chat_json_messages_with_author_objects() -> None:
    doc = parse_file(SAMPLES / "chat.json", reps=["Jordan"])
    assert doc.kind == "chat"
    assert turns(doc) == [
        ("Priya", "hey, saw your pricing page"),
        ("Jordan", "Hi Priya! Happy to help."),
        ("Priya", "we need SSO and EU hosting"),
    ]
    assert [u.timestamp for u in doc.utterances] == [0.0, 30.0, 70.0]
    assert doc.date == dt.date(2026, 5, 6)
    assert doc.meta["date_source"] == "first message timestamp"
    assert doc.text.split("\n")[1] == "Jordan: Hi Priya! Happy to help."


def test_chat_json_plain_list() -> None:
    doc = parse_text('[{"author": "A", "text": "hi", "ts": 1700000000}]', source="x.json")
    assert turns(doc) == [("A", "hi")]


def test_notes_bullets_one_utterance_each() -> None:
    doc = parse_file(SAMPLES / "notes.txt")
    assert doc.kind == "notes"
    assert [u.text for u in doc.utterances] == [
        "Acme call notes - 2026-03-20",
        "Budget ~50k approved FY26",
        "CFO (Dana) signs; needs SOC2 T2",
        "Timeline: go-live by end of Q3\n  (hard deadline, board review)",
        "Next step: security review call Tue",
        "Competitor: Gong (renewal June)",
    ]
    assert all(u.speaker is None and u.role == "unknown" for u in doc.utterances)
    assert doc.text.startswith("Acme call notes")
    assert doc.utterances[1].start == doc.text.index("Budget")
    assert doc.date == dt.date(2026, 3, 20)


def test_date_argument_wins_and_is_recorded() -> None:
    doc = parse_file(SAMPLES / "call_lines.txt", date="2026-01-02")
    assert doc.date == dt.date(2026, 1, 2)
    assert doc.meta["date_source"] == "argument"


def test_date_from_file_name(tmp_path: Path) -> None:
    path = tmp_path / "acme-2026-02-11.txt"
    path.write_text("- needs SSO\n")
    doc = parse_file(path)
    assert doc.date == dt.date(2026, 2, 11)
    assert doc.meta["date_source"] == "file name"


def test_kind_can_be_forced() -> None:
    doc = parse_file(SAMPLES / "call_lines.txt", kind="chat")
    assert doc.kind == "chat"
    assert doc.utterances[0].speaker == "Sam Lee"
    as_notes = parse_file(SAMPLES / "call_lines.txt", kind="notes")
    assert as_notes.kind == "notes"
    assert as_notes.utterances[2].speaker is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("call_voice.vtt", "call"),
        ("call_plain.vtt", "call"),
        ("call.srt", "call"),
        ("call_lines.txt", "call"),
        ("call_otter.txt", "call"),
        ("chat_lines.txt", "chat"),
        ("chat.json", "chat"),
        ("notes.txt", "notes"),
        ("reply_quoted.eml", "email"),
        ("pasted_outlook.txt", "email"),
    ],
)
def test_detect_kind_on_samples(name: str, kind: str) -> None:
    path = SAMPLES / name
    text = path.read_bytes().decode("utf-8")
    assert detect_kind(text, str(path)) == kind
    # Content alone (pasted, no file name) gives the same answer.
    assert detect_kind(text) == kind


def test_key_value_notes_are_not_a_transcript() -> None:
    text = "Budget: ~50k approved\nAuthority: CFO signs\nTimeline: Q3 go-live\nPain: manual work"
    assert detect_kind(text) == "notes"


@pytest.mark.parametrize("sep", [" | ", " - ", " · ", "  ", " ("])
def test_recorder_block_headers_with_separators(sep: str) -> None:
    close = ")" if sep == " (" else ""
    text = (
        f"Dana Ortiz{sep}00:01:23{close}\nWe have budget approved for this.\n\n"
        f"Sam Rivera{sep}00:01:40{close}\nGreat, who signs?\n"
    )
    doc = parse_text(text, reps=["Sam Rivera"])
    assert doc.meta["format"] == "blocks"
    assert turns(doc) == [
        ("Dana Ortiz", "We have budget approved for this."),
        ("Sam Rivera", "Great, who signs?"),
    ]
    assert [u.role for u in doc.utterances] == ["prospect", "rep"]
    assert [u.timestamp for u in doc.utterances] == [83.0, 100.0]
    assert_offsets(doc)


def test_zoom_chat_from_lines_name_the_sender_not_the_recipient() -> None:
    text = (
        "10:02:11 From Dana Ortiz to Everyone:\tWe have budget approved, about 60k.\n"
        "10:02:40 From Sam Rivera to Dana Ortiz (privately):\tWho signs?\n"
        "10:03:05 From Dana Ortiz to Everyone:\tOur CFO signs anything over 50k.\n"
    )
    doc = parse_text(text, reps=["Sam Rivera"])
    assert [u.speaker for u in doc.utterances] == ["Dana Ortiz", "Sam Rivera", "Dana Ortiz"]
    assert doc.utterances[1].role == "rep" and doc.utterances[1].text == "Who signs?"
    assert_offsets(doc)
