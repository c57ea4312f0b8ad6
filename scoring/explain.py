"""Turn float contributions into integer lines that sum exactly to the clamped total."""

from __future__ import annotations

import math

from scoring.result import ExplanationLine
from scoring.segments import RawLine


def allocate(values: list[float]) -> tuple[list[int], int]:
    """Largest-remainder rounding: integers that sum to round(sum(values)); ties by position."""
    clean = [round(v, 9) for v in values]
    target = math.floor(sum(clean) + 0.5 + 1e-9)
    floors = [math.floor(v) for v in clean]
    left = target - sum(floors)
    order = sorted(range(len(clean)), key=lambda i: (-(clean[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors, target


def finish(raw: list[RawLine], scale: int) -> tuple[int, list[ExplanationLine]]:
    """(total, lines): every line's text starts with its integer points; a clamp line if needed."""
    points, total = allocate([r[0] for r in raw])
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
