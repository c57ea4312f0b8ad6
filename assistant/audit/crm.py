"""CRM hand-off: BANT and MEDDPICC fields, stage, score and next step, each with a link back to
its evidence (signal ids, `qualify explain N`), in the column layout of the target's import.

Only confirmed (or edited) evidence, or unreviewed evidence at high confidence, goes out unless
`include_unreviewed`; rejected evidence never does. The last export per target is kept in the
data dir, so a dry run can show the patch against it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from assistant.audit.errors import AuditError
from assistant.service import Service

TARGETS = ("hubspot", "salesforce", "csv")
HIGH_CONFIDENCE = 0.8
FIELDS = (
    "bant_budget",
    "bant_authority",
    "bant_need",
    "bant_timeline",
    "meddpicc_metrics",
    "meddpicc_economic_buyer",
    "meddpicc_decision_criteria",
    "meddpicc_decision_process",
    "meddpicc_paper_process",
    "meddpicc_identify_pain",
    "meddpicc_champion",
    "meddpicc_competition",
)
# Which evidence fills which field: (dimension, types or None for any).
FIELD_RULES: dict[str, list[tuple[str, tuple[str, ...] | None]]] = {
    "bant_budget": [("budget", None)],
    "bant_authority": [("authority", None)],
    "bant_need": [("need", None)],
    "bant_timeline": [("timeline", None)],
    "meddpicc_metrics": [],  # quantified need: filled by _is_metric
    "meddpicc_economic_buyer": [("authority", ("economic_buyer", "decision_maker"))],
    "meddpicc_decision_criteria": [("security", ("requirement",))],
    "meddpicc_decision_process": [
        ("authority", ("committee", "approval_chain")),
        ("timeline", ("target_date",)),
    ],
    "meddpicc_paper_process": [
        ("authority", ("procurement",)),
        ("security", ("process", "procurement")),
    ],
    "meddpicc_identify_pain": [("need", ("pain", "current_workflow", "urgency"))],
    "meddpicc_champion": [],  # stakeholders with buying_role champion
    "meddpicc_competition": [("competition", None)],
}
HUBSPOT_LIFECYCLE = {
    "IQL": "lead",
    "MQL": "marketingqualifiedlead",
    "SAL": "salesqualifiedlead",
    "SQL": "salesqualifiedlead",
    "Opportunity": "opportunity",
}
SALESFORCE_STATUS = {
    "IQL": "Open - Not Contacted",
    "MQL": "Open - Not Contacted",
    "SAL": "Working - Contacted",
    "SQL": "Working - Contacted",
    "Opportunity": "Closed - Converted",
}
SALESFORCE_NAMES = {
    "bant_budget": "BANT_Budget__c",
    "bant_authority": "BANT_Authority__c",
    "bant_need": "BANT_Need__c",
    "bant_timeline": "BANT_Timeline__c",
    "meddpicc_metrics": "MEDDPICC_Metrics__c",
    "meddpicc_economic_buyer": "MEDDPICC_Economic_Buyer__c",
    "meddpicc_decision_criteria": "MEDDPICC_Decision_Criteria__c",
    "meddpicc_decision_process": "MEDDPICC_Decision_Process__c",
    "meddpicc_paper_process": "MEDDPICC_Paper_Process__c",
    "meddpicc_identify_pain": "MEDDPICC_Identify_Pain__c",
    "meddpicc_champion": "MEDDPICC_Champion__c",
    "meddpicc_competition": "MEDDPICC_Competition__c",
}


def _is_metric(item: dict[str, Any]) -> bool:
    return item["dimension"] == "need" and any(c.isdigit() for c in item["quote"])


def eligible(item: dict[str, Any], include_unreviewed: bool) -> bool:
    """Confirmed or edited always; unreviewed only at high confidence (or when asked)."""
    if item["retired"] or item["status"] == "rejected":
        return False
    if item["status"] in ("confirmed", "edited"):
        return True
    return include_unreviewed or item["confidence"] >= HIGH_CONFIDENCE


def _cell(items: list[dict[str, Any]]) -> str:
    """Readable field text; the same statement said twice lists both signal ids."""
    grouped: dict[str, list[int]] = {}
    for it in items:
        kind = it["type"].replace("_", " ")
        value = str(it["value"] or "")
        text = (
            value
            if value and value.replace(" ", "_") != it["type"]
            else f"\u201c{it['quote']}\u201d"
        )
        against = (
            " (against)" if it["polarity"] == "against" and not it["type"].startswith("no_") else ""
        )
        grouped.setdefault(f"{kind}{against}: {text}", []).append(it["signal_id"])
    return "; ".join(f"{text} [{', '.join(f'#{i}' for i in ids)}]" for text, ids in grouped.items())


def qualification(
    svc: Service, lead_id: str, *, include_unreviewed: bool = False, snapshot: bool = True
) -> dict:
    """The target-neutral record: fields, stage, score, next step and evidence ids."""
    from assistant.audit.report import build_report

    report = build_report(svc, lead_id, snapshot=snapshot)
    items = [e for e in report["evidence"] if eligible(e, include_unreviewed)]
    record: dict[str, Any] = {}
    used: set[int] = set()
    for name in FIELDS:
        chosen = []
        for it in items:
            rules = FIELD_RULES[name]
            hit = any(
                it["dimension"] == dim and (types is None or it["type"] in types)
                for dim, types in rules
            )
            if name == "meddpicc_metrics":
                hit = _is_metric(it)
            if name == "meddpicc_champion":
                hit = it["dimension"] == "stakeholder" and "champion" in str(it["value"])
            if hit:
                chosen.append(it)
        record[name] = _cell(chosen)
        used |= {it["signal_id"] for it in chosen}
    steps = [it for it in items if it["dimension"] == "next_step"]
    score = report["score"]
    record["next_step"] = _cell(steps[-1:]) if steps else score["next_action"].replace("_", " ")
    ids = sorted(used | {it["signal_id"] for it in steps[-1:]})
    record.update(
        {
            "lead_id": lead_id,
            "name": report["lead"]["name"],
            "company": report["lead"]["company"] or report["lead"]["name"],
            "employees": report["lead"]["employees"],
            "industry": report["lead"]["industry"],
            "stage": score["stage"],
            "score": score["total"],
            "evidence_ids": " ".join(str(i) for i in ids),
            "evidence_link": (
                f"signals {', '.join(str(i) for i in ids)} (`qualify explain ID` shows each)"
                if ids
                else ""
            ),
        }
    )
    return record


def layout(record: dict[str, Any], target: str) -> dict[str, Any]:
    """The record as columns of the target's import file."""
    if target == "hubspot":
        # HubSpot company import: property internal names as headers; qualify_* are custom.
        return {
            "name": record["company"],
            "numberofemployees": record["employees"] or "",
            "industry": record["industry"] or "",
            "lifecyclestage": HUBSPOT_LIFECYCLE.get(record["stage"], "lead"),
            "qualify_lead_id": record["lead_id"],
            "qualify_stage": record["stage"],
            "qualify_score": record["score"],
            **{f"qualify_{f}": record[f] for f in FIELDS},
            "qualify_next_step": record["next_step"],
            "qualify_evidence": record["evidence_link"],
        }
    if target == "salesforce":
        # Salesforce Lead: standard fields plus __c custom fields (Data Import Wizard headers).
        return {
            "Company": record["company"],
            "LastName": record["name"],
            "NumberOfEmployees": record["employees"] or "",
            "Industry": record["industry"] or "",
            "Status": SALESFORCE_STATUS.get(record["stage"], "Open - Not Contacted"),
            "Qualify_Lead_Id__c": record["lead_id"],
            "Qualify_Stage__c": record["stage"],
            "Qualify_Score__c": record["score"],
            **{SALESFORCE_NAMES[f]: record[f] for f in FIELDS},
            "Next_Step__c": record["next_step"],
            "Qualify_Evidence__c": record["evidence_link"],
        }
    if target == "csv":
        keys = ("lead_id", "company", "stage", "score", *FIELDS, "next_step", "evidence_ids")
        return {k: record[k] for k in keys}
    raise AuditError(f"unknown CRM target {target!r}; use one of {', '.join(TARGETS)}")


def _id_column(target: str) -> str:
    return {"hubspot": "qualify_lead_id", "salesforce": "Qualify_Lead_Id__c"}.get(target, "lead_id")


def last_path(svc: Service, target: str) -> Path:
    return Path(svc.settings.data_dir) / "crm" / f"last-{target}.json"


def load_last(svc: Service, target: str) -> dict[str, dict[str, Any]]:
    path = last_path(svc, target)
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AuditError(f"{path}: unreadable previous export; delete it to start over") from exc


def patch(
    previous: dict[str, dict[str, Any]], rows: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per lead and field: what an import of `rows` would change against the last export."""
    changes = []
    for lead_id, row in rows.items():
        old = previous.get(lead_id)
        for column, value in row.items():
            before = None if old is None else old.get(column)
            if before != value:
                changes.append(
                    {
                        "lead": lead_id,
                        "field": column,
                        "before": before,
                        "after": value,
                        "new_lead": old is None,
                    }
                )
    return changes


def export(
    svc: Service,
    lead_ids: list[str],
    target: str,
    *,
    dry_run: bool = False,
    include_unreviewed: bool = False,
    out: Path | None = None,
    actor: str = "cli",
) -> tuple[Path | None, list[dict[str, Any]]]:
    """Build the rows, diff them against the last export, and (unless dry_run) write them."""
    if target not in TARGETS:
        raise AuditError(f"unknown CRM target {target!r}; use one of {', '.join(TARGETS)}")
    rows = {
        lead: layout(
            qualification(svc, lead, include_unreviewed=include_unreviewed, snapshot=not dry_run),
            target,
        )
        for lead in lead_ids
    }
    previous = load_last(svc, target)
    changes = patch(previous, rows)
    if dry_run:
        return None, changes
    folder = out or Path.cwd()
    path = folder / f"qualify-{target}.csv"
    buf = io.StringIO()
    first = next(iter(rows.values()))
    writer = csv.DictWriter(buf, fieldnames=list(first), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows.values())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(buf.getvalue(), encoding="utf-8")
        keep = last_path(svc, target)
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.write_text(
            json.dumps({**previous, **rows}, indent=1, ensure_ascii=False, default=str),
            encoding="utf-8",
        )
    except OSError as exc:
        raise AuditError(f"cannot write the export: {exc.strerror}; choose another --out") from exc
    for lead in lead_ids:
        svc.store.append_event(
            "crm_export",
            actor,
            lead,
            {
                "target": target,
                "file": path.name,
                "fields": sorted(c["field"] for c in changes if c["lead"] == lead),
                "include_unreviewed": include_unreviewed,
            },
        )
    return path, changes
