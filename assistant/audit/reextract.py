"""Re-extraction: run the current extractors over stored documents and show what changed.

A signal is "the same" when dimension, type, span and extractor match (the store's rule), so it
keeps its id and its reviews. A reviewed signal the new run no longer finds is retired (kept
with its reviews); when a new signal of the same dimension overlaps its span, the latest review
is carried over to it, so no human decision is lost or silently dropped.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from assistant.service import Service
from assistant.store import StoredSignal
from extractors.schema import Signal


def _key(dimension: str, type_: str, start: int, end: int, extractor: str) -> tuple:
    return (dimension, type_, start, end, extractor)


def _stored_key(s: StoredSignal) -> tuple:
    ev = s.signal.evidence
    return _key(s.signal.dimension, s.signal.type, ev.start, ev.end, ev.extractor)


def _new_key(s: Signal) -> tuple:
    ev = s.evidence
    return _key(s.dimension, s.type, ev.start, ev.end, ev.extractor)


def _brief(s: Signal) -> dict[str, Any]:
    return {
        "dimension": s.dimension,
        "type": s.type,
        "value": s.value,
        "polarity": s.polarity,
        "confidence": round(s.confidence, 2),
        "modifiers": list(s.modifiers),
        "quote": s.evidence.quote,
        "start": s.evidence.start,
        "end": s.evidence.end,
    }


class DocumentDiff(BaseModel):
    """What a re-extraction changes in one document."""

    lead_id: str
    document_id: int
    source: str
    added: list[dict[str, Any]] = Field(default_factory=list)
    removed: list[dict[str, Any]] = Field(default_factory=list)
    changed: list[dict[str, Any]] = Field(default_factory=list)
    kept: int = 0
    retired: int = 0
    reviews_moved: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_document(
    stored: list[StoredSignal], new: list[Signal], reviewed: set[int]
) -> tuple[list, list, list, int]:
    """(added, removed, changed, unchanged) between stored and newly extracted signals."""
    old_by_key: dict[tuple, list[StoredSignal]] = {}
    for s in stored:
        old_by_key.setdefault(_stored_key(s), []).append(s)
    added, changed, same = [], [], 0
    for sig in new:
        matches = old_by_key.get(_new_key(sig))
        if not matches:
            added.append(_brief(sig))
            continue
        old = matches.pop(0)
        before, after = _brief(old.signal), _brief(sig)
        fields = [
            k for k in ("value", "polarity", "confidence", "modifiers") if before[k] != after[k]
        ]
        if fields:
            changed.append(
                {
                    "signal_id": old.id,
                    "fields": fields,
                    "before": {k: before[k] for k in fields},
                    "after": {k: after[k] for k in fields},
                    "quote": after["quote"],
                    "dimension": sig.dimension,
                    "type": sig.type,
                }
            )
        else:
            same += 1
    removed = [
        {"signal_id": s.id, "reviewed": s.id in reviewed, **_brief(s.signal)}
        for group in old_by_key.values()
        for s in group
    ]
    return added, removed, changed, same


def reextract(
    svc: Service, lead_id: str | None = None, *, dry_run: bool = False, actor: str = "cli"
) -> list[DocumentDiff]:
    """Diff (and unless dry_run, apply) the current extractors on stored documents."""
    leads = [svc.require_lead(lead_id)] if lead_id else svc.store.list_leads()
    out: list[DocumentDiff] = []
    for lead in leads:
        reviews = svc.store.reviews_for_lead(lead.id)
        reviewed = {r.signal_id for r in reviews}
        touched = False
        for sd in svc.store.documents_for_lead(lead.id):
            stored = svc.store.signals_for_document(sd.id)
            new = svc.extract(sd.document)
            added, removed, changed, same = diff_document(stored, new, reviewed)
            diff = DocumentDiff(
                lead_id=lead.id,
                document_id=sd.id,
                source=sd.document.source,
                added=added,
                removed=removed,
                changed=changed,
                kept=same + len(changed),
            )
            if not dry_run and not diff.empty:
                counts = svc.store.replace_signals(sd.id, new, uuid.uuid4().hex, actor=actor)
                diff.retired = counts["retired"]
                diff.reviews_moved = _carry_reviews(svc, sd.id, removed, reviews, actor)
                touched = True
            out.append(diff)
        if touched:
            svc.refresh_stakeholders(lead.id)
    return out


def _carry_reviews(
    svc: Service, document_id: int, removed: list[dict[str, Any]], reviews: list, actor: str
) -> list[dict[str, Any]]:
    """Copy the latest review of each retired signal onto an overlapping new signal."""
    latest = {r.signal_id: r for r in reviews}
    current = svc.store.signals_for_document(document_id)
    already = (
        {r.signal_id for r in svc.store.reviews_for_lead(current[0].lead_id)} if current else set()
    )
    moved = []
    for gone in removed:
        review = latest.get(gone["signal_id"])
        if review is None:
            continue
        candidates = [
            s
            for s in current
            if s.signal.dimension == gone["dimension"]
            and s.id not in already
            and s.signal.evidence.start < gone["end"]
            and gone["start"] < s.signal.evidence.end
        ]
        if not candidates:
            continue
        target = min(
            candidates,
            key=lambda s: (
                abs(s.signal.evidence.start - gone["start"])
                + abs(s.signal.evidence.end - gone["end"])
            ),
        )
        reason = f"carried over from signal {gone['signal_id']} by re-extraction"
        if review.reason:
            reason += f": {review.reason}"
        value = review.value if review.action == "edit" else None
        svc.store.add_review(target.id, review.action, value=value, reason=reason, by=review.by)
        already.add(target.id)
        moved.append({"from": gone["signal_id"], "to": target.id, "action": review.action})
    return moved
