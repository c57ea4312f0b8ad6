"""The event log's hash chain: each event's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """One byte-exact JSON spelling per value, so hashes can be recomputed later."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(
    prev_hash: str,
    *,
    id: int,
    at: str,
    actor: str,
    kind: str,
    lead_id: str | None,
    payload: dict[str, Any],
) -> str:
    """sha256(prev_hash + canonical JSON of the event), hex."""
    body = canonical_json(
        {"id": id, "at": at, "actor": actor, "kind": kind, "lead_id": lead_id, "payload": payload}
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def first_broken(rows: list[dict[str, Any]], last_issued_id: int) -> int | None:
    """The first event id whose content, link or presence does not check out, else None.

    `rows` are the stored events in id order; `last_issued_id` is the highest id ever handed
    out, so that deleting the newest events is caught too. A missing event is reported by
    its (now absent) id.
    """
    prev_hash = GENESIS_HASH
    expected_id = 1
    for row in rows:
        if row["id"] != expected_id:
            return expected_id
        try:
            payload = json.loads(row["payload"])
        except (TypeError, ValueError):
            return int(row["id"])
        recomputed = event_hash(
            prev_hash,
            id=row["id"],
            at=row["at"],
            actor=row["actor"],
            kind=row["kind"],
            lead_id=row["lead_id"],
            payload=payload,
        )
        if row["prev_hash"] != prev_hash or row["hash"] != recomputed:
            return int(row["id"])
        prev_hash = row["hash"]
        expected_id += 1
    if last_issued_id >= expected_id:
        return expected_id
    return None
