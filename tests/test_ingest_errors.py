"""Bad input is refused with one clear line that says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest import IngestError, parse_bytes, parse_file, parse_text


def refused(run, *fragments: str) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(IngestError) as info:
        run()
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message
    return message


def test_empty_input() -> None:
    refused(lambda: parse_bytes(b"  \n\n", source="a.txt"), "a.txt is empty: nothing to ingest")
    refused(lambda: parse_text(""), "is empty: nothing to ingest")


def test_binary_input() -> None:
    refused(lambda: parse_bytes(b"PK\x03\x04\x00\x00binary", source="x.docx"),
            "x.docx looks like a binary file")
    refused(lambda: parse_bytes(bytes(range(1, 32)) * 40, source="y"), "looks like a binary file")


def test_input_over_the_limit() -> None:
    data = b"a" * (23 * 1024 * 1024 + 110_000)
    refused(lambda: parse_bytes(data, source="big.txt"),
            "big.txt is 23.1 MB, over the 20 MB limit; use --max-bytes to raise it")


def test_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    path.write_text("- a\n" * 100)
    refused(lambda: parse_file(path, max_bytes=100), "over the", "--max-bytes")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    refused(lambda: parse_file(tmp_path / "nope.vtt"), "no such file")
    refused(lambda: parse_file(tmp_path), "is a directory")


def test_vtt_without_header_names_line_one(tmp_path: Path) -> None:
    path = tmp_path / "c.vtt"
    path.write_text("00:00:01.000 --> 00:00:02.000\nhi\n")
    refused(lambda: parse_file(path), "c.vtt: line 1:", "WEBVTT")


def test_vtt_bad_timing_names_the_line() -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA: hi\n\n00:00:03 -> 00:00:04\nB: yo\n"
    refused(lambda: parse_text(text, source="c.vtt"), "c.vtt: line 6: cue has no timing line")
    bad = "WEBVTT\n\n1\n00:00:01.000 --> 00:0x:02.000\nhi\n"
    refused(lambda: parse_text(bad, source="d.vtt"), "line 4: bad cue timing")


def test_cue_that_ends_before_it_starts() -> None:
    text = "WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nhi\n"
    refused(lambda: parse_text(text), "line 3: cue ends before it starts")


def test_srt_errors_name_the_line() -> None:
    refused(lambda: parse_text("1\n00:00:01,000 --> 00:00:02,000\nhi\n\nhello\n", source="s.srt"),
            "s.srt: line 5: expected a cue number")
    refused(lambda: parse_text("1\n00:00:01 --> 00:00:02\nhi\n", source="s.srt"),
            "line 2: bad cue timing")


def test_bad_json_names_line_and_column() -> None:
    refused(lambda: parse_text('[\n{"author": "a", "text": "hi"},\n{"author" "b"}\n]',
                               source="c.json"),
            "c.json: bad JSON at line 3, column 11")
    refused(lambda: parse_text('{"nothing": 1}', source="c.json"), '{"messages": [...]}')


def test_unknown_kind_and_bad_date() -> None:
    refused(lambda: parse_text("hi", kind="memo"), "unknown kind 'memo'", "notes")
    refused(lambda: parse_text("hi", date="14/03/2026"), "use YYYY-MM-DD")


def test_email_with_only_quoted_history() -> None:
    text = "From: a@acme.com\nTo: b@b.io\nSubject: x\n\n> only old text\n"
    refused(lambda: parse_text(text, source="m.txt"), "m.txt: found no new text")


def test_vtt_with_no_cues() -> None:
    refused(lambda: parse_text("WEBVTT\n\nNOTE nothing here\n"), "found no text")
