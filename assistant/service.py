"""The service API: the one door the CLI and the TUI use to ingest, extract, store and score.

It glues the layers (ingest -> extractors -> store -> scoring) and owns no SQL and no screens.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tomllib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from assistant import store as store_mod
from assistant.errors import ServiceError  # re-exported: callers import it from here
from assistant.ingest import IngestError, parse_bytes, parse_file
from assistant.paths import FIXTURES_DIR
from assistant.settings import Settings
from assistant.store import LeadRow, Store, StoredSignal
from extractors.schema import Document, Signal

LEAD_CSV_COLUMNS = ("id", "name")
LEAD_CSV_OPTIONAL = (
    "company",
    "employees",
    "revenue",
    "potential_arr",
    "industry",
    "owner",
    "segment",
)
SEGMENT_ALIASES = {
    "enterprise": "enterprise",
    "mid-market": "mid_market",
    "mid_market": "mid_market",
    "midmarket": "mid_market",
    "smb": "smb",
}


class IngestResult(BaseModel):
    """What happened to one input: stored, already there, or refused (with why)."""

    model_config = ConfigDict(frozen=True)

    source: str
    lead_id: str | None = None
    document_id: int | None = None
    created: bool = False
    kind: str | None = None
    signals: int = 0
    error: str | None = None


class CsvProblem(BaseModel):
    """A bad row of a leads CSV, reported by its line number."""

    line: int
    reason: str


class LeadSummary(BaseModel):
    """One row of the pipeline table."""

    id: str
    name: str
    owner: str | None
    segment: str
    total: int
    stage: str
    route: str
    next_action: str
    documents: int
    signals: int
    last_touch: dt.date | None
    trend: list[int] = []


def team_from_toml(path: Path) -> tuple[list[str], list[str]]:
    """Read a team file (`names = [...]`, `domains = [...]`)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ServiceError(f"{path}: cannot read team file: {exc}") from exc
    return list(data.get("names", [])), list(data.get("domains", []))


def _int_or_none(value: str, column: str) -> int | None:
    value = value.strip().replace(",", "").replace("_", "")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise ValueError(f"{column} {value!r} is not a number") from exc
    if number < 0:
        raise ValueError(f"{column} {value!r} is negative")
    return int(number)


def parse_leads_csv(text: str) -> tuple[list[LeadRow], list[CsvProblem]]:
    """Parse a leads CSV into rows and problems (line numbers count the header as line 1)."""
    reader = csv.DictReader(text.splitlines())
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in LEAD_CSV_COLUMNS if c not in columns]
    if missing:
        raise ServiceError(
            f"leads CSV is missing column(s) {', '.join(missing)}; "
            f"required: {', '.join(LEAD_CSV_COLUMNS)}; optional: {', '.join(LEAD_CSV_OPTIONAL)}"
        )
    leads: list[LeadRow] = []
    problems: list[CsvProblem] = []
    seen: set[str] = set()
    for line_no, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        try:
            if None in raw:
                raise ValueError("has more fields than the header")
            segment = row.get("segment", "").lower()
            if segment and segment not in SEGMENT_ALIASES:
                raise ValueError(f"segment {segment!r} is not enterprise, mid-market or smb")
            lead = LeadRow(
                id=row["id"],
                name=row["name"] or row["id"],
                company=row.get("company") or None,
                employees=_int_or_none(row.get("employees", ""), "employees"),
                revenue=_int_or_none(row.get("revenue", ""), "revenue"),
                potential_arr=_int_or_none(row.get("potential_arr", ""), "potential_arr"),
                industry=row.get("industry") or None,
                owner=row.get("owner") or None,
                segment=SEGMENT_ALIASES.get(segment) if segment else None,
            )
            if lead.id in seen:
                raise ValueError(f"lead id {lead.id!r} appears twice")
            seen.add(lead.id)
            leads.append(lead)
        except (ValueError, KeyError) as exc:
            reason = str(exc).splitlines()[0]
            if hasattr(exc, "errors"):
                reason = "; ".join(e["msg"] for e in exc.errors())  # pydantic
            problems.append(CsvProblem(line=line_no, reason=reason))
    return leads, problems


class Service:
    """Application operations over one database, shared by the CLI and the TUI."""

    def __init__(self, settings: Settings, *, clock: Callable[[], dt.date] | None = None):
        self.settings = settings
        self._store: Store | None = None
        self.model_note: str | None = None
        self._clock = clock or dt.date.today

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def store(self) -> Store:
        """The store, opened (and migrated) on first use."""
        if self._store is None:
            self._store = store_mod.open(self.settings.db)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def today(self) -> dt.date:
        return self._clock()

    def require_lead(self, lead_id: str) -> LeadRow:
        lead = self.store.get_lead(lead_id)
        if lead is None:
            raise ServiceError(
                f"unknown lead {lead_id!r}: `qualify leads` lists them, "
                "`qualify lead add ID --name NAME` adds one"
            )
        return lead

    # -- leads ------------------------------------------------------------------------------
    def add_lead(self, lead: LeadRow, *, actor: str = "cli") -> LeadRow:
        if self.store.get_lead(lead.id) is not None:
            raise ServiceError(f"lead {lead.id!r} already exists; nothing was changed")
        return self.store.add_lead(lead, actor=actor)

    def import_leads(
        self, text: str, *, skip_bad: bool = False, actor: str = "cli"
    ) -> tuple[list[LeadRow], list[LeadRow], list[CsvProblem]]:
        """Import a leads CSV: returns (added, already present, problems). All or nothing
        unless `skip_bad`; existing leads are never overwritten."""
        leads, problems = parse_leads_csv(text)
        if problems and not skip_bad:
            return [], [], problems
        added, existing = [], []
        for lead in leads:
            if self.store.get_lead(lead.id) is not None:
                existing.append(lead)
            else:
                added.append(self.store.add_lead(lead, actor=actor))
        return added, existing, problems

    # -- extraction -------------------------------------------------------------------------
    def extract(self, document: Document) -> list[Signal]:
        """Run the extractors on a parsed document (no storage): rules, plus the semantic
        model when it is installed and enabled; `model_note` says why it was not used."""
        from extractors import extract, get_pipeline

        nlp = get_pipeline(self.settings.spacy_model)
        if not self.settings.use_model:
            self.model_note = "rules only: the model is switched off (QUALIFY_USE_MODEL=0)"
            return extract(document, nlp=nlp)
        from extractors.hybrid import extract_hybrid

        signals, self.model_note = extract_hybrid(
            document, nlp=nlp, head_path=self.head_path(), tuned_dir=self.tuned_dir()
        )
        return signals

    def tuned_dir(self) -> Path | None:
        """The tuned classifier `qualify train --tuned` wrote (in the data directory), else
        None for the shipped one (or QUALIFY_TUNED_DIR)."""
        trained = self.settings.heads_dir / "tuned"
        return trained if (trained / "tuned.json").is_file() else None

    def head_path(self) -> Path | None:
        """The semantic head `qualify train` accepted (in the data directory), else None for
        the shipped one."""
        trained = self.settings.heads_dir / "semantic.json"
        return trained if trained.is_file() else None

    def team(self, reps: Sequence[str] = ()) -> tuple[list[str], list[str]]:
        """Our team: configured names and domains plus `--rep` names."""
        return [*self.settings.team_names, *reps], list(self.settings.team_domains)

    def parse(
        self,
        source: Path | str,
        data: bytes | None = None,
        *,
        kind: str | None = None,
        reps: Sequence[str] = (),
        date: dt.date | None = None,
        max_bytes: int | None = None,
    ) -> Document:
        """Parse a file (or bytes read from stdin / a paste) into a Document."""
        names, domains = self.team(reps)
        limit = max_bytes or self.settings.max_bytes
        if data is not None:
            return parse_bytes(
                data,
                source=str(source),
                kind=kind,
                reps=names,
                team_domains=domains,
                date=date,
                max_bytes=limit,
            )
        return parse_file(
            Path(source), kind=kind, reps=names, team_domains=domains, date=date, max_bytes=limit
        )

    def ingest_document(
        self, lead_id: str, document: Document, *, actor: str = "cli"
    ) -> IngestResult:
        """Extract and store one document in one transaction; re-ingesting is a no-op."""
        self.require_lead(lead_id)
        signals = self.extract(document)
        doc_id, created = self.store.add_document(lead_id, document, signals, actor=actor)
        if created:
            self.refresh_stakeholders(lead_id)
            self.embed_document(doc_id, document)
        return IngestResult(
            source=document.source,
            lead_id=lead_id,
            document_id=doc_id,
            created=created,
            kind=document.kind,
            signals=len(signals) if created else 0,
        )

    def ingest_sources(
        self,
        sources: Iterable[tuple[str, bytes | None]],
        lead_id: str,
        *,
        kind: str | None = None,
        reps: Sequence[str] = (),
        date: dt.date | None = None,
        max_bytes: int | None = None,
        on_done: Callable[[IngestResult], None] | None = None,
        actor: str = "cli",
    ) -> list[IngestResult]:
        """Ingest many inputs; one refused input does not stop the others."""
        self.require_lead(lead_id)
        results = []
        for source, data in sources:
            try:
                doc = self.parse(source, data, kind=kind, reps=reps, date=date, max_bytes=max_bytes)
                result = self.ingest_document(lead_id, doc, actor=actor)
            except IngestError as exc:
                result = IngestResult(source=str(source), lead_id=lead_id, error=str(exc))
            results.append(result)
            if on_done:
                on_done(result)
        return results

    def refresh_stakeholders(self, lead_id: str) -> None:
        """Re-resolve the people of a lead across all its documents."""
        from extractors import resolve_stakeholders

        stored = self.store.documents_for_lead(lead_id)
        by_doc = {sd.id: sd for sd in stored}
        signals_by_document = {
            sd.id: [s.signal for s in self.store.signals_for_document(sd.id)] for sd in stored
        }
        people = resolve_stakeholders(signals_by_document)
        ours = {n.casefold() for n in self.settings.team_names}
        for sd in stored:
            ours |= {p.name.casefold() for p in sd.document.participants if p.role == "rep"}
        ours_first = {n.split()[0] for n in ours if n.split()}
        rows = []
        for person in people:
            name = (person.name or "").casefold()
            if name and (name in ours or (" " not in name and name in ours_first)):
                continue  # our own team is never a buying-side stakeholder
            mentions = []
            for doc_id, start, end in person.mentions:
                text = by_doc[doc_id].document.text if doc_id in by_doc else ""
                mentions.append(
                    store_mod.StakeholderMention(
                        document_id=doc_id, start=start, end=end, quote=text[start:end]
                    )
                )
            rows.append(
                store_mod.Stakeholder(
                    key=person.key,
                    name=person.name or person.title or person.key,
                    title=person.title,
                    department=person.department,
                    buying_role=person.buying_role,
                    stance=person.stance,
                    present=person.present,
                    mentions=tuple(mentions),
                )
            )
        if rows:
            self.store.upsert_stakeholders(lead_id, rows)

    # -- scoring ----------------------------------------------------------------------------
    def scoring_model(self, path: Path | None = None):
        from scoring import default_model, load_model

        return load_model(path) if path else default_model()

    def scoring_inputs(self, lead_id: str):
        """Lead facts and reviewed signals for the scorer, read from the store."""
        from scoring import LeadFacts, ScoredSignal

        lead = self.require_lead(lead_id)
        docs = {sd.id: sd for sd in self.store.documents_for_lead(lead_id)}
        reviews: dict[int, Any] = {}
        for review in self.store.reviews_for_lead(lead_id):
            reviews[review.signal_id] = review  # the latest review wins
        scored = []
        for stored in self.store.signals_for_lead(lead_id):
            review = reviews.get(stored.id)
            doc = docs.get(stored.document_id)
            scored.append(
                ScoredSignal(
                    signal_id=stored.id,
                    signal=stored.signal,
                    document_id=stored.document_id,
                    document_date=self._document_date(doc),
                    review={"confirm": "confirmed", "reject": "rejected", "edit": "edited"}[
                        review.action
                    ]
                    if review
                    else None,
                    edited_value=review.value if review and review.action == "edit" else None,
                    reviewer=review.by if review else None,
                    review_reason=review.reason if review else None,
                )
            )
        dates = [d for d in (self._document_date(sd) for sd in docs.values()) if d]
        facts = LeadFacts(
            id=lead.id,
            name=lead.name,
            employees=lead.employees,
            revenue=lead.revenue,
            potential_arr=lead.potential_arr,
            industry=lead.industry,
            segment_override=lead.segment,
            owner=lead.owner,
            stage_override=lead.stage,
            last_touch=max(dates) if dates else None,
            **{k: bool(lead.extra.get(k)) for k in ("student", "job_seeker", "unsubscribed")},
        )
        return facts, scored

    @staticmethod
    def _document_date(stored) -> dt.date | None:
        if stored is None:
            return None
        return stored.document.date or stored.created_at.date()

    def score(self, lead_id: str, *, now: dt.date | None = None, model=None, snapshot: bool = True):
        """Score a lead; store a snapshot when inputs or the model changed."""
        from scoring import inputs_hash, score_lead

        model = model or self.scoring_model()
        facts, scored = self.scoring_inputs(lead_id)
        result = score_lead(facts, scored, model, now or self.today())
        if snapshot:
            self.store.save_snapshot(
                lead_id,
                result.total,
                result.stage,
                model.version,
                inputs_hash(facts, scored, model),
                result.to_public_json(),
            )
        return result

    def pipeline(self, *, now: dt.date | None = None) -> list[LeadSummary]:
        """All leads with their current score, for the pipeline table."""
        rows = []
        model = self.scoring_model()
        for lead in self.store.list_leads():
            score = self.score(lead.id, now=now, model=model)
            facts, scored = self.scoring_inputs(lead.id)
            history = [s.total for s in self.store.snapshots(lead.id)][-12:]
            rows.append(
                LeadSummary(
                    id=lead.id,
                    name=lead.name,
                    owner=lead.owner,
                    segment=score.segment,
                    total=score.total,
                    stage=score.stage,
                    route=score.route,
                    next_action=score.next_action,
                    documents=len({s.document_id for s in scored}),
                    signals=len(scored),
                    last_touch=facts.last_touch,
                    trend=history,
                )
            )
        rows.sort(key=lambda r: (-r.total, r.id))
        return rows

    def signals(self, lead_id: str) -> list[StoredSignal]:
        self.require_lead(lead_id)
        return self.store.signals_for_lead(lead_id)

    # -- demo -------------------------------------------------------------------------------
    def load_demo(self, fixtures: Path = FIXTURES_DIR, on_done=None) -> list[IngestResult]:
        """Load the bundled leads and documents (idempotent)."""
        names, domains = team_from_toml(fixtures / "team.toml")
        self.settings = self.settings.model_copy(
            update={
                "team_names": [*self.settings.team_names, *names],
                "team_domains": [*self.settings.team_domains, *domains],
            }
        )
        self.import_leads((fixtures / "leads.csv").read_text(encoding="utf-8"), actor="demo")
        results = []
        manifest = fixtures / "docs" / "manifest.jsonl"
        for line in manifest.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            entry = json.loads(line)
            path = fixtures / "docs" / entry["path"]
            try:
                doc = self.parse(
                    path,
                    kind=entry.get("kind"),
                    reps=entry.get("reps", ()),
                    date=dt.date.fromisoformat(entry["date"]) if entry.get("date") else None,
                )
                result = self.ingest_document(entry["lead"], doc, actor="demo")
            except IngestError as exc:
                result = IngestResult(source=str(path), lead_id=entry["lead"], error=str(exc))
            results.append(result)
            if on_done:
                on_done(result)
        return results

    # -- sentiment and semantic search (transformer layer; optional) ------------------------
    def _model_ready(self) -> bool:
        if not self.settings.use_model:
            return False
        try:
            from extractors.models import get_embedder

            get_embedder()
        except Exception as exc:  # noqa: BLE001 - any model problem: rules-only, said once
            self.model_note = f"rules only: {str(exc).splitlines()[0]}"
            return False
        return True

    def warm_up(self) -> bool:
        """Load the model ahead of its first use; call it from a background thread at start-up
        so the first paste or answer does not wait for torch to import, nor for the tuned
        classifier's encoder (MPNet, a few seconds). False if rules-only."""
        if not self._model_ready():
            return False
        try:
            from extractors.tuned import load_tuned

            load_tuned(self.tuned_dir())
        except Exception:  # noqa: BLE001 - extraction says why when it falls back
            pass
        return True

    def embed_document(self, document_id: int, document: Document) -> int:
        """Store one vector per utterance (derived data) for semantic search."""
        if not document.utterances or not self._model_ready():
            return 0
        from extractors.models import embed, vector_to_bytes

        vectors = embed([u.text for u in document.utterances])
        return self.store.set_utterance_embeddings(
            document_id,
            {
                u.index: vector_to_bytes(v)
                for u, v in zip(document.utterances, vectors, strict=True)
            },
        )

    def sentiment_summary(self, document: Document) -> dict[str, Any] | None:
        """Sentiment per speaker and for the document, or None when no model is available."""
        if not self._model_ready():
            return None
        try:
            from extractors.sentiment import document_sentiment

            result = document_sentiment(document)
        except Exception as exc:  # noqa: BLE001 - model missing or broken: rules-only
            self.model_note = f"no sentiment: {str(exc).splitlines()[0]}"
            return None
        return {
            "document": None
            if result.label is None
            else {"label": result.label, "score": round(result.mean_score or 0.0, 3)},
            "speakers": {
                s.speaker: {
                    "role": s.role,
                    "label": _label_for(s.mean_score),
                    "score": round(s.mean_score, 3),
                    "n": s.n,
                }
                for s in result.speakers
            },
            "objections": [
                {
                    "type": u.objection,
                    "speaker": u.speaker,
                    "start": u.start,
                    "end": u.end,
                    "quote": document.text[u.start : u.end],
                }
                for u in result.utterances
                if getattr(u, "objection", None)
            ],
        }

    def document_sentiments(self, lead_id: str) -> dict[int, str]:
        """One word per stored document ("positive +0.41"), for the touches timeline."""
        out: dict[int, str] = {}
        for sd in self.store.documents_for_lead(lead_id):
            summary = self.sentiment_summary(sd.document)
            if summary and summary.get("document"):
                doc = summary["document"]
                out[sd.id] = f"{doc['label']} {doc['score']:+.2f}"
        return out

    def lead_sentiment(self, lead_id: str) -> dict[str, Any] | None:
        """Sentiment across a lead's touches (oldest first), the trend from first to last,
        and per stakeholder (speakers matched to resolved people by name)."""
        touches = []
        by_speaker: dict[str, list[float]] = {}
        for sd in sorted(
            self.store.documents_for_lead(lead_id),
            key=lambda d: (self._document_date(d) or dt.date.min, d.id),
        ):
            summary = self.sentiment_summary(sd.document)
            if summary is None:
                return None
            if summary.get("document"):
                touches.append(
                    {
                        "document_id": sd.id,
                        "date": (self._document_date(sd) or dt.date.min).isoformat(),
                        "kind": sd.document.kind,
                        **summary["document"],
                    }
                )
            for speaker, info in summary["speakers"].items():
                if info["role"] != "rep":
                    by_speaker.setdefault(speaker.casefold(), []).append(info["score"])
        people = {}
        for person in self.store.stakeholders(lead_id):
            scores = by_speaker.get(person.name.casefold(), [])
            if scores:
                people[person.name] = round(sum(scores) / len(scores), 3)
        trend = None
        if len(touches) >= 2:
            trend = round(touches[-1]["score"] - touches[0]["score"], 3)
        return {"touches": touches, "trend": trend, "stakeholders": people}

    def semantic_search(
        self, query: str, *, lead_id: str | None = None, limit: int = 20
    ) -> list[dict[str, Any]]:
        """Stored utterances closest in meaning to the query (missing vectors are filled in)."""
        if not query.strip():
            raise ServiceError("empty search: type what you are looking for")
        if not self._model_ready():
            raise ServiceError(f"semantic search needs the embedding model ({self.model_note})")
        from extractors.models import (
            bytes_to_vector,
            cosine_top_k,
            embed,
            embed_query,
            vector_to_bytes,
        )

        missing = self.store.utterance_rows(lead_id, with_embedding=False)
        by_doc: dict[int, dict[int, bytes]] = {}
        if missing:
            vectors = embed([r["text"] for r in missing])
            for row, vec in zip(missing, vectors, strict=True):
                by_doc.setdefault(row["document_id"], {})[row["idx"]] = vector_to_bytes(vec)
            for doc_id, vecs in by_doc.items():
                self.store.set_utterance_embeddings(doc_id, vecs)
        rows = self.store.utterance_rows(lead_id, with_embedding=True)
        if not rows:
            return []
        import numpy as np

        matrix = np.stack([bytes_to_vector(r["embedding"]) for r in rows])
        hits = cosine_top_k(embed_query(query), matrix, k=limit)
        return [
            {
                "score": round(float(score), 4),
                "lead_id": rows[i]["lead_id"],
                "document_id": rows[i]["document_id"],
                "utterance": rows[i]["idx"],
                "speaker": rows[i]["speaker"],
                "role": rows[i]["role"],
                "text": rows[i]["text"],
            }
            for i, score in hits
        ]


def _label_for(score: float) -> str:
    """A speaker's average score as a word (same cut-offs as the per-utterance labels)."""
    if score >= 0.2:
        return "positive"
    if score <= -0.2:
        return "negative"
    return "neutral"
