"""Context modifiers and speaker awareness, per dimension: the traps a keyword tracker falls for."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors import extract
from extractors.schema import Document, Participant, Signal, Utterance

DOC_DATE = dt.date(2026, 3, 14)


def make_call(*turns: tuple[str, str, str], kind: str = "call") -> Document:
    """A transcript from (speaker, role, text) turns, rendered `Speaker: text` per line."""
    text, utts, people = "", [], {}
    for speaker, role, line in turns:
        prefix = f"{speaker}: "
        start = len(text) + len(prefix)
        text += prefix + line + "\n"
        utts.append(Utterance(index=len(utts), speaker=speaker, role=role, start=start,
                              end=start + len(line), text=line))
        people[speaker] = Participant(name=speaker, role=role)
    return Document(kind=kind, date=DOC_DATE, text=text, utterances=tuple(utts),
                    participants=tuple(people.values()))


def prospect(line: str) -> list[Signal]:
    return extract(make_call(("Dana Ortiz", "prospect", line)))


def of(signals: list[Signal], dimension: str) -> list[Signal]:
    return [s for s in signals if s.dimension == dimension]


# (dimension, plain statement -> for, negated statement -> against)
POLARITY = [
    ("budget", "We have budget approved for this project.", "We don't have budget for this yet."),
    ("authority", "I make the final decision on tools like this.",
     "It's not my call and I have no idea who signs."),
    ("timeline", "We need this live by end of next quarter.",
     "There's no rush on this, honestly."),
    ("security", "We need SSO for every user.", "We don't need SOC 2 for this project."),
    ("need", "Our reps waste hours every week updating spreadsheets by hand.",
     "We're just researching options for now."),
    ("competition", "We're frustrated with Gong and want to replace it.",
     "We already went with Clari last week."),
    ("next_step", "Let's set up a demo next Tuesday.", "Please don't follow up with us."),
]


@pytest.mark.parametrize(("dimension", "plain", "negated"), POLARITY)
def test_plain_statement_counts_for_and_negation_turns_it_against(
    dimension: str, plain: str, negated: str
) -> None:
    found = of(prospect(plain), dimension)
    assert found and found[0].polarity == "for", plain
    turned = of(prospect(negated), dimension)
    assert turned and all(s.polarity == "against" for s in turned), negated


# statements whose meaning is cancelled by a modifier: no signal of that dimension
NO_SIGNAL = [
    ("budget", "hypothetical", "If we got budget approved we'd move fast."),
    ("budget", "past", "Last year we had budget approved for a pilot."),
    ("budget", "question", "Do you usually see budget approved at this stage?"),
    ("authority", "question", "Who makes the final decision at companies like ours?"),
    ("timeline", "hypothetical", "If the board agrees we could go live by Q3."),
    ("timeline", "question", "What does a go-live by Q3 usually look like?"),
    ("security", "other_party", "Our parent company requires SOC 2 from its vendors."),
    ("security", "question", "Do you support SSO?"),
    ("security", "hypothetical", "If we ever expand to Europe we'd need GDPR work."),
    ("need", "other_party", "Most companies struggle with manual spreadsheets."),
    ("competition", "past", "We used to use Gong at my previous company."),
    ("competition", "question", "Are you cheaper than Gong?"),
    ("next_step", "hypothetical", "If this goes well we'll set up a demo next Tuesday."),
]


@pytest.mark.parametrize(("dimension", "modifier", "line"), NO_SIGNAL)
def test_modifier_cancels_the_signal(dimension: str, modifier: str, line: str) -> None:
    assert of(prospect(line), dimension) == [], f"{modifier}: {line}"


UNCERTAIN = [
    ("timeline", "Probably end of Q3 for the go-live."),
    ("budget", "I think we have around 50k set aside for this."),
    ("security", "We'll probably need SSO."),
]


@pytest.mark.parametrize(("dimension", "line"), UNCERTAIN)
def test_uncertainty_keeps_polarity_but_lowers_confidence(dimension: str, line: str) -> None:
    hedged = of(prospect(line), dimension)
    assert hedged and hedged[0].polarity == "for"
    assert "uncertain" in hedged[0].modifiers
    sure = of(prospect(line.replace("Probably ", "").replace("I think ", "")
                       .replace("probably ", "")), dimension)
    assert sure and hedged[0].confidence < sure[0].confidence


def test_a_statement_before_a_question_still_counts() -> None:
    sec = of(prospect("We need SSO, do you support it?"), "security")
    assert [s.value for s in sec] == ["SSO"]


def test_rep_utterances_never_produce_evidence() -> None:
    doc = make_call(
        ("Sam Rivera", "rep", "You'll need SSO and SOC 2, and do you have budget approved?"),
        ("Sam Rivera", "rep", "So your CFO signs and you want to go live by Q3, right?"),
        ("Dana Ortiz", "prospect", "Sounds good, thanks."),
    )
    assert extract(doc) == []


def test_unknown_speaker_in_a_call_counts_with_lower_confidence() -> None:
    line = "We need SSO for every user."
    known = of(extract(make_call(("Dana", "prospect", line))), "security")
    unknown = of(extract(make_call(("Caller 2", "unknown", line))), "security")
    assert known and unknown and unknown[0].confidence < known[0].confidence


def test_notes_with_unknown_role_are_reported_facts() -> None:
    text = "Budget ~50k approved FY26; CFO (Dana) signs; needs SOC2 T2\n"
    doc = Document(kind="notes", date=DOC_DATE, text=text,
                   utterances=(Utterance(index=0, start=0, end=len(text) - 1,
                                         text=text[:-1]),))
    dims = {s.dimension for s in extract(doc)}
    assert {"budget", "authority", "security"} <= dims
    sec = [s for s in extract(doc) if s.dimension == "security"]
    assert sec[0].value == "SOC 2 Type II" and sec[0].confidence >= 0.75


def test_negated_budget_status_is_none() -> None:
    status = [s for s in prospect("We don't have budget for this yet.") if s.type == "status"]
    assert status[0].value == "none" and status[0].polarity == "against"


def test_text_without_signals_gives_nothing() -> None:
    assert prospect("Ha, the weather in Leeds has been grim all week.") == []


def test_signals_are_sorted_and_not_duplicated() -> None:
    sigs = prospect("We need SSO. We need SSO and SCIM. Budget is approved, 80k approved.")
    starts = [s.evidence.start for s in sigs]
    assert starts == sorted(starts)
    seen = set()
    for s in sigs:
        for dim, typ, a, b in seen:
            overlap = s.evidence.start < b and a < s.evidence.end
            assert not (dim == s.dimension and typ == s.type and overlap)
        seen.add((s.dimension, s.type, s.evidence.start, s.evidence.end))
