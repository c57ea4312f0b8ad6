"""Discovery assistant: question bank, templates, ranking (golden), sessions, frameworks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.discovery import (
    BankError,
    DiscoveryError,
    DiscoverySession,
    build_state,
    call_plan,
    default_bank,
    framework_letters,
    gaps,
    known_facts,
    load_bank,
    next_questions,
    render,
)
from assistant.discovery.bank import BANK_DIR
from assistant.service import Service
from assistant.settings import Settings
from assistant.store import LeadRow
from tests.conftest import DEMO_TODAY

GOLDEN = Path(__file__).parent / "golden" / "discovery" / "ranking.json"
DEMO_LEADS = (
    "northwind-freight",
    "halcyon-health",
    "ferncliff-software",
    "copperline-mutual",
    "tallgrass-analytics",
    "pinecrest-staffing",
)


def _svc(db: Path) -> Service:
    return Service(Settings(db=db, use_model=False), clock=lambda: DEMO_TODAY)


@pytest.fixture
def demo(demo_db: Path) -> Service:
    svc = _svc(demo_db)
    yield svc
    svc.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Service:
    """An empty database with one mid-market logistics lead and no documents."""
    svc = _svc(tmp_path / "fresh.db")
    svc.add_lead(
        LeadRow(id="birchwood", name="Birchwood Logistics", employees=400, industry="logistics")
    )
    yield svc
    svc.close()


# ------------------------------------------------------------------------- the bank


def test_shipped_bank_is_large_and_covers_every_dimension_segment_and_framework() -> None:
    bank = default_bank()
    assert len(bank.questions) >= 60
    assert {f.dimension for q in bank.questions for f in q.fills} >= {
        "budget", "authority", "timeline", "security", "stakeholder", "need", "competition",
        "next_step",
    }
    for segment in ("enterprise", "mid_market", "smb"):
        assert len(bank.for_segment(segment)) >= 30
    assert set(bank.frameworks) == {"bant", "meddicc", "meddpicc", "champ"}
    tagged = {fw for q in bank.questions for fw in q.frameworks}
    assert tagged == {"bant", "meddicc", "meddpicc", "champ"}
    letters = [letter.name for letter in bank.frameworks["meddpicc"].letters]
    assert "Paper process" in letters and "Economic buyer" in letters
    assert len(bank.frameworks["meddicc"].letters) == 7


def _write(folder: Path, text: str, name: str = "q.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


GOOD = """
[[question]]
id = "x.one"
text = "Who signs the contract?"
purpose = "name the buyer"
dimension = "authority"
stage = "SQL"
fills = [{ dimension = "authority", type = "economic_buyer" }]
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[question]\nid=", "not valid TOML"),
        (GOOD.replace('purpose = "name the buyer"\n', ""), "question[0] (id=x.one).purpose"),
        (GOOD.replace('fills = [{ dimension = "authority"', 'fills = [{ dimension = "money"'),
         "question[0] (id=x.one).fills[0].dimension"),
        (GOOD.replace('stage = "SQL"', 'stage = "Later"'), "question[0] (id=x.one).stage"),
        (GOOD + 'follow_ups = [{ on = "budget.status", ask = "x.missing" }]\n',
         "no question with id 'x.missing'"),
        (GOOD + GOOD, "already defined"),
        (GOOD + '[framework.spin]\ntitle = "SPIN"\nletters = [{ key = "S", name = "S", '
         'match = [{ dimension = "need" }] }]\n', "framework.spin: unknown framework"),
        (GOOD.replace('stage = "SQL"', 'stage = "SQL"\ncolour = "red"'),
         "question[0] (id=x.one).colour"),
    ],
)
def test_a_malformed_question_file_names_the_file_the_key_and_the_reason(
    tmp_path: Path, text: str, expected: str
) -> None:
    folder = _write(tmp_path / "bank", text)
    with pytest.raises(BankError) as err:
        load_bank(folder)
    message = str(err.value)
    assert "q.toml" in message and expected in message
    assert "\n" not in message


def test_an_empty_bank_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="no question files"):
        load_bank(tmp_path)


def test_a_good_custom_bank_loads(tmp_path: Path) -> None:
    bank = load_bank(_write(tmp_path / "bank", GOOD))
    assert [q.id for q in bank.questions] == ["x.one"]
    assert {p.name for p in BANK_DIR.glob("*.toml")} >= {"budget.toml", "frameworks.toml"}


# ------------------------------------------------------------------------- templates


def test_templates_render_with_facts_and_fall_back_without() -> None:
    template = "You mentioned {economic_buyer.name} signs off: is there a board threshold?"
    fallback = "Is there a spending threshold above which a purchase needs extra sign-off?"
    with_fact = render(template, fallback, {"economic_buyer.name": "Dana"})
    assert with_fact == "You mentioned Dana signs off: is there a board threshold?"
    assert render(template, fallback, {}) == fallback
    assert render(template, fallback, {"economic_buyer.name": ""}) == fallback
    assert render(None, fallback, {"economic_buyer.name": "Dana"}) == fallback


def test_questions_use_what_the_lead_said(demo: Service, fresh: Service) -> None:
    facts = known_facts(build_state(demo, "copperline-mutual"))
    assert facts["economic_buyer.name"].startswith("Linda")
    assert facts["budget.amount"] == "$45k"
    texts = {q.question.id: q.text for q in next_questions(demo, "copperline-mutual")}
    assert texts["budget.set_aside"].startswith("You mentioned $45k")
    assert "Linda" in texts["budget.approval_steps"]
    plain = {q.question.id: q.text for q in next_questions(fresh, "birchwood")}
    assert plain["budget.set_aside"] == "Is there budget set aside for this in this fiscal year?"


# ------------------------------------------------------------------------- ranking


def _ranking_snapshot(svc: Service) -> dict[str, list[dict[str, object]]]:
    return {
        lead: [
            {"id": r.question.id, "expected_gain": r.expected_gain, "why": r.why}
            for r in next_questions(svc, lead, limit=5)
        ]
        for lead in DEMO_LEADS
    }


def test_ranking_of_demo_leads_matches_the_golden_file(demo: Service) -> None:
    got = _ranking_snapshot(demo)
    if os.environ.get("QUALIFY_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_the_question_that_opens_the_gate_comes_first(demo: Service) -> None:
    top = next_questions(demo, "copperline-mutual", limit=1)[0]
    assert top.question.id.startswith("budget.")
    assert "blocks SQL" in top.why and "opens SQL" in top.why
    assert top.expected_gain > 0


def test_known_facts_are_never_asked_and_contradicted_ones_are(demo: Service) -> None:
    ids = {r.question.id: r for r in next_questions(demo, "copperline-mutual")}
    # Linda Marsh, the COO, signs: the economic buyer is known with high confidence.
    assert "authority.signer" not in ids
    # "no budget line" then "pending approval": budget status is asked again, with why.
    halcyon = {r.question.id: r for r in next_questions(demo, "halcyon-health")}
    assert "re-ask" in halcyon["budget.set_aside"].why
    assert "no budget line" in halcyon["budget.set_aside"].why


def test_json_shape_of_a_ranked_question(demo: Service) -> None:
    first = next_questions(demo, "halcyon-health", limit=1)[0].to_public_json()
    assert set(first) == {"id", "text", "dimension", "why", "expected_gain"}
    assert isinstance(first["expected_gain"], int)


# ------------------------------------------------------------------------- frameworks


def test_meddicc_view_shows_found_absent_and_contradicted_letters(demo: Service) -> None:
    views = framework_letters(demo, "copperline-mutual", "MEDDICC")
    by_name = {v.letter.name: v for v in views}
    assert len(views) == 7
    eb = by_name["Economic buyer"]
    assert eb.status == "found" and "Linda" in eb.evidence[0].quote
    assert by_name["Champion"].status == "absent"
    assert by_name["Champion"].question is not None
    order = [v.status for v in views]
    assert order == sorted(order, key=["contradicted", "ambiguous", "absent", "found"].index)


def test_a_later_contradiction_wins_and_both_are_shown(fresh: Service) -> None:
    session = DiscoverySession(fresh, "birchwood", by="Sam")
    session.answer("We have a budget of 60k approved for this fiscal year.")
    session.answer("Finance froze the budget, there is no budget now.")
    budget = next(v for v in session.framework("bant") if v.letter.name == "Budget")
    assert budget.status == "contradicted"
    assert [e.polarity for e in budget.evidence] == ["against", "for"]
    assert "froze" in budget.evidence[0].quote and "approved" in budget.evidence[1].quote
    assert session.framework("bant")[0].letter.name == "Budget"  # asked about first
    again = {r.question.id: r for r in session.ranked()}
    assert "budget.next_cycle" in again  # only asked once the budget was denied


def test_an_ambiguous_letter_is_flagged(fresh: Service) -> None:
    session = DiscoverySession(fresh, "birchwood")
    session.answer("We would probably decide in Q3.")
    timeline = next(v for v in session.framework("champ") if v.letter.name == "Prioritization")
    assert timeline.status == "ambiguous"


def test_unknown_framework_is_a_clear_error(demo: Service) -> None:
    with pytest.raises(DiscoveryError, match="unknown framework 'spin'; use one of bant"):
        framework_letters(demo, "copperline-mutual", "spin")


# ------------------------------------------------------------------------- sessions


def test_answers_move_a_lead_from_iql_to_sql_with_cited_explanations(fresh: Service) -> None:
    session = DiscoverySession(fresh, "birchwood", by="Sam Rivera")
    start = session.score()
    assert start.stage == "IQL"
    first = session.next_question()
    assert first is not None and first.question.dimension == "need"
    stages = []
    for text in (
        "Our dispatchers re-key every order by hand and lose about 15 hours a week to it.",
        "We have a budget of 60k approved for this fiscal year.",
        "Our CFO Dana Whitfield signs the contract.",
        "We need this live by end of next quarter.",
        "Demo booked for next Tuesday with the evaluators.",
    ):
        result = session.answer(text)
        assert result.signals, text
        assert result.delta > 0
        assert result.score_after.total == result.score_before.total + result.delta
        assert any(text[:30] in line for line in result.cited)
        stages.append(result.stage)
    assert stages[0] == "MQL"
    assert stages[-1] == "SQL"
    assert stages == sorted(stages, key=["IQL", "MQL", "SAL", "SQL", "Opportunity"].index)
    docs = fresh.store.documents_for_lead("birchwood")
    assert {d.document.kind for d in docs} == {"answer"}
    assert all(d.document.date == DEMO_TODAY for d in docs)
    assert len(fresh.store.snapshots("birchwood")) >= 5


def test_an_answer_without_a_signal_says_so_and_a_manual_fact_counts(fresh: Service) -> None:
    session = DiscoverySession(fresh, "birchwood", by="Sam")
    question = session.next_question()
    result = session.answer("hmm, they went quiet on that one")
    assert result.signals == () and result.delta == 0
    assert "no signal found" in result.message and "manual fact" in result.message
    assert result.next_question is not None
    fact = session.record_manual_fact(
        "budget", "status", "approved", "for", "Dana confirmed budget on the phone", "Sam"
    )
    assert fact.delta > 0
    (sig,) = fact.signals
    stored = fresh.store.get_signal(sig.signal_id)
    assert stored is not None and stored.signal.extractor == "manual"
    assert stored.signal.evidence.speaker == "Sam"
    (review,) = fresh.store.reviews_for_lead("birchwood")
    assert review.action == "confirm" and review.by == "Sam"
    assert any("confirmed by Sam" in line for line in fact.cited)
    assert question is not None


def test_manual_fact_errors_are_one_line(fresh: Service) -> None:
    session = DiscoverySession(fresh, "birchwood")
    with pytest.raises(DiscoveryError, match="unknown dimension 'money'"):
        session.record_manual_fact("money", "status", "approved", text="x")
    with pytest.raises(DiscoveryError, match="polarity must be"):
        session.record_manual_fact("budget", "status", "approved", "maybe", text="x")
    with pytest.raises(DiscoveryError, match="empty answer"):
        session.answer("   ")


def test_a_follow_up_is_asked_next_when_the_answer_calls_for_it(fresh: Service) -> None:
    session = DiscoverySession(fresh, "birchwood")
    result = session.answer("We don't have budget for this.", "budget.set_aside")
    assert result.next_question is not None
    assert result.next_question.question.id == "budget.next_cycle"
    assert result.follow_up and "follow-up" in result.next_question.why


def test_skipped_questions_are_not_asked_again(fresh: Service) -> None:
    session = DiscoverySession(fresh, "birchwood")
    first = session.next_question()
    session.skip()
    second = session.next_question()
    assert first is not None and second is not None
    assert first.question.id != second.question.id


# ------------------------------------------------------------------------- gaps and plan


def test_gaps_name_the_gate_each_missing_dimension_blocks(demo: Service) -> None:
    found = {g.dimension: g for g in gaps(demo, "copperline-mutual")}
    assert "budget earmarked (blocks SQL)" in found["budget"].blocks
    assert found["budget"].question is not None
    assert found["authority"].blocks == ()


def test_call_plan_has_known_missing_questions_and_people(demo: Service) -> None:
    plan = call_plan(demo, "copperline-mutual", questions=3)
    text = plan.to_text()
    assert len(plan.questions) == 3
    assert "Known:" in text and "Missing:" in text and "Questions, in order:" in text
    assert "budget earmarked (blocks SQL)" in text
    assert "Linda Marsh (economic buyer, COO)" in text
    assert len(text.splitlines()) < 60


def test_unknown_lead_is_a_clear_error(demo: Service) -> None:
    with pytest.raises(Exception, match="unknown lead 'nope'"):
        DiscoverySession(demo, "nope")
