"""Backtest metrics on tiny known examples, tuning on the fixture, and shadow scoring."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from test_scoring_helpers import NOW, enterprise_planned, enterprise_sql  # noqa: E402

from scoring import (  # noqa: E402
    InputError,
    Score,
    backtest,
    default_model,
    feature_rows,
    in_training_half,
    lead_from_json,
    lead_to_json,
    parse_model,
    score_lead,
    shadow,
    tune,
)
from scoring.backtest import auc  # noqa: E402

FIXTURE = Path(__file__).parents[1] / "fixtures" / "outcomes"


def _score(lead: str, total: int, segment: str = "smb", stage: str = "IQL") -> Score:
    return Score(lead=lead, segment=segment, total=total, dimensions={}, stage=stage,
                 blocking_gate=None, route="sdr", next_action="discovery_call",
                 model_version="t", explanation=[])


def _rows(*items: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"lead_id": a, "outcome": b, "date": c} for a, b, c in items]


def test_auc_known_values() -> None:
    assert auc(np.array([4.0, 3, 2, 1]), np.array([1, 1, 0, 0])) == 1.0
    assert auc(np.array([1.0, 2, 3, 4]), np.array([1, 1, 0, 0])) == 0.0
    assert auc(np.array([5.0, 5, 5, 5]), np.array([1, 0, 1, 0])) == 0.5
    assert auc(np.array([1.0, 2]), np.array([1, 1])) is None


def test_backtest_perfect_ranking_and_precision() -> None:
    scores = [_score(f"l{i}", 10 * i, stage="SQL" if i >= 8 else "MQL") for i in range(10)]
    outcomes = _rows(*[(f"l{i}", "won" if i >= 5 else "lost", "2026-05-01") for i in range(10)])
    report = backtest(scores, outcomes)
    assert report.auc == 1.0
    assert report.precision_at_sql == 1.0 and report.sql_count == 2
    assert report.lift_by_decile[0].lift == pytest.approx(2.0)  # top decile all won, base 50 %
    assert report.lift_by_decile[-1].rate == 0.0
    assert sum(b.n for b in report.calibration) == 10
    assert report.per_segment["smb"].n == 10
    assert report.problems == []


def test_backtest_reports_bad_rows_instead_of_dropping_them() -> None:
    scores = [_score("a", 90), _score("b", 10)]
    outcomes = _rows(("a", "won", "2026-05-01"), ("b", "lost", "2026-13-01"),
                     ("ghost", "won", "2026-05-01"), ("a", "won", "2026-05-02"),
                     ("b", "maybe", "2026-05-01"))
    report = backtest(scores, outcomes)
    assert report.n == 1 and report.unlabeled == 1
    assert report.problems == [
        "row 3: bad date '2026-13-01' (use YYYY-MM-DD)",
        "row 4: unknown lead id 'ghost'",
        "row 5: duplicate lead id 'a' (first at row 2)",
        "row 6: outcome 'maybe' is not won or lost",
    ]


def _fixture() -> tuple[list, list[dict[str, str]]]:
    with (FIXTURE / "leads.jsonl").open(encoding="utf-8") as fh:
        leads = [lead_from_json(json.loads(line)) for line in fh]
    with (FIXTURE / "outcomes.csv").open(encoding="utf-8", newline="") as fh:
        outcomes = list(csv.DictReader(fh))
    return leads, outcomes


def test_fixture_is_big_enough_and_round_trips() -> None:
    leads, outcomes = _fixture()
    assert len(leads) >= 200 and len(outcomes) == len(leads)
    facts, signals = leads[0]
    assert lead_from_json(lead_to_json(facts, signals)) == (facts, signals)


def test_tuned_model_beats_default_on_held_out_half() -> None:
    leads, outcomes = _fixture()
    model = default_model()
    as_of = NOW
    scores = [score_lead(f, s, model, as_of) for f, s in leads]
    train = [s for s in scores if in_training_half(s.lead)]
    held = {s.lead for s in scores if not in_training_half(s.lead)}
    text = tune(feature_rows(train), [o for o in outcomes if in_training_half(o["lead_id"])],
                model)
    tuned = parse_model(text, source="<tuned>")
    for seg in tuned.segments.values():
        assert sum(seg.weights.values()) == seg.engagement
    held_out = [o for o in outcomes if o["lead_id"] in held]
    before = backtest([s for s in scores if s.lead in held], held_out).auc
    after = backtest([score_lead(f, s, tuned, as_of) for f, s in leads if f.id in held],
                     held_out).auc
    assert after > before + 0.03


def test_tune_refuses_too_few_outcomes() -> None:
    with pytest.raises(InputError, match="at least 20"):
        tune(feature_rows([_score("a", 1)]), _rows(("a", "won", "2026-01-01")), default_model())


def test_shadow_lists_leads_whose_stage_or_route_changes() -> None:
    model = default_model()
    text = (Path(__file__).parents[1] / "scoring" / "models" / "default.toml").read_text()
    stricter = parse_model(text.replace("min_score = 60", "min_score = 90"), source="<b>")
    leads = [enterprise_sql(), enterprise_planned()]
    changes = shadow(leads, model, stricter, NOW)
    assert [c.lead for c in changes] == ["acme"]
    change = changes[0]
    assert (change.stage_a, change.stage_b) == ("SQL", "SAL")
    assert (change.route_a, change.route_b) == ("ae", "sdr")
    assert any("score >= 90" in why for why in change.why)
    assert shadow(leads, model, model, NOW) == []


def test_shadow_with_min_delta_also_lists_score_moves() -> None:
    model = default_model()
    text = (Path(__file__).parents[1] / "scoring" / "models" / "default.toml").read_text()
    # Budget weighs more, timeline less: the same evidence gives other points, same stages.
    heavier = parse_model(
        text.replace("[segments.enterprise.weights]\nbudget = 12\nauthority = 10\ntimeline = 8",
                     "[segments.enterprise.weights]\nbudget = 18\nauthority = 10\ntimeline = 2"),
        source="<b>",
    )
    assert heavier.segments["enterprise"].weights["budget"] == 18
    leads = [enterprise_sql(), enterprise_planned()]
    moved = shadow(leads, model, heavier, NOW, min_delta=1)
    assert moved, "a 6-point weight shift must move some enterprise score"
    for change in moved:
        assert change.total_a != change.total_b or change.moves_stage_or_route
        assert any(why.startswith("total ") for why in change.why)
    assert shadow(leads, model, heavier, NOW, min_delta=100) == shadow(leads, model, heavier, NOW)


def test_no_dimension_shows_more_than_its_weight_and_lines_add_up() -> None:
    """On all 320 fixture leads: a capped dimension never reads "9/6" after rounding, and the
    lines of each dimension add up to that dimension's score."""
    leads, _ = _fixture()
    model = default_model()
    for facts, signals in leads:
        score = score_lead(facts, signals, model, NOW)
        weights = model.segments[score.segment].weights
        for dim, weight in weights.items():
            assert score.dimensions[dim] <= weight, (facts.id, dim, score.dimensions[dim])
            lines = sum(ln.points for ln in score.explanation if ln.dimension == dim)
            assert lines == score.dimensions[dim]
        assert sum(ln.points for ln in score.explanation) == score.total
