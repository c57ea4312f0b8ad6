"""Call notes: free text and bullets; one utterance per line or bullet, no speaker."""

from __future__ import annotations

import re

from assistant.ingest.model import Parsed, Segment
from assistant.ingest.spans import lines_with_offsets

_BULLET = re.compile(r"^[ \t]*(?:[-*•‣◦▪–+]|\d{1,3}[.)]|[a-zA-Z][.)])[ \t]+(?=\S)")


def parse_notes(text: str) -> Parsed:
    """Bullets lose their marker; indented lines under a bullet continue it."""
    text = text.strip("\n").rstrip()
    segments: list[Segment] = []
    header: list[str] = []
    in_bullet = False
    for offset, line in lines_with_offsets(text):
        stripped = line.strip()
        if not stripped:
            in_bullet = False
            continue
        end = offset + len(line.rstrip())
        bullet = _BULLET.match(line)
        if bullet:
            segments.append(Segment(offset + bullet.end(), end, None))
            in_bullet = True
        elif in_bullet and line[:1] in (" ", "\t") and segments:
            segments[-1] = Segment(segments[-1].start, end, None)
        else:
            segments.append(Segment(offset + len(line) - len(line.lstrip()), end, None))
            in_bullet = False
            if len(segments) <= 2 or stripped.lower().startswith("date:"):
                header.append(stripped)
    return Parsed(format="notes", text=text, segments=segments, header_lines=header)
