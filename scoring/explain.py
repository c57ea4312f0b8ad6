"""Turn float contributions into integer lines that sum exactly to the clamped total."""

from __future__ import annotations

import math

from scoring.result import ExplanationLine
from scoring.segments import RawLine


def allocate(values: list[float], target: int | None = None) -> tuple[list[int], int]:
    """Largest-remainder rounding: integers that sum to `target` (default round(sum(values)));
    ties by position."""
    clean = [round(v, 9) for v in values]
    if target is None:
        target = math.floor(sum(clean) + 0.5 + 1e-9)
    floors = [math.floor(v) for v in clean]
    left = target - sum(floors)
    order = sorted(range(len(clean)), key=lambda i: (-(clean[i] - floors[i]), i))
    if left >= 0:
        for i in order[:left]:
            floors[i] += 1
    else:  # only when target is below the floors: take from the smallest remainders
        for i in order[::-1][: -left]:
            floors[i] -= 1
    return floors, target


def _allocate_by_dimension(raw: list[RawLine]) -> tuple[list[int], int]:
    """Round per dimension first, then the lines inside each dimension, so a dimension's
    lines add up to its own rounded score (never "need 9/6" when need is capped at 6)."""
    dims = list(dict.fromkeys(r[1] for r in raw))
    dim_points, total = allocate([sum(r[0] for r in raw if r[1] == d) for d in dims])
    points = [0] * len(raw)
    for dim, dim_total in zip(dims, dim_points, strict=True):
        idx = [i for i, r in enumerate(raw) if r[1] == dim]
        got, _ = allocate([raw[i][0] for i in idx], dim_total)
        for i, p in zip(idx, got, strict=True):
            points[i] = p
    return points, total


def finish(raw: list[RawLine], scale: int) -> tuple[int, list[ExplanationLine]]:
    """(total, lines): every line's text starts with its integer points; a clamp line if needed."""
    points, total = _allocate_by_dimension(raw)
    lines = [
        ExplanationLine.model_construct(points=p, dimension=dim, text=f"{p:+d} {text}", evidence=ev)
        for p, (_, dim, text, ev) in zip(points, raw, strict=True)
    ]
    if total > scale:
        lines.append(
            ExplanationLine.model_construct(
                points=scale - total,
                dimension="total",
                text=f"{scale - total:+d} clamp: total {total} capped at {scale}",
                evidence=[],
            )
        )
        total = scale
    elif total < 0:
        lines.append(
            ExplanationLine.model_construct(
                points=-total,
                dimension="total",
                text=f"{-total:+d} clamp: total {total} floored at 0",
                evidence=[],
            )
        )
        total = 0
    return total, lines
