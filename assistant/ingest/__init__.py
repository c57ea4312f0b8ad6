"""Parse call transcripts, chats, emails and notes into `Document`s.

Public API (stable, used by the CLI, the service, the evaluation and the TUI):

    parse_text(text, *, source="-", kind=None, reps=(), team_domains=(), date=None) -> Document
    parse_bytes(data, *, source="-", kind=None, reps=(), team_domains=(), date=None,
                max_bytes=DEFAULT_MAX_BYTES) -> Document
    parse_file(path, *, kind=None, reps=(), team_domains=(), date=None,
               max_bytes=DEFAULT_MAX_BYTES) -> Document
    detect_kind(text, source="-") -> str
    IngestError: every refusal, with a message that says what to do.

What a Document carries: `text` is the fresh content (transcripts and chats rendered one
`Speaker: text` line per utterance; emails and notes as written), every utterance satisfies
`doc.text[u.start:u.end] == u.text`, and `meta` records `format`, `encoding` (bytes input),
`date_source` and `roles` ({speaker: {"role", "source"}}) so no guess is silent.
"""

from assistant.ingest.api import parse_bytes, parse_file, parse_text
from assistant.ingest.detect import detect_kind
from assistant.ingest.errors import IngestError

__all__ = ["IngestError", "detect_kind", "parse_bytes", "parse_file", "parse_text"]
