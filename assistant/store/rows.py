"""Conversions between database rows (dicts of SQLite values) and the typed models."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from assistant.store.models import (
    Event,
    LeadRow,
    Review,
    Snapshot,
    Stakeholder,
    StoredSignal,
)
from extractors.schema import Document, Evidence, Participant, Signal, Utterance

LEAD_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "company",
    "segment",
    "employees",
    "revenue",
    "potential_arr",
    "industry",
    "owner",
    "stage",
    "created_at",
    "extra",
)


def to_ts(moment: dt.datetime) -> str:
    """UTC ISO-8601 with microseconds: sorts as text and round-trips exactly."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def from_ts(text: str) -> dt.datetime:
    """Parse what to_ts wrote."""
    return dt.datetime.fromisoformat(text)


def dumps(value: Any) -> str:
    """Compact JSON for a column; sorted keys keep identical values byte-identical."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def lead_to_row(lead: LeadRow, created_at: dt.datetime) -> dict[str, Any]:
    data = lead.model_dump(exclude={"created_at", "extra"})
    return {**data, "created_at": to_ts(created_at), "extra": dumps(lead.extra)}


def lead_from_row(row: dict[str, Any]) -> LeadRow:
    data = {key: row[key] for key in LEAD_FIELDS}
    data["created_at"] = from_ts(row["created_at"])
    data["extra"] = json.loads(row["extra"] or "{}")
    return LeadRow.model_validate(data)


def document_to_row(lead_id: str, document: Document, created_at: dt.datetime) -> dict[str, Any]:
    return {
        "lead_id": lead_id,
        "kind": document.kind,
        "source": document.source,
        "date": document.date.isoformat() if document.date else None,
        "text": document.text,
        "quoted_text": document.quoted_text,
        "participants": dumps([p.model_dump(mode="json") for p in document.participants]),
        "meta": dumps(document.meta),
        "content_hash": document.content_hash,
        "created_at": to_ts(created_at),
    }


def utterance_to_row(document_id: int, utt: Utterance) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "idx": utt.index,
        "speaker": utt.speaker,
        "role": utt.role,
        "start": utt.start,
        "end": utt.end,
        "text": utt.text,
        "timestamp": utt.timestamp,
    }


def document_from_rows(row: dict[str, Any], utterances: list[dict[str, Any]]) -> Document:
    return Document(
        kind=row["kind"],
        source=row["source"],
        date=dt.date.fromisoformat(row["date"]) if row["date"] else None,
        participants=tuple(Participant.model_validate(p) for p in json.loads(row["participants"])),
        text=row["text"],
        utterances=tuple(
            Utterance(
                index=u["idx"],
                speaker=u["speaker"],
                role=u["role"],
                start=u["start"],
                end=u["end"],
                text=u["text"],
                timestamp=u["timestamp"],
            )
            for u in utterances
        ),
        quoted_text=row["quoted_text"],
        meta=json.loads(row["meta"]),
    )


def signal_to_row(
    signal: Signal, *, document_id: int, lead_id: str, run_id: str | None, created_at: str
) -> dict[str, Any]:
    ev = signal.evidence
    return {
        "document_id": document_id,
        "lead_id": lead_id,
        "dimension": signal.dimension,
        "type": signal.type,
        "value": dumps(signal.value),
        "polarity": signal.polarity,
        "confidence": signal.confidence,
        "modifiers": dumps(list(signal.modifiers)),
        "start": ev.start,
        "end": ev.end,
        "speaker": ev.speaker,
        "role": ev.role,
        "quote": ev.quote,
        "extractor": ev.extractor,
        "extractor_version": ev.extractor_version,
        "reasons": dumps(list(ev.reasons)),
        "run_id": run_id,
        "created_at": created_at,
    }


def signal_from_row(row: dict[str, Any]) -> StoredSignal:
    evidence = Evidence(
        document_id=row["document_id"],
        start=row["start"],
        end=row["end"],
        speaker=row["speaker"],
        role=row["role"],
        quote=row["quote"],
        extractor=row["extractor"],
        extractor_version=row["extractor_version"],
        reasons=tuple(json.loads(row["reasons"])),
    )
    signal = Signal(
        dimension=row["dimension"],
        type=row["type"],
        value=json.loads(row["value"]),
        polarity=row["polarity"],
        confidence=row["confidence"],
        modifiers=tuple(json.loads(row["modifiers"])),
        evidence=evidence,
    )
    return StoredSignal(
        id=row["id"],
        lead_id=row["lead_id"],
        document_id=row["document_id"],
        signal=signal,
        created_at=from_ts(row["created_at"]),
        run_id=row["run_id"],
        retired=row.get("retired_at") is not None,
    )


def review_from_row(row: dict[str, Any]) -> Review:
    return Review(
        id=row["id"],
        signal_id=row["signal_id"],
        action=row["action"],
        value=json.loads(row["value"]) if row["value"] is not None else None,
        reason=row["reason"],
        by=row["by"],
        at=from_ts(row["at"]),
    )


def snapshot_from_row(row: dict[str, Any]) -> Snapshot:
    return Snapshot(
        id=row["id"],
        lead_id=row["lead_id"],
        at=from_ts(row["at"]),
        total=row["total"],
        stage=row["stage"],
        model_version=row["model_version"],
        inputs_hash=row["inputs_hash"],
        score=json.loads(row["score"]),
    )


def stakeholder_to_row(lead_id: str, person: Stakeholder) -> dict[str, Any]:
    return {
        "lead_id": lead_id,
        "key": person.key,
        "name": person.name,
        "title": person.title,
        "department": person.department,
        "buying_role": person.buying_role,
        "stance": person.stance,
        "present": int(person.present),
        "mentions": dumps([m.model_dump() for m in person.mentions]),
    }


def stakeholder_from_row(row: dict[str, Any]) -> Stakeholder:
    return Stakeholder(
        key=row["key"],
        name=row["name"],
        title=row["title"],
        department=row["department"],
        buying_role=row["buying_role"],
        stance=row["stance"],
        present=bool(row["present"]),
        mentions=tuple(json.loads(row["mentions"])),
    )


def merge_stakeholder(old: Stakeholder, new: Stakeholder) -> Stakeholder:
    """Newer facts win, unknowns keep what we knew, presence sticks, mentions accumulate."""
    seen = {(m.document_id, m.start, m.end) for m in old.mentions}
    mentions = list(old.mentions)
    for mention in new.mentions:
        if (mention.document_id, mention.start, mention.end) not in seen:
            seen.add((mention.document_id, mention.start, mention.end))
            mentions.append(mention)
    return Stakeholder(
        key=old.key,
        name=new.name or old.name,
        title=new.title if new.title is not None else old.title,
        department=new.department if new.department is not None else old.department,
        buying_role=new.buying_role if new.buying_role is not None else old.buying_role,
        stance=new.stance if new.stance is not None else old.stance,
        present=old.present or new.present,
        mentions=tuple(mentions),
    )


def event_from_row(row: dict[str, Any]) -> Event:
    return Event(
        id=row["id"],
        at=from_ts(row["at"]),
        actor=row["actor"],
        kind=row["kind"],
        lead_id=row["lead_id"],
        payload=json.loads(row["payload"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )
