"""Declarative, explainable readiness scores: pure functions of signals, facts and a model.

Public API (the CLI wires these; nothing here opens a database or writes files):

Model
- `load_model(path=None) -> ScoringModel`: read and validate a TOML model (default when None).
  Raises `ModelError` ("<file>: <key>: <reason> ...") for unknown keys, weights that do not sum
  as declared, non-positive half-lives, gates naming unknown dimensions, bad TOML.
- `parse_model(text, source="<model>") -> ScoringModel`: the same from text (e.g. a tuned model).
- `default_model() -> ScoringModel`: the shipped scoring/models/default.toml, cached.
- `ScoringModel.version`: short sha256 of the file text; stored in every Score.

Scoring  (`qualify score`, `history`)
- `score_lead(facts: LeadFacts, signals: list[ScoredSignal], model, now: date) -> Score`.
  Deterministic; signal order does not matter. Rejected reviews count zero, confirmed count
  with confidence 1, edited use `edited_value` with confidence 1.
- `Score.to_public_json() -> dict`: lead, segment, total, dimensions, stage, blocking_gate
  ({"stage", "missing", "hints"} or None), route, route_reason, sla_hours, next_action,
  model_version, explanation [{points, dimension, text, evidence}]. The points of the
  explanation lines always sum exactly to `total` (0..100; a clamp line when clipped).
- `inputs_hash(facts, signals, model) -> str`: sha256 for score snapshots (excludes `now`).
- `lead_from_json(obj) -> (LeadFacts, list[ScoredSignal])`, `lead_to_json(...)`,
  `signal_from_public_json(obj, document_id)`: the fixture / export JSON shape.

Model work  (`qualify backtest`, `tune`, `shadow`, `model show/validate`)
- `backtest(scores, outcomes) -> BacktestReport`: outcomes are CSV rows as dicts
  (lead_id, outcome won|lost, date YYYY-MM-DD) or `OutcomeRow`s; AUC, lift by decile,
  precision at SQL (stage SQL or later), calibration bins, per segment; bad or unknown rows
  are listed in `report.problems`, never dropped silently.
- `validate_outcomes(rows, known_ids) -> (list[OutcomeRow], problems)`.
- `feature_rows(scores) -> list[FeatureRow]`; `tune(rows, outcomes, base_model) -> str`:
  candidate model TOML (logistic regression by numpy gradient descent, weights mapped to
  integer points per segment). `in_training_half(lead_id)` gives the held-out split.
- `shadow(leads, model_a, model_b, now) -> list[ShadowChange]`: leads whose stage or route
  changes, with the reasons.

Errors: `ScoringError` (base), `ModelError`, `InputError`; `str(err)` is one line for the user.
"""

from scoring.backtest import BacktestReport, OutcomeRow, backtest, validate_outcomes
from scoring.codec import lead_from_json, lead_to_json, signal_from_public_json
from scoring.engine import score_lead
from scoring.errors import InputError, ModelError, ScoringError
from scoring.inputs import LeadFacts, ScoredSignal, inputs_hash
from scoring.model import (
    ACTIONS,
    ROUTES,
    SCORING_DIMENSIONS,
    STAGES,
    ScoringModel,
    default_model,
    load_model,
    parse_model,
)
from scoring.result import BlockingGate, ExplanationLine, Score
from scoring.shadow import ShadowChange, shadow
from scoring.tune import FeatureRow, feature_rows, in_training_half, tune

__all__ = [
    "ACTIONS",
    "ROUTES",
    "SCORING_DIMENSIONS",
    "STAGES",
    "BacktestReport",
    "BlockingGate",
    "ExplanationLine",
    "FeatureRow",
    "InputError",
    "LeadFacts",
    "ModelError",
    "OutcomeRow",
    "Score",
    "ScoredSignal",
    "ScoringError",
    "ScoringModel",
    "ShadowChange",
    "backtest",
    "default_model",
    "feature_rows",
    "in_training_half",
    "inputs_hash",
    "lead_from_json",
    "lead_to_json",
    "load_model",
    "parse_model",
    "score_lead",
    "shadow",
    "signal_from_public_json",
    "tune",
    "validate_outcomes",
]
