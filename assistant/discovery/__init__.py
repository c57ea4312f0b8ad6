"""Discovery assistant: the next question that matters most, asked in context, with rescoring.

Public API (the CLI and the TUI call these; nothing here writes SQL directly):
- `DiscoverySession(svc, lead_id, framework=None, by="rep")`: `.next_question()`,
  `.answer(text) -> AnswerResult`, `.skip()`, `.record_manual_fact(dimension, type, value,
  polarity, text, by)`, `.framework(name)`, `.score()`.
- `next_questions(svc, lead_id, limit=None) -> list[RankedQuestion]` (`.to_public_json()`:
  {"id", "text", "dimension", "why", "expected_gain"}).
- `framework_letters(svc, lead_id, name) -> list[LetterView]`; `gaps(svc, lead_id)`;
  `call_plan(svc, lead_id) -> CallPlan` (`.to_text()`).
- `load_bank(directory=None)`, `default_bank()`: the validated question bank
  (assistant/questions/*.toml); `BankError` names the file, the key and the reason.
"""

from assistant.discovery.bank import (
    Fill,
    FollowUp,
    Framework,
    Question,
    QuestionBank,
    default_bank,
    load_bank,
)
from assistant.discovery.errors import BankError, DiscoveryError
from assistant.discovery.frameworks import LetterView, describe_letter
from assistant.discovery.ranking import RankedQuestion, rank_questions
from assistant.discovery.service import (
    CallPlan,
    Gap,
    call_plan,
    framework_letters,
    gaps,
    next_questions,
)
from assistant.discovery.session import AnswerResult, DiscoverySession, FoundSignal
from assistant.discovery.state import LeadState, build_state
from assistant.discovery.templates import known_facts, render

__all__ = [
    "AnswerResult",
    "BankError",
    "CallPlan",
    "DiscoveryError",
    "DiscoverySession",
    "Fill",
    "FollowUp",
    "FoundSignal",
    "Framework",
    "Gap",
    "LeadState",
    "LetterView",
    "Question",
    "QuestionBank",
    "RankedQuestion",
    "build_state",
    "call_plan",
    "default_bank",
    "describe_letter",
    "framework_letters",
    "gaps",
    "known_facts",
    "load_bank",
    "next_questions",
    "rank_questions",
    "render",
]
