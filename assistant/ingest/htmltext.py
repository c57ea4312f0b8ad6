"""HTML email bodies -> plain text with the stdlib parser; blockquotes become `>` lines."""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCK_TAGS = (
    "p div br tr li ul ol h1 h2 h3 h4 h5 h6 table blockquote pre hr section article header "
    "footer dt dd"
)
_BLOCK = frozenset(_BLOCK_TAGS.split())
_SKIP = frozenset({"script", "style", "head", "title"})


class _TextCollector(HTMLParser):
    """Collects text, breaking lines at block elements and tracking blockquote depth."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._words: list[str] = []
        self._quote_depth = 0
        self._skip_depth = 0
        self._line_depth = 0

    def _flush(self, *, paragraph: bool = False) -> None:
        line = " ".join(" ".join(self._words).split())
        prefix = "> " * self._line_depth
        if line:
            self.lines.append(prefix + line)
        if paragraph and self.lines and self.lines[-1].strip("> "):
            self.lines.append(prefix.rstrip())
        self._words = []
        self._line_depth = self._quote_depth

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag in _BLOCK:
            self._flush(paragraph=tag in {"p", "blockquote", "table", "ul", "ol"})
            if tag == "blockquote":
                self._quote_depth += 1
                self._line_depth = self._quote_depth
            if tag == "li":
                self._words.append("-")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self._flush(paragraph=tag in {"p", "blockquote", "table", "ul", "ol"})
            if tag == "blockquote":
                self._quote_depth = max(0, self._quote_depth - 1)
                self._line_depth = self._quote_depth

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            if not self._words:
                self._line_depth = self._quote_depth
            self._words.append(data)


def html_to_text(markup: str) -> str:
    """Readable text of an HTML body: paragraphs separated by blank lines."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    collector._flush()
    lines: list[str] = []
    for line in collector.lines:
        if not line.strip("> ") and (not lines or not lines[-1].strip("> ")):
            continue
        lines.append(line)
    return "\n".join(lines).strip()
