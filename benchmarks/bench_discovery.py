"""Benchmark the discovery loop: ms from an answer to the new score and the next question.

Run: .venv/bin/python benchmarks/bench_discovery.py [--leads 6] [--repeat 3]
Rules path (QUALIFY_USE_MODEL off): loads the demo into a fresh file database, then for each
demo lead answers a scripted set of questions through `DiscoverySession.answer` (store the
answer document, extract, rescore, snapshot, rank the next question). Also times
`next_questions` (ranking alone). Prints median and p95 per answer; the target is < 300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.discovery import DiscoverySession, next_questions  # noqa: E402
from assistant.service import Service  # noqa: E402
from assistant.settings import Settings  # noqa: E402

TODAY = dt.date(2026, 11, 25)
ANSWERS = [
    "Our dispatchers re-key every order by hand and lose about 15 hours a week to it.",
    "We have a budget of 60k approved for this fiscal year.",
    "Our CFO Dana Whitfield signs the contract.",
    "We need this live by end of next quarter.",
    "Demo booked for next Tuesday with the evaluators.",
    "no idea, honestly",
]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        svc = Service(Settings(db=Path(tmp) / "bench.db", use_model=False), clock=lambda: TODAY)
        t0 = time.perf_counter()
        svc.load_demo()
        print(f"demo loaded in {time.perf_counter() - t0:.1f} s (rules only)")
        leads = [lead.id for lead in svc.store.list_leads()][: args.leads]
        ranking: list[float] = []
        for _ in range(args.repeat):
            for lead in leads:
                t = time.perf_counter()
                next_questions(svc, lead)
                ranking.append((time.perf_counter() - t) * 1000)
        per_answer: list[float] = []
        for rep in range(args.repeat):
            for lead in leads:
                session = DiscoverySession(svc, lead, by="bench")
                session.next_question()
                for text in ANSWERS:
                    t = time.perf_counter()
                    session.answer(f"{text} (run {rep})")
                    per_answer.append((time.perf_counter() - t) * 1000)
        print(
            f"ranking (next_questions): n={len(ranking)} median {statistics.median(ranking):.1f} ms"
            f"  p95 {_pct(ranking, 0.95):.1f} ms"
        )
        print(
            f"answer -> rescore + next question: n={len(per_answer)} "
            f"median {statistics.median(per_answer):.1f} ms  p95 {_pct(per_answer, 0.95):.1f} ms"
            f"  max {max(per_answer):.1f} ms  (target < 300 ms)"
        )
        svc.close()


if __name__ == "__main__":
    main()
