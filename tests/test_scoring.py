"""Scoring engine: golden scores, the explanation invariant, gates, decay, caps, reviews."""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from test_scoring_helpers import (  # noqa: E402
    GOLDEN_LEADS,
    NOW,
    enterprise_planned,
    enterprise_sql,
    sig,
)

from scoring import LeadFacts, default_model, inputs_hash, score_lead  # noqa: E402

GOLDEN_DIR = Path(__file__).parent / "golden" / "scoring"
MODEL = default_model()


def _sum(score) -> int:
    return sum(line.points for line in score.explanation)


def _dim_line(score, dimension: str, startswith: str) -> list:
    return [
        ln for ln in score.explanation
        if ln.dimension == dimension and ln.text.split(" ", 1)[1].startswith(startswith)
    ]


@pytest.mark.parametrize("name", sorted(GOLDEN_LEADS))
def test_golden_scores(name: str) -> None:
    """A change in weights shows up as a readable diff of these files.
    Regenerate with QUALIFY_UPDATE_GOLDEN=1 after a deliberate model change."""
    got = score_lead(*GOLDEN_LEADS[name](), MODEL, NOW).to_public_json()
    path = GOLDEN_DIR / f"{name}.json"
    if os.environ.get("QUALIFY_UPDATE_GOLDEN"):
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    want = json.loads(path.read_text(encoding="utf-8"))
    assert got == want


def test_public_json_shape() -> None:
    out = score_lead(*enterprise_sql(), MODEL, NOW).to_public_json()
    for key in ("lead", "segment", "total", "dimensions", "stage", "blocking_gate", "route",
                "next_action", "model_version", "explanation"):
        assert key in out
    assert set(out["explanation"][0]) == {"points", "dimension", "text", "evidence"}
    assert out["model_version"] == MODEL.version


def test_signal_line_cites_document_and_quote() -> None:
    score = score_lead(*enterprise_sql(), MODEL, NOW)
    line = next(ln for ln in score.explanation if ln.evidence == [1])
    assert line.text.startswith(f"{line.points:+d} budget: status earmarked")
    assert '(doc 3, "we have 80k earmarked for this")' in line.text


# ---------------------------------------------------------------- invariant

DIM_TYPES = [
    ("budget", "status", "approved"), ("budget", "status", "planned"), ("budget", "status", "none"),
    ("budget", "amount", {"amount": 5e4, "currency": "USD"}), ("budget", "pushback", None),
    ("authority", "economic_buyer", "economic_buyer"), ("timeline", "target_date",
                                                        {"date": "2026-05-01"}),
    ("security", "requirement", "SSO"), ("security", "requirement", "GDPR"),
    ("stakeholder", "person", {"name": "A", "title": "CFO"}), ("need", "pain", None),
    ("need", "no_need", None), ("competition", "chosen", {"name": "X"}),
    ("next_step", "meeting", None), ("need", "sentiment", "positive"),
]

signal_strategy = st.tuples(
    st.sampled_from(DIM_TYPES),
    st.sampled_from(["for", "against", "neutral"]),
    st.floats(0.0, 1.0),
    st.one_of(st.none(), st.integers(0, 400)),
    st.sampled_from([None, None, "confirmed", "rejected", "edited"]),
)
facts_strategy = st.builds(
    LeadFacts,
    id=st.just("h"),
    employees=st.one_of(st.none(), st.integers(0, 50_000)),
    potential_arr=st.one_of(st.none(), st.floats(0, 1e6)),
    industry=st.sampled_from([None, "software", "education", "media"]),
    student=st.booleans(),
    unsubscribed=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(facts=facts_strategy, raw=st.lists(signal_strategy, max_size=25))
def test_explanation_lines_sum_exactly_to_total(facts: LeadFacts, raw: list) -> None:
    signals = [
        sig(i, d, t, v, polarity=pol, confidence=conf, age_days=age, review=review,
            edited_value="approved" if review == "edited" else None)
        for i, ((d, t, v), pol, conf, age, review) in enumerate(raw, start=1)
    ]
    score = score_lead(facts, signals, MODEL, NOW)
    assert 0 <= score.total <= 100
    assert _sum(score) == score.total
    assert all(isinstance(ln.points, int) for ln in score.explanation)


def test_clamp_line_when_total_goes_negative() -> None:
    score = score_lead(*GOLDEN_LEADS["disqualified"](), MODEL, NOW)
    assert score.total == 0
    clamp = score.explanation[-1]
    assert clamp.dimension == "total" and "floored at 0" in clamp.text
    assert _sum(score) == 0


def test_determinism_and_order_independence() -> None:
    facts, signals = enterprise_sql()
    first = score_lead(facts, signals, MODEL, NOW).to_public_json()
    shuffled = list(signals)
    random.Random(3).shuffle(shuffled)
    assert score_lead(facts, shuffled, MODEL, NOW).to_public_json() == first
    assert inputs_hash(facts, signals, MODEL) == inputs_hash(facts, shuffled, MODEL)
    assert inputs_hash(facts, signals[:-1], MODEL) != inputs_hash(facts, signals, MODEL)


# ---------------------------------------------------------------- gates and routing

def test_enterprise_sql_gate_passes_with_all_evidence() -> None:
    score = score_lead(*enterprise_sql(), MODEL, NOW)
    assert (score.segment, score.stage, score.route) == ("enterprise", "SQL", "ae")
    assert score.blocking_gate is not None
    assert score.blocking_gate.stage == "Opportunity"
    assert score.blocking_gate.missing == ["procurement steps known"]
    assert score.next_action == "procurement_mapping"
    assert score.sla_hours == 24


def test_enterprise_planned_budget_blocks_sql() -> None:
    score = score_lead(*enterprise_planned(), MODEL, NOW)
    assert score.stage == "SAL"
    assert score.blocking_gate.stage == "SQL"
    assert "budget earmarked" in score.blocking_gate.missing
    assert score.route == "sdr"


def test_enterprise_needs_two_senior_stakeholders() -> None:
    facts, signals = enterprise_sql()
    junior = sig(7, "stakeholder", "person", {"name": "Lee Park", "title": "Ops Analyst"})
    score = score_lead(facts, [*signals[:6], junior, *signals[7:]], MODEL, NOW)
    assert "two senior stakeholders engaged" in score.blocking_gate.missing
    # the same person mentioned twice still counts once
    again = sig(10, "stakeholder", "person", {"name": "Dana Ortiz", "title": "CFO"})
    score = score_lead(facts, [*signals[:6], junior, again, *signals[7:]], MODEL, NOW)
    assert "two senior stakeholders engaged" in score.blocking_gate.missing


def test_mid_market_sql_accepts_planned_budget() -> None:
    facts = LeadFacts(id="mm", employees=300, industry="software", potential_arr=40000)
    signals = [
        sig(1, "need", "pain"), sig(2, "budget", "status", "planned"),
        sig(3, "authority", "decision_maker", "decision_maker"),
        sig(4, "timeline", "target_date", {"date": "2026-06-30"}),
        sig(5, "next_step", "commitment"), sig(6, "competition", "incumbent", {"name": "Gong"}),
    ]
    score = score_lead(facts, signals, MODEL, NOW)
    assert score.segment == "mid_market"
    assert score.stage in ("SQL", "Opportunity")


def test_smb_routes_by_score_and_tie_break() -> None:
    facts = LeadFacts(id="s", employees=20, industry="software", potential_arr=8000)
    signals = [sig(1, "need", "pain"), sig(2, "timeline", "urgency", "urgent"),
               sig(3, "budget", "status", "approved"), sig(4, "next_step", "meeting")]
    score = score_lead(facts, signals, MODEL, NOW)
    assert score.segment == "smb" and score.route == "smb_pool" and score.sla_hours == 2
    big = facts.model_copy(update={"potential_arr": 22000})
    assert score_lead(big, signals, MODEL, NOW).route == "sdr"
    secure = [*signals, sig(5, "security", "requirement", "SSO"),
              sig(6, "security", "requirement", "GDPR")]
    assert score_lead(facts, secure, MODEL, NOW).segment == "mid_market"  # security needs
    pinned = facts.model_copy(update={"segment_override": "smb"})
    assert score_lead(pinned, secure, MODEL, NOW).route_reason.startswith("tie-break")


def test_segment_override_and_stage_override() -> None:
    facts, signals = enterprise_sql()
    assert score_lead(facts.model_copy(update={"segment_override": "smb"}), signals, MODEL,
                      NOW).segment == "smb"
    score = score_lead(facts.model_copy(update={"stage_override": "Opportunity"}), signals,
                       MODEL, NOW)
    assert score.stage == "Opportunity" and score.blocking_gate is None


def test_unsubscribed_goes_to_nurture() -> None:
    facts, signals = enterprise_sql()
    score = score_lead(facts.model_copy(update={"unsubscribed": True}), signals, MODEL, NOW)
    assert score.route == "nurture" and score.next_action == "nurture"
    assert any("unsubscribed" in ln.text for ln in score.explanation)


# ---------------------------------------------------------------- decay, caps, reviews

def test_decay_halves_at_half_life() -> None:
    facts = LeadFacts(id="d", employees=20)
    fresh = score_lead(facts, [sig(1, "need", "pain", age_days=0)], MODEL, NOW)
    old = score_lead(facts, [sig(1, "need", "pain", age_days=21)], MODEL, NOW)  # smb need: 21 d
    decay = _dim_line(old, "need", "decay")
    assert decay and decay[0].text.endswith("decay: 21 days old")
    assert old.features["need"] == pytest.approx(fresh.features["need"] / 2)


def test_smb_intent_decays_faster_than_enterprise() -> None:
    signals = [sig(1, "need", "pain", age_days=60)]
    smb = score_lead(LeadFacts(id="a", employees=20), signals, MODEL, NOW)
    ent = score_lead(LeadFacts(id="b", employees=5000), signals, MODEL, NOW)
    assert smb.features["need"] < ent.features["need"]


def test_dimension_cap() -> None:
    facts = LeadFacts(id="c", employees=5000)
    signals = [sig(i, "security", "requirement", item) for i, item in
               enumerate(["SSO", "GDPR", "SOC 2", "SCIM", "DPA"], start=1)]
    signals.append(sig(9, "security", "process", "questionnaire"))
    score = score_lead(facts, signals, MODEL, NOW)
    assert score.dimensions["security"] == MODEL.segments["enterprise"].weights["security"]
    assert any("cap: security" in ln.text for ln in score.explanation)


def test_type_cap() -> None:
    facts = LeadFacts(id="c", employees=5000)
    signals = [sig(1, "budget", "amount", {"amount": 5e4}), sig(2, "budget", "amount",
                                                              {"amount": 9e4})]
    score = score_lead(facts, signals, MODEL, NOW)
    weight = MODEL.segments["enterprise"].weights["budget"]
    assert score.features["budget"] == pytest.approx(0.5)  # 50 % cap of the weight
    assert any(f"cap: budget.amount capped at {weight * 0.5:g}" in ln.text
               for ln in score.explanation)


def test_duplicate_mentions_count_once() -> None:
    facts = LeadFacts(id="c", employees=5000)
    one = score_lead(facts, [sig(1, "need", "pain")], MODEL, NOW)
    two = score_lead(facts, [sig(1, "need", "pain"), sig(2, "need", "pain")], MODEL, NOW)
    assert one.total == two.total
    assert any("duplicate of #1" in ln.text for ln in two.explanation)


def test_reviews() -> None:
    facts = LeadFacts(id="r", employees=5000)
    base = [sig(1, "budget", "status", "approved", confidence=0.5)]
    plain = score_lead(facts, base, MODEL, NOW)
    confirmed = score_lead(facts, [sig(1, "budget", "status", "approved", confidence=0.5,
                                       review="confirmed")], MODEL, NOW)
    rejected = score_lead(facts, [sig(1, "budget", "status", "approved", confidence=0.5,
                                      review="rejected")], MODEL, NOW)
    edited = score_lead(facts, [sig(1, "budget", "status", "approved", confidence=0.5,
                                    review="edited", edited_value="planned")], MODEL, NOW)
    assert confirmed.features["budget"] == pytest.approx(2 * plain.features["budget"])
    assert rejected.features["budget"] == 0
    assert any("rejected by mgr" in ln.text and ln.points == 0 for ln in rejected.explanation)
    assert edited.features["budget"] == pytest.approx(15 / 100)  # enterprise planned = 15 %
    assert any("edited by mgr" in ln.text for ln in edited.explanation)


def test_negative_points() -> None:
    facts = LeadFacts(id="n", employees=5000, industry="software", potential_arr=300000)
    base = score_lead(facts, [], MODEL, NOW).total
    chosen = score_lead(facts, [sig(1, "competition", "chosen", {"name": "Gong"},
                                    polarity="against")], MODEL, NOW)
    assert chosen.total == base - 20
    job = score_lead(facts.model_copy(update={"job_seeker": True}), [], MODEL, NOW)
    assert job.total == base - 30 and job.route == "nurture"


def test_a_later_conversation_supersedes_an_earlier_contradicting_fact() -> None:
    facts, signals = enterprise_sql()
    # Budget: approved in an older call, put on hold in a newer one; the newer word wins.
    signals[0] = sig(1, "budget", "status", "earmarked", quote="80k earmarked", doc=1,
                     age_days=40)
    signals.append(sig(20, "budget", "status", "none", polarity="against",
                       quote="the budget is on hold", doc=2, age_days=5))
    score = score_lead(facts, signals, MODEL, NOW)
    old = [ln for ln in score.explanation if 1 in ln.evidence and "superseded" in ln.text]
    assert len(old) == 1 and old[0].points == 0 and "#20" in old[0].text
    assert score.dimensions["budget"] < 0
    assert score.stage != "SQL"  # the on-hold budget no longer opens the gate
    assert _sum(score) == score.total
    # The other way round, the approval is the newer word and the lead is an SQL again.
    signals[0] = sig(1, "budget", "status", "earmarked", quote="80k earmarked", doc=3,
                     age_days=1)
    again = score_lead(facts, signals, MODEL, NOW)
    assert any(20 in ln.evidence and "superseded" in ln.text for ln in again.explanation)
    assert again.stage == score_lead(*enterprise_sql(), MODEL, NOW).stage


def test_contradictions_inside_one_conversation_both_stand() -> None:
    facts, signals = enterprise_sql()
    signals.append(sig(20, "budget", "status", "none", polarity="against",
                       quote="well, it is not formally there yet", doc=3))
    score = score_lead(facts, signals, MODEL, NOW)
    assert not any("superseded" in ln.text for ln in score.explanation)
