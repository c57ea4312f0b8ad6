"""Lead reports for managers: score and explanation, every piece of evidence with its quote and
review status, the stakeholder map and the score history; as Markdown, HTML, JSON or CSV."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from pathlib import Path
from typing import Any

from assistant.audit.errors import AuditError
from assistant.audit.redact import Redactor
from assistant.audit.reviews import latest_override
from assistant.service import Service

FORMATS = ("md", "html", "json", "csv")
STATUS = {"confirm": "confirmed", "reject": "rejected", "edit": "edited"}
CSV_COLUMNS = (
    "lead_id",
    "signal_id",
    "dimension",
    "type",
    "value",
    "polarity",
    "confidence",
    "status",
    "reviewed_by",
    "review_reason",
    "speaker",
    "role",
    "document_id",
    "source",
    "date",
    "start",
    "end",
    "quote",
    "retired",
)


def value_text(value: object) -> str:
    """A signal value in a few words for a report cell: amounts, dates, names."""
    if value is None:
        return ""
    if isinstance(value, dict):
        if value.get("amount") is not None:
            top = f"-{value['max']:,}" if value.get("max") else ""
            per = value.get("period")
            per_text = f"/{per}" if per and per != "one_time" else ""
            return f"{value.get('currency') or ''} {value['amount']:,}{top}{per_text}".strip()
        if "date" in value:
            phrase = value.get("phrase") or ""
            return f"{value['date']} ({phrase})" if value.get("date") else str(phrase)
        return ", ".join(str(v) for v in value.values() if v not in (None, "", [], {}))
    return str(value)


def build_report(
    svc: Service, lead_id: str, *, redact: bool = False, snapshot: bool = True
) -> dict[str, Any]:
    """Everything a manager needs to answer "why this stage, who said so, what changed".

    `snapshot=False` scores without keeping a snapshot (dry runs write nothing).
    """
    lead = svc.require_lead(lead_id)
    score = svc.score(lead_id, snapshot=snapshot)
    docs = {sd.id: sd for sd in svc.store.documents_for_lead(lead_id)}
    latest: dict[int, Any] = {}
    for review in svc.store.reviews_for_lead(lead_id):
        latest[review.signal_id] = review
    evidence = []
    for stored in svc.store.signals_for_lead(lead_id, include_retired=True):
        sig, ev = stored.signal, stored.signal.evidence
        review = latest.get(stored.id)
        doc = docs.get(stored.document_id)
        date = (doc.document.date or doc.created_at.date()) if doc else None
        evidence.append(
            {
                "signal_id": stored.id,
                "dimension": sig.dimension,
                "type": sig.type,
                "value": value_text(
                    review.value if review and review.action == "edit" else sig.value
                ),
                "polarity": sig.polarity,
                "confidence": round(sig.confidence, 2),
                "modifiers": list(sig.modifiers),
                "status": STATUS[review.action] if review else "unreviewed",
                "reviewed_by": review.by if review else None,
                "review_reason": review.reason if review else None,
                "speaker": ev.speaker,
                "role": ev.role,
                "document_id": stored.document_id,
                "source": Path(doc.document.source).name if doc else None,
                "date": date.isoformat() if date else None,
                "start": ev.start,
                "end": ev.end,
                "quote": ev.quote,
                "retired": stored.retired,
            }
        )
    people = [
        {
            "name": p.name,
            "title": p.title,
            "department": p.department,
            "buying_role": p.buying_role,
            "stance": p.stance,
            "present": p.present,
        }
        for p in svc.store.stakeholders(lead_id)
    ]
    history = [
        {
            "at": s.at.isoformat(timespec="seconds"),
            "total": int(s.total),
            "stage": s.stage,
            "model_version": s.model_version,
        }
        for s in svc.store.snapshots(lead_id)
    ]
    report: dict[str, Any] = {
        "lead": {
            "id": lead.id,
            "name": lead.name,
            "company": lead.company,
            "owner": lead.owner,
            "industry": lead.industry,
            "employees": lead.employees,
        },
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "score": score.to_public_json(),
        "stage_override": latest_override(svc, lead_id),
        "evidence": evidence,
        "stakeholders": people,
        "history": history,
        "redacted": redact,
    }
    if redact:
        report = _redact(svc, report, people)
    return report


def _redact(svc: Service, report: dict[str, Any], people: list[dict[str, Any]]) -> dict[str, Any]:
    """Mask emails, phones and names of anyone outside the buying team (the stakeholders)."""
    names: set[str] = set(svc.settings.team_names)
    for sd in svc.store.documents_for_lead(report["lead"]["id"]):
        names |= {p.name for p in sd.document.participants if p.name}
        names |= {u.speaker for u in sd.document.utterances if u.speaker}
    names |= {e["speaker"] for e in report["evidence"] if e["speaker"]}
    names.add(report["lead"].get("owner") or "")
    redactor = Redactor(names, keep=[p["name"] for p in people])
    lead = report["lead"]
    out = redactor.deep({k: v for k, v in report.items() if k not in ("lead", "generated_at")})
    assert isinstance(out, dict)
    return {
        "lead": {**lead, "owner": redactor.text(lead.get("owner"))},
        "generated_at": report["generated_at"],
        **out,
    }


def render(reports: list[dict[str, Any]], fmt: str) -> str:
    """One document for one or many leads in the chosen format."""
    if fmt not in FORMATS:
        raise AuditError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "json":
        payload: Any = reports[0] if len(reports) == 1 else reports
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(reports)
    if fmt == "md":
        return "\n\n".join(_markdown(r) for r in reports) + "\n"
    return _html(reports)


def _csv(reports: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for report in reports:
        for item in report["evidence"]:
            writer.writerow({"lead_id": report["lead"]["id"], **item})
    return buf.getvalue()


def _override_line(report: dict[str, Any]) -> str | None:
    o = report.get("stage_override")
    if not o:
        return None
    who = f" by {o['by']}" if o.get("by") else ""
    why = f": {o['reason']}" if o.get("reason") else ""
    when = f" on {o['at'][:10]}" if o.get("at") else ""
    return f"Stage {o['stage']} is a human override{who}{when}{why}"


def _title(lead: dict[str, Any]) -> str:
    if lead.get("company") and lead["company"] != lead["name"]:
        return f"{lead['company']}: {lead['name']}"
    return str(lead["name"])


def _md_cell(text: object) -> str:
    return str("" if text is None else text).replace("|", "\\|").replace("\n", " ")


def _markdown(r: dict[str, Any]) -> str:
    s, lead = r["score"], r["lead"]
    out = [f"# {_title(lead)} ({lead['id']})", ""]
    out.append(
        f"**Score {s['total']}/100**, stage **{s['stage']}**, segment {s['segment']}, "
        f"route {s['route']}, next action {s['next_action']} (model {s['model_version']})"
    )
    override = _override_line(r)
    if override:
        out += ["", f"> {override}"]
    gate = s.get("blocking_gate")
    if gate:
        out += ["", f"Blocked from {gate['stage']} by: {'; '.join(gate['missing'])}"]
    out += ["", "## Explanation", ""]
    for line in s["explanation"]:
        ids = ", ".join(f"#{i}" for i in line["evidence"])
        out.append(f"- {line['text']}" + (f" [{ids}]" if ids else ""))
    out += [
        "",
        "## Evidence",
        "",
        "| id | signal | value | status | who | quote | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in r["evidence"]:
        status = e["status"] + (f" by {e['reviewed_by']}" if e["reviewed_by"] else "")
        if e["review_reason"]:
            status += f" ({e['review_reason']})"
        if e["retired"]:
            status += ", retired"
        out.append(
            "| "
            + " | ".join(
                _md_cell(x)
                for x in (
                    e["signal_id"],
                    f"{e['dimension']}/{e['type']} {e['polarity']}",
                    e["value"],
                    status,
                    f"{e['speaker'] or '-'} ({e['role']})",
                    f"\u201c{e['quote']}\u201d",
                    f"doc {e['document_id']} {e['source'] or ''} {e['date'] or ''}",
                )
            )
            + " |"
        )
    out += ["", "## Stakeholders", ""]
    if not r["stakeholders"]:
        out.append("none identified yet")
    for p in r["stakeholders"]:
        facts = ", ".join(
            str(x) for x in (p["title"], p["department"], p["buying_role"], p["stance"]) if x
        )
        out.append(
            f"- {p['name']}"
            + (f": {facts}" if facts else "")
            + (" (on a call)" if p["present"] else "")
        )
    out += ["", "## Score history", ""]
    if not r["history"]:
        out.append("no snapshots yet")
    for h in r["history"]:
        out.append(f"- {h['at']}: {h['total']} {h['stage']} (model {h['model_version']})")
    if r.get("redacted"):
        out += ["", "_Redacted: emails, phone numbers and names outside the buying team._"]
    return "\n".join(out)


CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:70rem;
color:#1d2330;line-height:1.45;padding:0 1rem}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #d8dde6;padding-bottom:.2rem;margin-top:2rem}
.headline{font-size:1.15rem}.total{font-size:2rem;font-weight:700}
.note{background:#fff6d6;border-left:4px solid #e0b000;padding:.5rem .8rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid #e5e8ee;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f9}.pos{color:#1a7f37}.neg{color:#b42318}
.status-confirmed{color:#1a7f37;font-weight:600}.status-rejected{color:#b42318;font-weight:600}
.status-edited{color:#8a5a00;font-weight:600}.status-unreviewed{color:#6b7280}
q{font-style:italic}.muted{color:#6b7280}.lead{page-break-after:always}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _html_lead(r: dict[str, Any]) -> str:
    s, lead = r["score"], r["lead"]
    parts = [
        f"<section class='lead' id='{_e(lead['id'])}'>",
        f"<h1>{_e(_title(lead))} <span class='muted'>({_e(lead['id'])})</span></h1>",
        f"<p class='headline'><span class='total'>{s['total']}</span>/100 &middot; "
        f"stage <b>{_e(s['stage'])}</b> &middot; segment {_e(s['segment'])} &middot; "
        f"route {_e(s['route'])} &middot; next action <b>{_e(s['next_action'])}</b> "
        f"<span class='muted'>model {_e(s['model_version'])}</span></p>",
    ]
    override = _override_line(r)
    if override:
        parts.append(f"<p class='note'>{_e(override)}</p>")
    gate = s.get("blocking_gate")
    if gate:
        parts.append(
            f"<p>Blocked from <b>{_e(gate['stage'])}</b> by: {_e('; '.join(gate['missing']))}</p>"
        )
    parts.append("<h2>Explanation</h2><table><tr><th>why</th><th>evidence</th></tr>")
    for line in s["explanation"]:
        cls = "pos" if line["points"] > 0 else "neg" if line["points"] < 0 else "muted"
        ids = " ".join(f"<a href='#signal-{i}'>#{i}</a>" for i in line["evidence"])
        parts.append(f"<tr><td class='{cls}'>{_e(line['text'])}</td><td>{ids}</td></tr>")
    parts.append(
        "</table><h2>Evidence</h2><table><tr><th>id</th><th>signal</th><th>value</th>"
        "<th>review</th><th>who</th><th>quote</th><th>source</th></tr>"
    )
    for e in r["evidence"]:
        review = f"<span class='status-{_e(e['status'])}'>{_e(e['status'])}</span>"
        if e["reviewed_by"]:
            review += f" by {_e(e['reviewed_by'])}"
        if e["review_reason"]:
            review += f"<br><span class='muted'>{_e(e['review_reason'])}</span>"
        if e["retired"]:
            review += "<br><span class='muted'>retired by a re-extraction</span>"
        parts.append(
            f"<tr id='signal-{e['signal_id']}'><td>{e['signal_id']}</td>"
            f"<td>{_e(e['dimension'])}/{_e(e['type'])} {_e(e['polarity'])}"
            f"<br><span class='muted'>confidence {e['confidence']:.2f}</span></td>"
            f"<td>{_e(e['value'])}</td><td>{review}</td>"
            f"<td>{_e(e['speaker'] or '-')} <span class='muted'>({_e(e['role'])})</span></td>"
            f"<td><q>{_e(e['quote'])}</q></td>"
            f"<td>doc {e['document_id']} {_e(e['source'])}<br>"
            f"<span class='muted'>{_e(e['date'])}</span></td></tr>"
        )
    parts.append("</table><h2>Stakeholders</h2>")
    if r["stakeholders"]:
        parts.append(
            "<table><tr><th>name</th><th>title</th><th>department</th>"
            "<th>buying role</th><th>stance</th><th>on a call</th></tr>"
        )
        for p in r["stakeholders"]:
            parts.append(
                "<tr>"
                + "".join(
                    f"<td>{_e(p[k])}</td>"
                    for k in ("name", "title", "department", "buying_role", "stance")
                )
                + f"<td>{'yes' if p['present'] else ''}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p class='muted'>none identified yet</p>")
    parts.append("<h2>Score history</h2>")
    if r["history"]:
        parts.append("<table><tr><th>when</th><th>total</th><th>stage</th><th>model</th></tr>")
        for h in r["history"]:
            parts.append(
                f"<tr><td>{_e(h['at'])}</td><td>{h['total']}</td>"
                f"<td>{_e(h['stage'])}</td><td>{_e(h['model_version'])}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p class='muted'>no snapshots yet</p>")
    if r.get("redacted"):
        parts.append(
            "<p class='muted'>Redacted: emails, phone numbers and names outside the "
            "buying team.</p>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _html(reports: list[dict[str, Any]]) -> str:
    title = _title(reports[0]["lead"]) if len(reports) == 1 else f"{len(reports)} leads"
    body = "\n".join(_html_lead(r) for r in reports)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>qualify report: {_e(title)}</title><style>{CSS}</style></head>"
        f"<body>\n{body}\n<footer class='muted'>generated by qualify at "
        f"{_e(reports[0]['generated_at'] if reports else '')}</footer></body></html>\n"
    )
