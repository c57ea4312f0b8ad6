"""Read models for screens (pipeline rows, a lead's page, audit rows, paste previews) and the
few actions screens take (review a signal, save a preview).

They live here, not in `tui/`, so that the terminal UI holds no logic and no SQL: every
function takes a `Service` first and goes through `svc.store` / `svc.score`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from assistant.service import IngestResult, Service
from assistant.store import LeadRow, Review, Snapshot, Stakeholder
from assistant.store.models import REVIEW_ACTIONS
from extractors.schema import Document, Signal

PASTE_LIMIT_CHARS = 1_000_000
TREND_POINTS = 12


class ViewError(ValueError):
    """A user mistake in a screen (empty paste, missing reason): one line that says what to do."""


# -- pipeline ---------------------------------------------------------------------------------
class PipelineRow(BaseModel):
    """One lead in the pipeline table; score fields are None until the lead is scored."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    owner: str | None = None
    segment: str | None = None
    total: int | None = None
    stage: str | None = None
    route: str | None = None
    next_action: str | None = None
    last_touch: dt.date | None = None
    trend: tuple[int, ...] = ()

    @property
    def haystack(self) -> str:
        """Lower-case text the filter box searches."""
        parts = (self.id, self.name, self.owner, self.segment, self.stage, self.route)
        return " ".join(p for p in parts if p).lower()


def pipeline_leads(svc: Service) -> list[PipelineRow]:
    """Every lead without its score: one query, so the table paints at once on big databases."""
    return [
        PipelineRow(id=lead.id, name=lead.name, owner=lead.owner, segment=lead.segment)
        for lead in svc.store.list_leads()
    ]


def pipeline_row(svc: Service, lead: LeadRow | str, *, rescore: bool = False) -> PipelineRow:
    """A lead's row from its latest score snapshot; scored now when it has none (or `rescore`)."""
    row = lead if isinstance(lead, LeadRow) else svc.require_lead(lead)
    snaps = svc.store.snapshots(row.id)
    if rescore or not snaps:
        svc.score(row.id)
        snaps = svc.store.snapshots(row.id)
    latest = snaps[-1].score
    docs = svc.store.documents_for_lead(row.id)
    dates = [sd.document.date or sd.created_at.date() for sd in docs]
    return PipelineRow(
        id=row.id,
        name=row.name,
        owner=row.owner,
        segment=latest.get("segment"),
        total=int(latest.get("total", 0)),
        stage=latest.get("stage"),
        route=latest.get("route"),
        next_action=latest.get("next_action"),
        last_touch=max(dates) if dates else None,
        trend=tuple(int(s.total) for s in snaps[-TREND_POINTS:]),
    )


def filter_rows(rows: Sequence[PipelineRow], needle: str) -> list[int]:
    """Indexes of the rows whose text holds every word of the filter (case does not matter)."""
    return filter_texts([r.haystack for r in rows], needle)


def filter_texts(
    haystacks: Sequence[str], needle: str, within: Sequence[int] | None = None
) -> list[int]:
    """Indexes of the lower-case texts that hold every word of `needle`, looking only at
    `within` when given (a longer filter can only narrow the previous result)."""
    words = needle.lower().split()
    candidates = range(len(haystacks)) if within is None else within
    if not words:
        return list(candidates)
    return [i for i in candidates if all(w in haystacks[i] for w in words)]


def owners(svc: Service) -> list[str]:
    """The reps who own leads, for the audit filter."""
    return sorted({lead.owner for lead in svc.store.list_leads() if lead.owner})


# -- one lead ---------------------------------------------------------------------------------
class TouchRow(BaseModel):
    """One document of the lead's timeline."""

    model_config = ConfigDict(frozen=True)

    document_id: int
    date: dt.date
    kind: str
    source: str
    signals: int
    sentiment: str | None = None


class EvidenceRow(BaseModel):
    """A stored signal with its evidence and its latest human review."""

    model_config = ConfigDict(frozen=True)

    signal_id: int
    lead_id: str
    owner: str | None = None
    document_id: int
    dimension: str
    type: str
    value: str
    polarity: str
    confidence: float
    speaker: str | None
    quote: str
    start: int
    end: int
    review: str | None = None
    reviewer: str | None = None
    reason: str | None = None


class DimensionBar(BaseModel):
    """Points of one part of the score against the most it can give."""

    model_config = ConfigDict(frozen=True)

    name: str
    points: int
    most: int


class LeadView(BaseModel):
    """Everything the lead screen shows, read in one go (in a worker)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    lead: LeadRow
    score: dict[str, Any]
    bars: tuple[DimensionBar, ...]
    stakeholders: tuple[Stakeholder, ...]
    touches: tuple[TouchRow, ...]
    evidence: tuple[EvidenceRow, ...]
    history: tuple[Snapshot, ...]


def value_text(value: Any) -> str:
    """A signal value as a few words ("status=approved amount=120000")."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items() if v not in (None, "", [], {}))
    return str(value)


def _evidence_rows(svc: Service, lead: LeadRow) -> list[EvidenceRow]:
    latest: dict[int, Review] = {}
    for review in svc.store.reviews_for_lead(lead.id):
        latest[review.signal_id] = review
    out = []
    for stored in svc.store.signals_for_lead(lead.id):
        sig: Signal = stored.signal
        review = latest.get(stored.id)
        out.append(
            EvidenceRow(
                signal_id=stored.id,
                lead_id=lead.id,
                owner=lead.owner,
                document_id=stored.document_id,
                dimension=sig.dimension,
                type=sig.type,
                value=value_text(review.value if review and review.action == "edit" else sig.value),
                polarity=sig.polarity,
                confidence=sig.confidence,
                speaker=sig.evidence.speaker,
                quote=sig.evidence.quote,
                start=sig.evidence.start,
                end=sig.evidence.end,
                review=review.action if review else None,
                reviewer=review.by if review else None,
                reason=review.reason if review else None,
            )
        )
    # Reading order: by document and position (storage order can vary between extractions).
    out.sort(key=lambda r: (r.document_id, r.start, r.end, r.dimension, r.type, r.signal_id))
    return out


def dimension_bars(svc: Service, score: dict[str, Any]) -> tuple[DimensionBar, ...]:
    """Fit and each dimension with the model's weight as the maximum, for the gauge."""
    model = svc.scoring_model()
    seg = model.segments.get(score.get("segment", ""))
    dims = score.get("dimensions", {})
    bars = []
    if seg is not None:
        bars.append(DimensionBar(name="fit", points=int(dims.get("fit", 0)), most=seg.fit))
        for name, weight in seg.weights.items():
            bars.append(DimensionBar(name=name, points=int(dims.get(name, 0)), most=weight))
    return tuple(bars)


def lead_view(svc: Service, lead_id: str) -> LeadView:
    """Rescore the lead (a snapshot when something changed) and gather its page."""
    lead = svc.require_lead(lead_id)
    score = svc.score(lead_id).to_public_json()
    counts: dict[int, int] = {}
    evidence = _evidence_rows(svc, lead)
    for row in evidence:
        counts[row.document_id] = counts.get(row.document_id, 0) + 1
    touches = [
        TouchRow(
            document_id=sd.id,
            date=sd.document.date or sd.created_at.date(),
            kind=sd.document.kind,
            source=Path(sd.document.source).name or sd.document.source,
            signals=counts.get(sd.id, 0),
        )
        for sd in svc.store.documents_for_lead(lead_id)
    ]
    touches.sort(key=lambda t: (t.date, t.document_id), reverse=True)
    return LeadView(
        lead=lead,
        score=score,
        bars=dimension_bars(svc, score),
        stakeholders=tuple(svc.store.stakeholders(lead_id)),
        touches=tuple(touches),
        evidence=tuple(evidence),
        history=tuple(svc.store.snapshots(lead_id)),
    )


def touch_sentiments(svc: Service, lead_id: str) -> dict[int, str]:
    """Sentiment per document when the model is installed (slow: call it from a worker)."""
    return svc.document_sentiments(lead_id)


def document_text(svc: Service, document_id: int) -> str:
    """The stored text of one document (evidence offsets index into it)."""
    stored = svc.store.get_document(document_id)
    if stored is None:
        raise ViewError(f"document {document_id} is gone; reload the lead")
    return stored.document.text


# -- audit ------------------------------------------------------------------------------------
def audit_rows(
    svc: Service,
    *,
    rep: str | None = None,
    unreviewed_only: bool = False,
    lead_id: str | None = None,
) -> list[EvidenceRow]:
    """Evidence across leads for a manager: optionally one rep's leads, one lead, or unreviewed."""
    leads: Iterable[LeadRow]
    leads = [svc.require_lead(lead_id)] if lead_id else svc.store.list_leads()
    out: list[EvidenceRow] = []
    for lead in leads:
        if rep and lead.owner != rep:
            continue
        rows = _evidence_rows(svc, lead)
        out.extend(r for r in rows if not (unreviewed_only and r.review))
    return out


class HistoryLine(BaseModel):
    """One line of a lead's history: a score snapshot or a human decision."""

    model_config = ConfigDict(frozen=True)

    at: dt.datetime
    actor: str
    kind: str
    text: str


def lead_history(svc: Service, lead_id: str) -> list[HistoryLine]:
    """Scores and reviews of a lead, newest first, from the audit log."""
    svc.require_lead(lead_id)
    lines = []
    for event in svc.store.events(lead_id):
        p = event.payload
        if event.kind == "snapshot":
            text = f"score {p.get('total', 0):.0f} {p.get('stage') or ''}".rstrip()
        elif event.kind == "review":
            reason = f": {p['reason']}" if p.get("reason") else ""
            text = f"{p.get('action')} signal {p.get('signal_id')}{reason}"
        elif event.kind in ("ingest", "add_document"):
            text = f"{p.get('kind', 'document')} added, {p.get('signals', 0)} signals"
        else:
            text = event.kind.replace("_", " ")
        lines.append(HistoryLine(at=event.at, actor=event.actor, kind=event.kind, text=text))
    lines.reverse()
    return lines


def review_signal(
    svc: Service,
    signal_id: int,
    action: str,
    *,
    by: str,
    reason: str = "",
    value: str | None = None,
) -> Review:
    """Confirm, reject or edit a signal (reject and edit need a reason); the lead is rescored."""
    if action not in REVIEW_ACTIONS:
        raise ViewError(f"unknown review action {action!r}: use confirm, reject or edit")
    reason = reason.strip()
    if action in ("reject", "edit") and not reason:
        raise ViewError(f"a {action} needs a reason: say why, so the next reader can follow")
    if action == "edit" and not (value or "").strip():
        raise ViewError("an edit needs the corrected value: type it in the value box")
    stored = svc.store.get_signal(signal_id)
    if stored is None:
        raise ViewError(f"signal {signal_id} is gone; reload the list")
    review = svc.store.add_review(
        signal_id,
        action,
        value=(value or "").strip() if action == "edit" else None,
        reason=reason or None,
        by=by,
    )
    svc.score(stored.lead_id)
    return review


# -- paste / ingest ---------------------------------------------------------------------------
class Preview(BaseModel):
    """A parsed, extracted document that is not stored yet."""

    model_config = ConfigDict(frozen=True)

    document: Document
    signals: tuple[Signal, ...]
    reps: tuple[str, ...] = ()

    @property
    def speakers(self) -> list[tuple[str, str]]:
        """(name, role) of each speaker, in order of first turn."""
        seen: dict[str, str] = {}
        for utt in self.document.utterances:
            if utt.speaker and utt.speaker not in seen:
                seen[utt.speaker] = utt.role
        for person in self.document.participants:
            seen.setdefault(person.name, person.role)
        return list(seen.items())


def check_paste(text: str) -> None:
    """Refuse what cannot be a conversation before the parser sees it."""
    if not text.strip():
        raise ViewError("nothing to parse: paste a transcript, chat or email (or open a file)")
    if len(text) > PASTE_LIMIT_CHARS:
        raise ViewError(
            f"the text is {len(text) / 1_000_000:.1f} MB; the paste box takes up to "
            f"{PASTE_LIMIT_CHARS // 1_000_000} MB: save it to a file and run "
            "`qualify ingest FILE --lead ID`"
        )
    sample = text[:4096]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if "\x00" in sample or bad > len(sample) * 0.05:
        raise ViewError("this looks like binary data, not text: paste a transcript, chat or email")


def preview_text(
    svc: Service, text: str, *, reps: Sequence[str] = (), kind: str | None = None
) -> Preview:
    """Parse and extract pasted text without storing it (IngestError for unparseable input)."""
    check_paste(text)
    doc = svc.parse("pasted text", text.encode("utf-8"), kind=kind, reps=reps, date=svc.today())
    return Preview(document=doc, signals=tuple(svc.extract(doc)), reps=tuple(reps))


def preview_file(svc: Service, path: str, *, reps: Sequence[str] = ()) -> Preview:
    """Parse and extract a file without storing it."""
    file = Path(path.strip()).expanduser()
    if not path.strip():
        raise ViewError("no file given: type a path, e.g. ~/calls/acme.vtt")
    if not file.is_file():
        raise ViewError(f"{file}: no such file; check the path")
    doc = svc.parse(file, reps=reps)
    return Preview(document=doc, signals=tuple(svc.extract(doc)), reps=tuple(reps))


def ensure_lead(svc: Service, name: str, *, owner: str | None = None, actor: str) -> str:
    """The id of the lead called `name` (a slug of it), created when it does not exist yet:
    a rep pasting a first call should not have to leave the app to add the lead."""
    from pydantic import ValidationError

    from assistant.store import LeadRow
    from assistant.store.models import slugify

    name = " ".join(name.split())
    lead_id = slugify(name)
    if not lead_id:
        raise ViewError("a lead needs a name with letters or digits (e.g. the company)")
    if svc.store.get_lead(lead_id) is None:
        try:
            svc.add_lead(LeadRow(id=lead_id, name=name, company=name, owner=owner), actor=actor)
        except ValidationError as exc:
            raise ViewError(f"cannot add lead {name!r}: {exc.errors()[0]['msg']}") from exc
    return lead_id


def save_preview(svc: Service, lead_id: str, preview: Preview, *, actor: str) -> IngestResult:
    """Store the previewed document on a lead and rescore it."""
    if not lead_id:
        raise ViewError("choose the lead to save to first")
    result = svc.ingest_document(lead_id, preview.document, actor=actor)
    svc.score(lead_id)
    return result
