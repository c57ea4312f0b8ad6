"""Export a lead to one JSON file and import it back, with a hash chain of the file's own.

The file holds the lead, its documents (with utterances), signals, reviews, score snapshots and
stakeholders, as a list of records; each record's hash covers its content and the previous
hash, and `head` is the last hash. Import refuses another format or schema version and any
broken link, before writing anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from assistant.audit.errors import AuditError
from assistant.service import Service
from assistant.store import LeadRow, Review, Snapshot, Stakeholder
from assistant.store.chain import GENESIS_HASH, canonical_json
from extractors.schema import Document, Signal

FORMAT = "qualify-lead-export"
SCHEMA_VERSION = 1


def _link(prev: str, record: dict[str, Any]) -> str:
    return hashlib.sha256((prev + canonical_json(record)).encode("utf-8")).hexdigest()


def export_lead(svc: Service, lead_id: str) -> dict[str, Any]:
    """The lead and everything recorded about it, as a self-checking JSON object."""
    lead = svc.require_lead(lead_id)
    records: list[dict[str, Any]] = [{"type": "lead", "data": lead.model_dump(mode="json")}]
    docs = svc.store.documents_for_lead(lead_id)
    position = {sd.id: n for n, sd in enumerate(docs)}
    for sd in docs:
        records.append(
            {
                "type": "document",
                "data": {"ref": position[sd.id], "document": sd.document.model_dump(mode="json")},
            }
        )
        for stored in svc.store.signals_for_document(sd.id, include_retired=True):
            records.append(
                {
                    "type": "signal",
                    "data": {
                        "id": stored.id,
                        "document": position[sd.id],
                        "retired": stored.retired,
                        "signal": stored.signal.model_dump(mode="json"),
                    },
                }
            )
    for review in svc.store.reviews_for_lead(lead_id):
        records.append({"type": "review", "data": review.model_dump(mode="json")})
    for snap in svc.store.snapshots(lead_id):
        records.append({"type": "snapshot", "data": snap.model_dump(mode="json")})
    for person in svc.store.stakeholders(lead_id):
        data = person.model_dump(mode="json")
        data["mentions"] = [
            {**m, "document_id": position[m["document_id"]]}
            for m in data["mentions"]
            if m["document_id"] in position
        ]
        records.append({"type": "stakeholder", "data": data})
    prev = GENESIS_HASH
    for record in records:
        record["hash"] = prev = _link(prev, {"type": record["type"], "data": record["data"]})
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "lead_id": lead_id,
        "records": records,
        "head": prev,
    }


def write_export(svc: Service, lead_id: str, out: Path) -> dict[str, Any]:
    """Write the export file (owner-only permissions: it holds conversations) and log it."""
    payload = export_lead(svc, lead_id)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        out.chmod(0o600)
    except OSError as exc:
        raise AuditError(f"cannot write {out}: {exc.strerror}; choose another --out") from exc
    svc.store.append_event(
        "export",
        "cli",
        lead_id,
        {"file": out.name, "head": payload["head"], "records": len(payload["records"])},
    )
    return payload


def read_export(path: Path) -> dict[str, Any]:
    """Load and check an export file: format, schema version and every hash link."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise AuditError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AuditError(f"{path}: not a qualify export (not readable JSON)") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise AuditError(f"{path}: not a qualify lead export (format is not {FORMAT!r})")
    version = payload.get("schema_version")
    if version != SCHEMA_VERSION:
        raise AuditError(
            f"{path}: export schema version {version!r} is not supported (this qualify reads "
            f"version {SCHEMA_VERSION}); export it again with this version"
        )
    records = payload.get("records")
    if not isinstance(records, list) or not records:
        raise AuditError(f"{path}: the export holds no records")
    prev = GENESIS_HASH
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or "type" not in record or "data" not in record:
            raise AuditError(f"{path}: record {number} is malformed")
        expected = _link(prev, {"type": record["type"], "data": record["data"]})
        if record.get("hash") != expected:
            raise AuditError(
                f"{path}: hash chain broken at record {number} ({record['type']}); the file "
                "was edited or damaged: export it again"
            )
        prev = expected
    if payload.get("head") != prev:
        raise AuditError(f"{path}: hash chain broken at the end (records were removed)")
    return payload


def import_lead(
    svc: Service, path: Path, *, as_id: str | None = None, actor: str = "cli"
) -> tuple[str, dict[str, int]]:
    """Check the file fully, then write the lead in one transaction. Returns (id, counts)."""
    payload = read_export(path)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for record in payload["records"]:
        by_type.setdefault(record["type"], []).append(record["data"])
    try:
        lead = LeadRow.model_validate(by_type["lead"][0])
        if as_id:
            lead = LeadRow.model_validate({**lead.model_dump(), "id": as_id})
        docs = sorted(by_type.get("document", []), key=lambda d: d["ref"])
        documents: list[tuple[Document, list[tuple[int, Signal, bool]]]] = [
            (Document.model_validate(d["document"]), []) for d in docs
        ]
        for s in by_type.get("signal", []):
            documents[s["document"]][1].append(
                (int(s["id"]), Signal.model_validate(s["signal"]), bool(s["retired"]))
            )
        reviews = [
            (int(r["signal_id"]), Review.model_validate(r)) for r in by_type.get("review", [])
        ]
        snapshots = [Snapshot.model_validate(s) for s in by_type.get("snapshot", [])]
        people = [Stakeholder.model_validate(p) for p in by_type.get("stakeholder", [])]
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        reason = str(exc).splitlines()[0]
        raise AuditError(f"{path}: the export's content is not valid ({reason})") from exc
    if svc.store.get_lead(lead.id) is not None:
        raise AuditError(
            f"lead {lead.id!r} already exists; import under another id with --as NEW_ID"
        )
    counts = svc.store.import_lead(
        lead,
        documents,
        reviews,
        snapshots,
        people,
        actor=actor,
        source={
            "file": path.name,
            "head": payload["head"],
            "exported_at": payload.get("exported_at"),
        },
    )
    return lead.id, counts
