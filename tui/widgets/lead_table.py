"""A virtual pipeline table: renders only the visible lines, so 10,000 leads paint, filter and
sort in milliseconds (Textual's DataTable rebuilds every row on each filter keystroke)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from assistant.views import PipelineRow, filter_texts
from tui.widgets.text import sparkline


@dataclass(frozen=True)
class Column:
    """One column: header, width (0 = takes the rest), cell text and sort key."""

    title: str
    width: int
    cell: Callable[[PipelineRow], str]
    key: Callable[[PipelineRow], Any]
    right: bool = False


def _none_last(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else 0)


STAGE_ORDER = {"IQL": 0, "MQL": 1, "SAL": 2, "SQL": 3, "Opportunity": 4}
SEGMENT_SHORT = {"enterprise": "ent", "mid_market": "mm", "smb": "smb"}
COLUMNS: tuple[Column, ...] = (
    Column("Score", 6, lambda r: "…" if r.total is None else str(r.total),
           lambda r: _none_last(None if r.total is None else -r.total), right=True),
    Column("Lead", 0, lambda r: r.id, lambda r: r.id),
    Column("Stage", 11, lambda r: r.stage or "", lambda r: _none_last(
        None if r.stage is None else -STAGE_ORDER.get(r.stage, -1))),
    Column("Seg", 3, lambda r: SEGMENT_SHORT.get(r.segment or "", r.segment or ""),
           lambda r: r.segment or "~"),
    Column("Route", 8, lambda r: r.route or "", lambda r: r.route or "~"),
    Column("Owner", 12, lambda r: r.owner or "", lambda r: (r.owner or "~").lower()),
    Column("Last", 5, lambda r: r.last_touch.strftime("%m-%d") if r.last_touch else "",
           lambda r: _none_last(-r.last_touch.toordinal() if r.last_touch else None)),
    Column("Trend", 6, lambda r: sparkline(r.trend), lambda r: tuple(r.trend)),
)
MIN_LEAD_WIDTH = 12


class LeadTable(ScrollView, can_focus=True):
    """Leads with a cursor; click a header (or press ctrl+s on the screen) to sort."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "open", "Open lead"),
    ]
    COMPONENT_CLASSES = {"lead-table--header", "lead-table--cursor", "lead-table--even"}

    cursor = reactive(0, always_update=True, repaint=False)

    class Opened(Message):
        """The user chose a lead (enter or double click)."""

        def __init__(self, lead_id: str) -> None:
            super().__init__()
            self.lead_id = lead_id

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.rows: list[PipelineRow] = []
        self._hay: list[str] = []
        self._index: dict[str, int] = {}
        self.view: list[int] = []
        self.needle = ""
        self.sort_column = 0
        self.sort_reverse = False

    # -- data ------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[PipelineRow]) -> None:
        """Replace all rows (keeps the filter and the sort)."""
        self.rows = list(rows)
        self._hay = [r.haystack for r in self.rows]
        self._index = {r.id: i for i, r in enumerate(self.rows)}
        self._rebuild()

    def update_rows(self, rows: Sequence[PipelineRow]) -> None:
        """Replace some rows in place (scores that arrived); re-sorts when sorting by them."""
        for row in rows:
            i = self._index.get(row.id)
            if i is None:
                self._index[row.id] = len(self.rows)
                self.rows.append(row)
                self._hay.append(row.haystack)
            else:
                self.rows[i] = row
                self._hay[i] = row.haystack
        self._rebuild(keep_lead=self.cursor != 0)

    def set_filter(self, needle: str) -> None:
        """Show only rows that contain every word of `needle`."""
        narrower = needle.lower().startswith(self.needle.lower()) and bool(self.needle.strip())
        self.needle = needle
        self._rebuild(within=self.view if narrower else None)
        self.cursor = 0

    def sort_by(self, column: int, reverse: bool | None = None) -> None:
        """Sort by a column; the same column again flips the direction."""
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column, self.sort_reverse = column, reverse
        self._rebuild(keep_lead=True)

    @property
    def current(self) -> PipelineRow | None:
        """The row under the cursor."""
        if not self.view:
            return None
        return self.rows[self.view[min(self.cursor, len(self.view) - 1)]]

    def visible_ids(self) -> list[str]:
        return [self.rows[i].id for i in self.view]

    def _rebuild(self, keep_lead: bool = False, within: list[int] | None = None) -> None:
        lead = self.current.id if keep_lead and self.current else None
        idx = filter_texts(self._hay, self.needle, within)
        if within is None:  # a narrowed view keeps the order it had
            key = COLUMNS[self.sort_column].key
            rows = self.rows
            idx.sort(key=lambda i: (key(rows[i]), rows[i].id), reverse=self.sort_reverse)
        self.view = idx
        self.virtual_size = Size(self.size.width, len(self.view) + 1)
        if lead is not None:
            pos = next((n for n, i in enumerate(self.view) if self.rows[i].id == lead), 0)
            self.cursor = pos
        else:
            self.cursor = min(self.cursor, max(0, len(self.view) - 1))
        self.refresh()

    # -- cursor ------------------------------------------------------------------------------
    def watch_cursor(self, value: int) -> None:
        body = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if value < top:
            self.scroll_to(y=value, animate=False)
        elif value >= top + body:
            self.scroll_to(y=value - body + 1, animate=False)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        if self.view:
            self.cursor = max(0, min(len(self.view) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 2))

    def action_jump(self, where: int) -> None:
        if self.view:
            self.cursor = 0 if where == 0 else len(self.view) - 1

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current.id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            self.sort_by(self._column_at(offset.x))
            return
        row = int(self.scroll_y) + offset.y - 1
        if 0 <= row < len(self.view):
            self.cursor = row
            if event.chain >= 2:
                self.action_open()

    # -- rendering ---------------------------------------------------------------------------
    def _widths(self) -> list[int]:
        width = self.scrollable_content_region.width or 80
        fixed = sum(c.width for c in COLUMNS) + len(COLUMNS) - 1
        return [c.width or max(MIN_LEAD_WIDTH, width - fixed) for c in COLUMNS]

    def _column_at(self, x: int) -> int:
        edge = 0
        for n, w in enumerate(self._widths()):
            edge += w + 1
            if x < edge:
                return n
        return len(COLUMNS) - 1

    def _line(self, cells: Sequence[str], style: Style) -> Strip:
        parts = []
        for column, text, width in zip(COLUMNS, cells, self._widths(), strict=True):
            text = text if len(text) <= width else text[: max(0, width - 1)] + "…"
            parts.append(text.rjust(width) if column.right else text.ljust(width))
        width = self.scrollable_content_region.width
        line = " ".join(parts)[:width].ljust(width)
        return Strip([Segment(line, style)], width)

    def render_line(self, y: int) -> Strip:
        """Line 0 is the header (it never scrolls); the rest are rows from the scroll offset."""
        if y == 0:
            titles = []
            for n, c in enumerate(COLUMNS):
                mark = ("▼" if not self.sort_reverse else "▲") if n == self.sort_column else ""
                titles.append(c.title + mark)
            return self._line(titles, self.get_component_rich_style("lead-table--header"))
        pos = int(self.scroll_y) + y - 1
        if pos >= len(self.view):
            return Strip.blank(self.scrollable_content_region.width, self.rich_style)
        row = self.rows[self.view[pos]]
        if pos == self.cursor:
            style = self.get_component_rich_style("lead-table--cursor")
        elif pos % 2:
            style = self.get_component_rich_style("lead-table--even")
        else:
            style = self.rich_style
        return self._line([c.cell(row) for c in COLUMNS], style)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.view) + 1)
