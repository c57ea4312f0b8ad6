"""Discovery: the next question and why, an answer box, the score delta after each answer and
the framework checklist (BANT / MEDDICC / CHAMP) filling in."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Select, Static

from tui.errors import USER_ERRORS
from tui.screens.base import QualifyScreen

FRAMEWORKS = (("BANT", "bant"), ("MEDDICC", "meddicc"), ("CHAMP", "champ"))
STATUS_MARK = {"found": "✔", "ambiguous": "?", "contradicted": "✘", "absent": "·"}


def discovery_errors() -> tuple[type[BaseException], ...]:
    """Errors of the discovery module, when it is installed."""
    try:
        from assistant.discovery import BankError, DiscoveryError
    except ImportError:
        return USER_ERRORS
    return (*USER_ERRORS, DiscoveryError, BankError)


def question_text(question: Any) -> Text:
    """The question, its dimension and expected gain, and why it was chosen."""
    if question is None:
        return Text("No open question: discovery is complete for this lead.", style="bold")
    out = Text(question.text, style="bold")
    out.append(f"\n{question.question.dimension} · up to +{question.expected_gain} points\n")
    out.append(f"why: {question.why}", style="italic")
    return out


def checklist_text(letters: list[Any]) -> Text:
    out = Text()
    for view in letters:
        mark = STATUS_MARK.get(view.status, "·")
        out.append(f"{mark} {view.letter.key} {view.letter.name}: ", style="bold")
        out.append(f"{view.status}\n")
    return out


class DiscoveryScreen(QualifyScreen):
    """Answer by answer; every answer is stored as evidence and the lead is rescored."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f6", "skip", "Skip question"),
    ]

    def __init__(self, lead_id: str) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.session: Any = None
        self.question: Any = None
        self.errors = discovery_errors()

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="discovery-body"):
            with Vertical(id="discovery-main"):
                yield Static("", id="question")
                yield Input(placeholder="the prospect's answer; enter saves it", id="answer")
                with VerticalScroll(id="answers-scroll"):
                    yield Static("", id="answers")
            with Vertical(id="discovery-side"):
                yield Select(FRAMEWORKS, value="bant", allow_blank=False, id="framework")
                yield Static("", id="checklist")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Discovery · {self.lead_id}"
        self.log_lines: list[Text] = []
        self.query_one("#discovery-body").loading = True
        self.start()

    @work(thread=True, exclusive=True, group="discovery")
    def start(self) -> None:
        try:
            from assistant.discovery import DiscoverySession
        except ImportError:
            self.ui(self._missing)
            return
        try:
            session = DiscoverySession(self.svc, self.lead_id, by=self.qapp.user)
            question = session.next_question()
            score = session.score()
            letters = session.framework(self._framework())
        except self.errors as exc:
            self.ui(self._failed, exc)
            return
        self.session = session
        self.ui(self._show, question, letters, f"score {score.total} · stage {score.stage}")

    def _missing(self) -> None:
        self.query_one("#discovery-body").loading = False
        self.query_one("#question", Static).update(
            "Discovery is not available in this install (assistant.discovery is missing); "
            "the other screens work."
        )
        self.query_one("#answer", Input).disabled = True

    def _failed(self, error: BaseException) -> None:
        self.query_one("#discovery-body").loading = False
        self.fail(error)

    def _framework(self) -> str:
        value = self.query_one("#framework", Select).value
        return value if isinstance(value, str) else "bant"

    def _show(self, question: Any, letters: list[Any], line: str | Text) -> None:
        self.query_one("#discovery-body").loading = False
        self.question = question
        self.query_one("#question", Static).update(question_text(question))
        self.query_one("#checklist", Static).update(checklist_text(letters))
        self.log_lines.insert(0, line if isinstance(line, Text) else Text(line))
        self.query_one("#answers", Static).update(Text("\n").join(self.log_lines))
        self.query_one("#answer", Input).disabled = question is None
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted, "#answer")
    def _answer(self, event: Input.Submitted) -> None:
        if self.session is None:
            return
        if not event.value.strip():
            self.fail("empty answer: type what the prospect said, or f6 to skip")
            return
        self.query_one("#answer", Input).disabled = True
        self.answer(event.value)

    @work(thread=True, exclusive=True, group="discovery")
    def answer(self, text: str) -> None:
        try:
            result = self.session.answer(text, self.question)
            letters = self.session.framework(self._framework())
        except self.errors as exc:
            self.ui(self._answer_failed, exc)
            return
        line = Text()
        line.append(f"{result.delta:+d} ", style="bold green" if result.delta > 0 else "bold")
        line.append(f"{result.score_after.total}/100 · {result.stage} · {result.message}")
        self.ui(self._answered, result.next_question, letters, line)

    def _answer_failed(self, error: BaseException) -> None:
        self.query_one("#answer", Input).disabled = False
        self.fail(error)

    def _answered(self, question: Any, letters: list[Any], line: Text) -> None:
        self.qapp.mark_dirty(self.lead_id)
        self.query_one("#answer", Input).value = ""
        self._show(question, letters, line)

    def action_skip(self) -> None:
        if self.session is None:
            return
        self.session.skip()
        self.skip_to_next()

    @work(thread=True, exclusive=True, group="discovery")
    def skip_to_next(self) -> None:
        try:
            question = self.session.next_question()
            letters = self.session.framework(self._framework())
        except self.errors as exc:
            self.ui(self.fail, exc)
            return
        self.ui(self._show, question, letters, "skipped")

    @on(Select.Changed, "#framework")
    def _framework_changed(self) -> None:
        if self.session is not None:
            self.refresh_checklist(self._framework())

    @work(thread=True, exclusive=True, group="checklist")
    def refresh_checklist(self, name: str) -> None:
        try:
            letters = self.session.framework(name)
        except self.errors as exc:
            self.ui(self.fail, exc)
            return
        self.ui(self.query_one("#checklist", Static).update, checklist_text(letters))
