"""Emails, from .eml bytes or pasted text, -> the fresh reply plus facts about who wrote it."""

from __future__ import annotations

import datetime as dt
import email
import email.errors
import email.header
import email.utils
import re
from email import policy
from email.message import EmailMessage, Message

from assistant.ingest.dates import find_date
from assistant.ingest.decode import normalize_newlines
from assistant.ingest.errors import IngestError
from assistant.ingest.htmltext import html_to_text
from assistant.ingest.mailsplit import split_body
from assistant.ingest.model import Parsed, Person, Segment
from assistant.ingest.signature import parse_signature
from assistant.ingest.spans import paragraph_spans

PASTED_HEADER = re.compile(
    r"^(?P<key>from|to|cc|bcc|subject|date|sent|reply-to|message-id|mime-version|"
    r"content-type|content-transfer-encoding)[ \t]*:[ \t]*(?P<value>.*)$",
    re.I,
)
_MIME_KEYS = {"mime-version", "content-type", "content-transfer-encoding"}


def _decode_payload(part: Message) -> tuple[str, str]:
    """Body text of one part and the charset used, surviving wrong or missing charsets."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return "", "us-ascii"
    charset = part.get_content_charset()
    for candidate in ([charset] if charset else []) + ["utf-8", "cp1252"]:
        try:
            return payload.decode(candidate), candidate
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1"), "latin-1"


def _body(message: Message) -> tuple[str, str | None, str]:
    """(text, charset, subtype) of the best body part: plain text, else HTML as text."""
    part: Message | None
    if isinstance(message, EmailMessage):
        part = message.get_body(preferencelist=("plain", "html"))
    else:
        part = None
    if part is None:
        if message.is_multipart():
            return "", None, "plain"
        part = message
    text, charset = _decode_payload(part)
    subtype = part.get_content_subtype()
    text = normalize_newlines(text)
    if subtype == "html":
        text = html_to_text(text)
    return text, charset, subtype


def _addresses(value: str | None) -> list[Person]:
    people: list[Person] = []
    if not value:
        return people
    for name, addr in email.utils.getaddresses([str(value)]):
        name, addr = name.strip().strip('"'), addr.strip()
        if "@" not in addr:
            name, addr = (name or addr), ""
        if not name and addr:
            name = addr.split("@", 1)[0].replace(".", " ").replace("_", " ").title()
        if name:
            people.append(Person(name=name, email=addr.lower() or None))
    return people


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(str(value)).date()
    except (TypeError, ValueError, IndexError):
        return find_date(str(value))


def _from_headers(headers: dict[str, str], body: str, fmt: str, charset: str | None) -> Parsed:
    parts = split_body(body)
    senders = _addresses(headers.get("from"))
    if not parts.fresh and parts.forwarded:
        inner = parse_pasted_email(parts.quoted.split("\n", 1)[1] if "\n" in parts.quoted else "")
        if inner.text:
            inner.meta["forwarded_by"] = senders[0].name if senders else None
            inner.format = f"{fmt}+forward"
            return inner
    facts = parse_signature(parts.signature)
    sender: Person | None = None
    if senders:
        first = senders[0]
        sender = Person(
            name=first.name,
            email=first.email or facts.email,
            title=facts.title,
            company=facts.company,
            phone=facts.phone,
        )
    elif facts.name:
        sender = Person(facts.name, facts.email, facts.title, facts.company, facts.phone)
    speaker = sender.name if sender else None
    segments = [Segment(s, e, speaker) for s, e in paragraph_spans(parts.fresh)]
    people = [sender] if sender else []
    seen = {p.email or p.name for p in people}
    for key in ("to", "cc"):
        for person in _addresses(headers.get(key)):
            if (person.email or person.name) not in seen:
                seen.add(person.email or person.name)
                people.append(person)
    raw_date = headers.get("date") or headers.get("sent")
    found = _date(raw_date)
    meta: dict[str, object] = {
        "subject": headers.get("subject"),
        "signature": parts.signature,
        "disclaimer": parts.disclaimer,
        "sign_off": parts.sign_off,
    }
    if charset:
        meta["encoding"] = charset
    return Parsed(
        format=fmt,
        text=parts.fresh,
        segments=segments,
        quoted_text=parts.quoted,
        people=people,
        date=found,
        date_source=("email Date header" if headers.get("date") else "email Sent header")
        if found
        else None,
        meta=meta,
    )


def _header_text(raw: str) -> str:
    """Decode RFC 2047 words (=?utf-8?q?...?=) and unfold a raw header value."""
    try:
        value = str(email.header.make_header(email.header.decode_header(raw)))
    except (LookupError, UnicodeDecodeError, ValueError, email.errors.HeaderParseError):
        value = raw
    return " ".join(value.split())


def parse_eml_bytes(data: bytes) -> Parsed:
    """An RFC 822 message: MIME parts, transfer encodings and charsets decoded."""
    message = email.message_from_bytes(data, policy=policy.default)
    if not message.keys():
        raise IngestError("no email headers found; an .eml file starts with From:/To:/Subject:")
    headers: dict[str, str] = {}
    for key, raw in message.raw_items():
        key = key.lower()
        if key in ("from", "to", "cc", "subject", "date") and key not in headers:
            headers[key] = _header_text(str(raw))
    body, charset, _ = _body(message)
    return _from_headers(headers, body, "eml", charset)


def split_pasted_headers(text: str) -> tuple[dict[str, str], str, bool]:
    """(headers, body, is_mime) for a pasted `From:/To:/Subject:` block followed by a body."""
    lines = text.lstrip("\n").split("\n")
    headers: dict[str, str] = {}
    last: str | None = None
    index = 0
    mime = False
    for index, line in enumerate(lines):  # noqa: B007 - index is used after the loop
        if not line.strip():
            index += 1
            break
        match = PASTED_HEADER.match(line.strip())
        if match:
            last = match["key"].lower()
            mime = mime or last in _MIME_KEYS
            headers.setdefault(last, match["value"].strip())
        elif last is not None and line[:1] in (" ", "\t"):
            headers[last] = f"{headers[last]} {line.strip()}"
        else:
            break
    else:
        index = len(lines)
    return headers, "\n".join(lines[index:]), mime


def parse_pasted_email(text: str) -> Parsed:
    """Headers typed or pasted above the body; a full MIME source goes to the .eml parser."""
    headers, body, mime = split_pasted_headers(text)
    if mime:
        return parse_eml_bytes(text.lstrip("\n").encode("utf-8"))
    return _from_headers(headers, body, "pasted-email", None)
