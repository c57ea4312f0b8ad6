"""How well scores rank leads that later won: AUC, lift, precision at SQL, calibration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from scoring.result import Score

SQL_OR_LATER = ("SQL", "Opportunity")


class OutcomeRow(BaseModel):
    """One validated outcome: did the lead close won or lost, and when."""

    model_config = ConfigDict(frozen=True)

    lead_id: str
    outcome: Literal["won", "lost"]
    date: dt.date


def validate_outcomes(
    rows: Iterable[Mapping[str, str] | OutcomeRow], known: set[str] | None = None
) -> tuple[list[OutcomeRow], list[str]]:
    """Good rows and one problem line per bad row (row numbers count the CSV header as 1)."""
    good: list[OutcomeRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=2):
        if isinstance(row, OutcomeRow):
            lead, outcome, date_text = row.lead_id, row.outcome, row.date.isoformat()
        else:
            lead = (row.get("lead_id") or "").strip()
            outcome = (row.get("outcome") or "").strip().lower()
            date_text = (row.get("date") or "").strip()
        if not lead:
            problems.append(f"row {n}: empty lead_id")
            continue
        if known is not None and lead not in known:
            problems.append(f"row {n}: unknown lead id {lead!r}")
            continue
        if outcome not in ("won", "lost"):
            problems.append(f"row {n}: outcome {outcome!r} is not won or lost")
            continue
        try:
            date = dt.date.fromisoformat(date_text)
        except ValueError:
            problems.append(f"row {n}: bad date {date_text!r} (use YYYY-MM-DD)")
            continue
        if lead in seen:
            problems.append(f"row {n}: duplicate lead id {lead!r} (first at row {seen[lead]})")
            continue
        seen[lead] = n
        good.append(OutcomeRow(lead_id=lead, outcome=outcome, date=date))  # type: ignore[arg-type]
    return good, problems


def auc(scores: np.ndarray, labels: np.ndarray) -> float | None:
    """Probability that a random won lead outranks a random lost one (ties count half)."""
    pos, neg = int(labels.sum()), int(len(labels) - labels.sum())
    if pos == 0 or neg == 0:
        return None
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), dtype=float)
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return float((ranks[labels == 1].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


class DecileLift(BaseModel):
    decile: int
    n: int
    won: int
    rate: float
    lift: float


class CalibrationBin(BaseModel):
    low: int
    high: int
    n: int
    predicted: float
    observed: float


class SegmentReport(BaseModel):
    n: int
    won: int
    auc: float | None
    precision_at_sql: float | None


class BacktestReport(BaseModel):
    """Metrics of one model against known outcomes, plus every row that could not be used."""

    n: int
    won: int
    auc: float | None
    lift_by_decile: list[DecileLift]
    precision_at_sql: float | None
    sql_count: int
    calibration: list[CalibrationBin]
    per_segment: dict[str, SegmentReport]
    problems: list[str] = Field(default_factory=list)
    unlabeled: int = 0


def _precision(stages: list[str], labels: np.ndarray) -> tuple[float | None, int]:
    flagged = np.array([s in SQL_OR_LATER for s in stages], dtype=bool)
    count = int(flagged.sum())
    return (float(labels[flagged].mean()) if count else None), count


def backtest(
    scores: list[Score], outcomes: Iterable[Mapping[str, str] | OutcomeRow]
) -> BacktestReport:
    """Join scores to outcomes by lead id; rows that do not join are listed in `problems`."""
    by_lead = {s.lead: s for s in scores}
    rows, problems = validate_outcomes(outcomes, set(by_lead))
    joined = [(by_lead[r.lead_id], 1 if r.outcome == "won" else 0) for r in rows]
    totals = np.array([s.total for s, _ in joined], dtype=float)
    labels = np.array([y for _, y in joined], dtype=int)
    n, won = len(joined), int(labels.sum()) if joined else 0
    base = won / n if n else 0.0

    lifts: list[DecileLift] = []
    if n:
        order = np.argsort(-totals, kind="mergesort")
        for d, idx in enumerate(np.array_split(order, 10), start=1):
            if len(idx) == 0:
                continue
            k = int(labels[idx].sum())
            rate = k / len(idx)
            lifts.append(
                DecileLift(decile=d, n=len(idx), won=k, rate=rate, lift=rate / base if base else 0)
            )
    calib: list[CalibrationBin] = []
    for low in range(0, 100, 10):
        high = low + 10
        mask = (totals >= low) & ((totals < high) if high < 100 else (totals <= high))
        if mask.any():
            calib.append(
                CalibrationBin(
                    low=low,
                    high=high,
                    n=int(mask.sum()),
                    predicted=float(totals[mask].mean() / 100.0),
                    observed=float(labels[mask].mean()),
                )
            )
    prec, count = _precision([s.stage for s, _ in joined], labels)
    per_segment: dict[str, SegmentReport] = {}
    for seg in sorted({s.segment for s, _ in joined}):
        mask = np.array([s.segment == seg for s, _ in joined], dtype=bool)
        p, _ = _precision([s.stage for s, _ in joined if s.segment == seg], labels[mask])
        per_segment[seg] = SegmentReport(
            n=int(mask.sum()), won=int(labels[mask].sum()), auc=auc(totals[mask], labels[mask]),
            precision_at_sql=p,
        )
    labeled = {r.lead_id for r in rows}
    return BacktestReport(
        n=n,
        won=won,
        auc=auc(totals, labels) if n else None,
        lift_by_decile=lifts,
        precision_at_sql=prec,
        sql_count=count,
        calibration=calib,
        per_segment=per_segment,
        problems=problems,
        unlabeled=len([s for s in scores if s.lead not in labeled]),
    )
