"""A discovery session: ask the best open question, take the answer as evidence, rescore.

The CLI's `qualify discover` and the TUI both drive this class; it holds no screen logic.
An answer is stored as a document of kind `answer` dated today, run through the extractors,
and the lead is rescored; a manual fact is a reviewed signal with the rep as its source.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from assistant.discovery.bank import Question, QuestionBank, default_bank
from assistant.discovery.errors import DiscoveryError
from assistant.discovery.frameworks import LetterView, framework_view, get_framework
from assistant.discovery.ranking import RankedQuestion, rank_questions
from assistant.discovery.state import LeadState, build_state
from assistant.ingest import parse_text
from assistant.service import Service
from extractors.schema import DIMENSIONS, Document, Evidence, Signal
from scoring import Score

MANUAL_EXTRACTOR = "manual"
MANUAL_VERSION = "1"
NO_SIGNAL = (
    "no signal found in that answer: rephrase it with the fact itself "
    "(e.g. \"budget of 50k is approved\"), or record a manual fact "
    "(:fact DIMENSION.TYPE[.VALUE])"
)


@dataclass(frozen=True)
class FoundSignal:
    """A signal an answer produced, as the rep should see it."""

    signal_id: int
    dimension: str
    type: str
    value: Any
    polarity: str
    confidence: float
    quote: str

    def to_public_json(self) -> dict[str, Any]:
        return {
            "signal_id": self.signal_id,
            "dimension": self.dimension,
            "type": self.type,
            "value": self.value,
            "polarity": self.polarity,
            "confidence": round(self.confidence, 2),
            "quote": self.quote,
        }


@dataclass(frozen=True)
class AnswerResult:
    """What one answer did: signals, score before and after, the stage, and what to ask next."""

    question_id: str | None
    document_id: int | None
    signals: tuple[FoundSignal, ...]
    score_before: Score
    score_after: Score
    next_question: RankedQuestion | None
    message: str
    follow_up: bool = False
    cited: tuple[str, ...] = field(default_factory=tuple)

    @property
    def delta(self) -> int:
        return self.score_after.total - self.score_before.total

    @property
    def stage_before(self) -> str:
        return self.score_before.stage

    @property
    def stage(self) -> str:
        return self.score_after.stage

    def to_public_json(self) -> dict[str, Any]:
        return {
            "question": self.question_id,
            "document_id": self.document_id,
            "signals": [s.to_public_json() for s in self.signals],
            "score_before": self.score_before.total,
            "score_after": self.score_after.total,
            "delta": self.delta,
            "stage_before": self.stage_before,
            "stage": self.stage,
            "message": self.message,
            "explanation": list(self.cited),
            "next_question": None
            if self.next_question is None
            else self.next_question.to_public_json(),
        }


def _follow_up_keys(signals: tuple[FoundSignal, ...]) -> list[str]:
    """The keys a follow-up may be keyed on, most specific first."""
    if not signals:
        return ["none"]
    keys: list[str] = []
    for s in signals:
        vk = s.value if isinstance(s.value, str) else None
        if isinstance(s.value, dict):
            vk = s.value.get("status") or s.value.get("buying_role")
        if vk:
            keys.append(f"{s.dimension}.{s.type}.{str(vk).lower()}")
        keys += [f"{s.dimension}.{s.type}", f"{s.dimension}:{s.polarity}"]
    return keys


class DiscoverySession:
    """Walk a rep through the open discovery of one lead, answer by answer."""

    def __init__(
        self,
        svc: Service,
        lead_id: str,
        *,
        bank: QuestionBank | None = None,
        framework: str | None = None,
        by: str = "rep",
    ):
        self.svc = svc
        self.lead_id = svc.require_lead(lead_id).id
        self.bank = bank or default_bank()
        self.framework_name = framework
        if framework:
            get_framework(self.bank, framework)
        self.by = by
        self.asked: set[str] = set()
        self._pending: str | None = None
        self._current: RankedQuestion | None = None
        self._state: LeadState | None = None

    # -- reading --------------------------------------------------------------------------
    def state(self) -> LeadState:
        if self._state is None:
            self._state = build_state(self.svc, self.lead_id)
        return self._state

    def score(self) -> Score:
        return self.state().score

    def ranked(self) -> list[RankedQuestion]:
        """Open questions, best first, without those asked in this session."""
        ranked = rank_questions(self.state(), self.bank, exclude=self.asked)
        if self.framework_name:
            tags = {self.framework_name.lower()}
            ranked = sorted(
                ranked, key=lambda r: 0 if tags & set(r.question.frameworks) else 1
            )
            views = self.framework(self.framework_name)
            first = [v.question for v in views if v.question and v.status != "absent"]
            ids = {q.question.id for q in first}
            ranked = first + [r for r in ranked if r.question.id not in ids]
        return ranked

    def next_question(self) -> RankedQuestion | None:
        """The question to ask now: a pending follow-up first, else the best-ranked one."""
        ranked = self.ranked()
        if self._pending:
            pending = next((r for r in ranked if r.question.id == self._pending), None)
            self._pending = None
            if pending is not None:
                self._current = RankedQuestion(
                    pending.question,
                    pending.text,
                    f"follow-up to your answer; {pending.why}",
                    pending.expected_gain,
                    pending.rank_score,
                    pending.opens,
                    pending.evidence,
                )
                return self._current
        self._current = ranked[0] if ranked else None
        return self._current

    def framework(self, name: str) -> list[LetterView]:
        fw = get_framework(self.bank, name)
        state = self.state()
        return framework_view(state, fw, rank_questions(state, self.bank, exclude=self.asked))

    # -- acting ---------------------------------------------------------------------------
    def skip(self, question: Question | RankedQuestion | None = None) -> None:
        """Do not ask this question again in this session."""
        q = question or self._current
        if q is not None:
            self.asked.add(q.id if isinstance(q, Question) else q.question.id)
        self._current = None

    def _question(self, question: Question | RankedQuestion | str | None) -> Question | None:
        if question is None:
            return self._current.question if self._current else None
        if isinstance(question, RankedQuestion):
            return question.question
        if isinstance(question, str):
            found = self.bank.get(question)
            if found is None:
                raise DiscoveryError(f"unknown question id {question!r}")
            return found
        return question

    def answer(
        self, text: str, question: Question | RankedQuestion | str | None = None
    ) -> AnswerResult:
        """Store the answer as evidence, extract, rescore; say what changed and ask next."""
        if not text.strip():
            raise DiscoveryError("empty answer: type what the prospect said, or skip the question")
        q = self._question(question)
        before = self.score()
        source = f"answer to {q.id}" if q else "answer"
        doc = parse_text(text, kind="answer", source=source, date=self.svc.today())
        result = self.svc.ingest_document(self.lead_id, doc, actor=self.by)
        doc_id = result.document_id
        if not result.created:
            return self._finish(q, before, doc_id, (), "already recorded: that exact answer is "
                                "stored for this lead, nothing changed")
        found = self._found(doc_id)
        return self._finish(q, before, doc_id, found, None if found else NO_SIGNAL)

    def record_manual_fact(
        self,
        dimension: str,
        type: str,  # noqa: A002 - the signal's field name
        value: dict[str, Any] | str | None = None,
        polarity: str = "for",
        text: str = "",
        by: str | None = None,
    ) -> AnswerResult:
        """A fact the rep vouches for: an `answer` document, a `manual` signal, a confirm."""
        who = (by or self.by).strip()
        if dimension not in DIMENSIONS:
            raise DiscoveryError(
                f"unknown dimension {dimension!r}; use one of {', '.join(DIMENSIONS)}"
            )
        if not type.strip() or not type.replace("_", "").isalnum():
            raise DiscoveryError(f"bad signal type {type!r}: use a word such as status or pain")
        if polarity not in ("for", "against", "neutral"):
            raise DiscoveryError(f"polarity must be for, against or neutral (got {polarity!r})")
        if not who:
            raise DiscoveryError("a manual fact needs the rep's name (by)")
        typed = text.strip() or f"{dimension}.{type}" + (f" {value}" if value else "")
        q = self._current.question if self._current else None
        before = self.score()
        doc = parse_text(typed, kind="answer", source=f"manual fact by {who}",
                         date=self.svc.today())
        signal = _manual_signal(doc, dimension, type, value, polarity, who, self.svc.today())
        doc_id, created = self.svc.store.add_document(self.lead_id, doc, [signal], actor=who)
        if not created:
            # The rep vouches for an answer already stored (one that gave no signal, say):
            # the manual signal joins that document, its other signals stay as they are.
            old = [s.signal for s in self.svc.store.signals_for_document(doc_id)]
            if any(
                s.evidence.extractor == MANUAL_EXTRACTOR
                and (s.dimension, s.type) == (dimension, type)
                for s in old
            ):
                raise DiscoveryError("that fact is already recorded for this lead, word for word")
            self.svc.store.replace_signals(
                doc_id, [*old, signal], run_id=f"manual-{uuid.uuid4().hex}", actor=who
            )
        sid = next(
            s.id for s in self.svc.store.signals_for_document(doc_id)
            if s.signal.evidence.extractor == MANUAL_EXTRACTOR
            and (s.signal.dimension, s.signal.type) == (dimension, type)
        )
        self.svc.store.add_review(sid, "confirm", reason="manual fact recorded in discovery",
                                  by=who)
        found = tuple(f for f in self._found(doc_id) if f.signal_id == sid)
        return self._finish(q, before, doc_id, found, f"recorded a manual fact, confirmed by {who}")

    # -- helpers --------------------------------------------------------------------------
    def _found(self, doc_id: int | None) -> tuple[FoundSignal, ...]:
        if doc_id is None:
            return ()
        return tuple(
            FoundSignal(
                s.id,
                s.signal.dimension,
                s.signal.type,
                s.signal.value,
                s.signal.polarity,
                s.signal.confidence,
                s.signal.evidence.quote,
            )
            for s in self.svc.store.signals_for_document(doc_id)
        )

    def _finish(
        self,
        q: Question | None,
        before: Score,
        doc_id: int | None,
        found: tuple[FoundSignal, ...],
        message: str | None,
    ) -> AnswerResult:
        if q is not None:
            self.asked.add(q.id)
        self._state = None
        after = self.svc.score(self.lead_id)
        self._state = build_state(self.svc, self.lead_id)
        follow = None
        if q is not None and (found or message == NO_SIGNAL):
            keys = _follow_up_keys(found)
            follow = next(
                (fu.ask for k in keys for fu in q.follow_ups if fu.on == k and fu.ask
                 not in self.asked),
                None,
            )
        self._pending = follow
        nxt = self.next_question()
        ids = {s.signal_id for s in found}
        cited = tuple(
            line.text
            for line in after.explanation
            if ids & set(line.evidence) and not line.text.split(" ", 1)[-1].startswith("cap:")
        )
        if message is None:
            move = (
                f"{before.stage} -> {after.stage}" if after.stage != before.stage else after.stage
            )
            message = (
                f"{len(found)} signal(s); score {before.total} -> {after.total} "
                f"({after.total - before.total:+d}); stage {move}"
            )
        return AnswerResult(
            question_id=q.id if q else None,
            document_id=doc_id,
            signals=found,
            score_before=before,
            score_after=after,
            next_question=nxt,
            message=message,
            follow_up=bool(follow and nxt and nxt.question.id == follow),
            cited=cited,
        )


def _manual_signal(
    doc: Document, dimension: str, type_: str, value: Any, polarity: str, who: str, day: dt.date
) -> Signal:
    text = doc.text
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    ev = Evidence(
        start=start,
        end=end,
        speaker=who,
        role="rep",
        quote=text[start:end],
        extractor=MANUAL_EXTRACTOR,
        extractor_version=MANUAL_VERSION,
        reasons=(f"typed by {who} on {day.isoformat()}",),
    )
    return Signal(
        dimension=dimension,  # type: ignore[arg-type]
        type=type_,
        value=value,
        polarity=polarity,  # type: ignore[arg-type]
        confidence=1.0,
        evidence=ev,
    )
