"""Scoring benchmarks and the fixture backtest. Run: .venv/bin/python benchmarks/bench_scoring.py

Prints: ms to rescore one lead after a new signal (target < 5 ms), seconds to score 10,000
leads x 30 signals on one core (target < 10 s), and default vs tuned AUC on the held-out half
of fixtures/outcomes (the tuned model must win).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.schema import Evidence, Signal  # noqa: E402
from scoring import (  # noqa: E402
    LeadFacts,
    ScoredSignal,
    backtest,
    default_model,
    feature_rows,
    in_training_half,
    lead_from_json,
    parse_model,
    score_lead,
    tune,
)

NOW = dt.date(2026, 4, 1)
KINDS = [
    ("budget", "status", "approved", "for"),
    ("budget", "amount", {"amount": 80000, "currency": "USD", "period": "year"}, "for"),
    ("authority", "economic_buyer", "economic_buyer", "for"),
    ("timeline", "target_date", {"date": "2026-06-30", "phrase": "end of Q2"}, "for"),
    ("security", "requirement", "SOC 2 Type II", "for"),
    ("security", "requirement", "SSO", "for"),
    ("stakeholder", "person", {"name": "Dana Ortiz", "title": "CFO"}, "for"),
    ("need", "pain", None, "for"),
    ("need", "no_need", None, "against"),
    ("competition", "chosen", {"name": "Gong"}, "against"),
    ("next_step", "meeting", {"date": "2026-04-08"}, "for"),
]


def make_lead(rng: random.Random, i: int, n_signals: int) -> tuple[LeadFacts, list[ScoredSignal]]:
    """A synthetic lead with `n_signals` random signals."""
    facts = LeadFacts(
        id=f"b{i}", employees=rng.randint(5, 5000), industry="software",
        potential_arr=rng.randint(5, 300) * 1000,
    )
    signals = []
    for j in range(n_signals):
        dim, type_, value, pol = rng.choice(KINDS)
        quote = f"quote {j}"
        signals.append(
            ScoredSignal(
                signal_id=i * 100 + j, document_id=i, document_date=NOW - dt.timedelta(days=j * 3),
                signal=Signal(
                    dimension=dim, type=type_, value=value, polarity=pol,
                    confidence=rng.uniform(0.5, 1.0),
                    evidence=Evidence(start=0, end=len(quote), quote=quote, extractor="bench",
                                      extractor_version="1"),
                ),
            )
        )
    return facts, signals


def main() -> None:
    model = default_model()
    rng = random.Random(7)
    facts, signals = make_lead(rng, 1, 30)
    runs = 300
    start = time.perf_counter()
    for _ in range(runs):
        score_lead(facts, signals, model, NOW)
    rescore_ms = (time.perf_counter() - start) / runs * 1000
    print(f"rescore one lead (31 signals): {rescore_ms:.2f} ms   (target < 5 ms)")

    leads = [make_lead(rng, i, 30) for i in range(10_000)]
    start = time.perf_counter()
    for f, s in leads:
        score_lead(f, s, model, NOW)
    bulk = time.perf_counter() - start
    print(f"10,000 leads x 30 signals: {bulk:.2f} s   (target < 10 s)")

    fixture = ROOT / "fixtures" / "outcomes"
    as_of = dt.date.fromisoformat(json.loads((fixture / "meta.json").read_text())["as_of"])
    with (fixture / "leads.jsonl").open(encoding="utf-8") as fh:
        data = [lead_from_json(json.loads(line)) for line in fh]
    with (fixture / "outcomes.csv").open(encoding="utf-8", newline="") as fh:
        outcomes = list(csv.DictReader(fh))
    scores = [score_lead(f, s, model, as_of) for f, s in data]
    train = [s for s in scores if in_training_half(s.lead)]
    held = {s.lead for s in scores if not in_training_half(s.lead)}
    out_train = [o for o in outcomes if in_training_half(o["lead_id"])]
    out_held = [o for o in outcomes if o["lead_id"] in held]
    tuned = parse_model(tune(feature_rows(train), out_train, model), source="<tuned>")
    default_auc = backtest([s for s in scores if s.lead in held], out_held).auc
    tuned_scores = [score_lead(f, s, tuned, as_of) for f, s in data if f.id in held]
    tuned_auc = backtest(tuned_scores, out_held).auc
    full = backtest(scores, outcomes)
    print(f"fixture: {len(data)} leads, {full.won} won; default AUC (all) {full.auc:.3f}, "
          f"precision at SQL {full.precision_at_sql} ({full.sql_count} SQL+)")
    print(f"held-out half ({len(held)} leads): default AUC {default_auc:.3f}  "
          f"tuned AUC {tuned_auc:.3f}  ({'tuned wins' if tuned_auc > default_auc else 'NO GAIN'})")


if __name__ == "__main__":
    main()
