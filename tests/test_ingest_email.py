"""Emails: only the fresh reply is text; history, signature and disclaimer are kept apart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assistant.ingest import parse_bytes, parse_file, parse_text

SAMPLES = Path(__file__).parent / "ingest_samples"
TEAM = ["brightwave.io"]


def test_reply_with_quote_signature_and_disclaimer() -> None:
    doc = parse_file(SAMPLES / "reply_quoted.eml", team_domains=TEAM)
    assert doc.kind == "email"
    assert doc.text == (
        "Hi Sam,\n\nWe have budget approved for this quarter. Lee will run the security review."
        "\n\nCan we meet Thursday?"
    )
    assert [u.text for u in doc.utterances] == [
        "Hi Sam,",
        "We have budget approved for this quarter. Lee will run the security review.",
        "Can we meet Thursday?",
    ]
    assert {u.speaker for u in doc.utterances} == {"Dana Ruiz"}
    assert {u.role for u in doc.utterances} == {"prospect"}
    assert doc.quoted_text.startswith("On Mon, Mar 16, 2026 at 4:00 PM Sam Lee")
    assert "do you have budget" in doc.quoted_text
    assert "confidential" not in doc.text and "confidential" in doc.meta["disclaimer"]
    assert doc.date == dt.date(2026, 3, 17)
    assert doc.meta["date_source"] == "email Date header"
    sender = doc.participants[0]
    assert (sender.name, sender.email, sender.title, sender.company, sender.phone) == (
        "Dana Ruiz", "dana.ruiz@acme.com", "VP Finance", "Acme Corp", "+1 (415) 555-0199",
    )
    roles = {p.name: (p.role, doc.meta["roles"][p.name]["source"]) for p in doc.participants}
    assert roles == {
        "Dana Ruiz": ("prospect", "team_domains"),
        "Sam Lee": ("rep", "team_domains"),
        "Lee Park": ("prospect", "team_domains"),
    }


def test_pasted_outlook_reply_cuts_the_from_sent_block() -> None:
    text = (SAMPLES / "pasted_outlook.txt").read_text()
    doc = parse_text(text, reps=["Sam Lee"])
    assert doc.kind == "email"
    assert doc.text == "Sam,\n\nThe 60k quote works, but procurement needs a DPA first."
    assert doc.quoted_text.startswith("From: Sam Lee")
    assert doc.date == dt.date(2026, 3, 18)
    sender = doc.participants[0]
    assert (sender.title, sender.company, sender.phone) == (
        "Director of Procurement", "Acme Corp", "+1 415 555 0100",
    )
    assert sender.role == "prospect"
    assert doc.meta["sign_off"] == "Best regards,"


def test_forward_note_stays_fresh_and_forwarded_part_is_quoted() -> None:
    doc = parse_file(SAMPLES / "forward.eml")
    assert doc.text == "FYI, see below."
    assert doc.quoted_text.startswith("---------- Forwarded message ---------")
    assert "SOC 2 Type II report" in doc.quoted_text


def test_bare_forward_becomes_the_forwarded_message() -> None:
    doc = parse_file(SAMPLES / "forward_only.txt", team_domains=TEAM)
    assert doc.text == "We want to go live by June 1."
    assert doc.utterances[0].speaker == "Lee Park"
    assert doc.utterances[0].role == "prospect"
    assert doc.meta["forwarded_by"] == "Sam Lee"
    assert doc.date == dt.date(2026, 3, 18)


def test_html_only_base64_body() -> None:
    doc = parse_file(SAMPLES / "html_only_base64.eml")
    assert doc.text == "Hi Sam,\n\nWe are evaluating Gong & you.\nDecision by April 30."
    assert "Are you looking at others?" in doc.quoted_text
    assert "<" not in doc.text


def test_quoted_printable_multipart_prefers_plain_and_decodes_headers() -> None:
    doc = parse_file(SAMPLES / "quoted_printable.eml")
    assert doc.text == "Hi Sam,\n\nOur Zürich team needs EU hosting – données en Europe."
    assert doc.utterances[0].speaker == "Dana Rüiz"
    assert doc.meta["subject"] == "Hosting in Zürich"
    assert doc.meta["sign_off"] == "Regards,"


def test_cp1252_email_body() -> None:
    doc = parse_file(SAMPLES / "cp1252.eml")
    assert doc.text == "Sam – the €40k budget is “approved”."
    assert doc.meta["encoding"] == "windows-1252"


def test_cp1252_text_file_is_decoded_and_reported() -> None:
    doc = parse_file(SAMPLES / "notes_cp1252.txt")
    assert [u.text for u in doc.utterances] == ["Budget €40k “approved”", "Café chain, 40 sites"]
    assert doc.meta["encoding"] == "cp1252"


def test_utf8_bom_is_dropped_and_reported() -> None:
    doc = parse_bytes("\ufeff- needs SSO\n".encode("utf-8-sig"))
    assert doc.text == "- needs SSO"
    assert doc.meta["encoding"] == "utf-8-sig"


def test_inline_gt_quotes_and_on_wrote_over_two_lines() -> None:
    text = (
        "From: Dana <dana@acme.com>\nTo: sam@brightwave.io\nSubject: Re: q\n\n"
        "> Do you have budget?\nYes, 80k is earmarked.\n\n"
        "On Mon, Mar 16, 2026 at 4:00 PM Sam Lee <sam@brightwave.io>\nwrote:\n> older text\n"
    )
    doc = parse_text(text)
    assert doc.text == "Yes, 80k is earmarked."
    assert doc.quoted_text.startswith("> Do you have budget?")
    assert "older text" in doc.quoted_text


def test_signature_after_dash_dash_without_sign_off() -> None:
    text = (
        "From: Lee Park <lee@acme.com>\nTo: sam@brightwave.io\nSubject: x\n\n"
        "We need SOC 2.\n-- \nLee Park\nCISO, Acme Corp\n"
    )
    doc = parse_text(text)
    assert doc.text == "We need SOC 2."
    assert (doc.participants[0].title, doc.participants[0].company) == ("CISO", "Acme Corp")


def test_trailing_signature_block_without_delimiter() -> None:
    text = (
        "From: Lee Park <lee@acme.com>\nTo: sam@brightwave.io\nSubject: x\n\n"
        "We need SOC 2 before June.\n\nLee Park\nHead of IT\n+1 212 555 0147\n"
    )
    doc = parse_text(text)
    assert doc.text == "We need SOC 2 before June."
    assert doc.participants[0].phone == "+1 212 555 0147"


def test_one_mention_of_confidential_is_not_a_disclaimer() -> None:
    text = (
        "From: Lee <lee@acme.com>\nTo: sam@brightwave.io\nSubject: x\n\nHi Sam,\n\n"
        "Keep this confidential, but our budget is 90k.\n"
    )
    doc = parse_text(text)
    assert doc.utterances[-1].text == "Keep this confidential, but our budget is 90k."
