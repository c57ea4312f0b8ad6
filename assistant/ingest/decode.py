"""Bytes -> text: pick an encoding we can defend and refuse input that is not text."""

from __future__ import annotations

import codecs

from assistant.ingest.errors import IngestError

_SNIFF = 8192
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_MB = 1024 * 1024


def _mb(size: int) -> str:
    value = size / _MB
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def check_size(size: int, source: str, max_bytes: int) -> None:
    """Refuse input over the limit before it is read or parsed."""
    if size > max_bytes:
        raise IngestError(
            f"{source} is {_mb(size)} MB, over the {_mb(max_bytes)} MB limit; "
            "use --max-bytes to raise it"
        )


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean this is not text."""
    head = data[:_SNIFF]
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > max(4, len(head) // 20)


def normalize_newlines(text: str) -> str:
    """One newline convention, and no byte-order mark, for every parser downstream."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode(data: bytes, source: str = "-", max_bytes: int | None = None) -> tuple[str, str]:
    """Return (text, encoding). Tries UTF-8 with BOM, UTF-16 with BOM, UTF-8, then cp1252."""
    if max_bytes is not None:
        check_size(len(data), source, max_bytes)
    if not data.strip():
        raise IngestError(f"{source} is empty: nothing to ingest")
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise IngestError(
                f"{source} starts like UTF-16 but does not decode; re-save it as UTF-8"
            ) from None
    else:
        if looks_binary(data):
            raise IngestError(
                f"{source} looks like a binary file; give a transcript, chat, email or notes "
                "as text (.txt, .vtt, .srt, .eml, .json)"
            )
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
    text = normalize_newlines(text)
    if not text.strip():
        raise IngestError(f"{source} is empty: nothing to ingest")
    return text, encoding
