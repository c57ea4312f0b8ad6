"""Evaluate the extractor (and a keyword-tracker baseline) against the labelled corpus.

Gold folders hold manifest.jsonl + labels.jsonl (format: fixtures/gold/README.md). A predicted
signal matches a gold label when their spans overlap and the dimension is the same; strict
matching also needs the same polarity. Splits: "dev" = fixtures/docs + fixtures/gold/dev,
"test" = fixtures/gold/test, "all" = both.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError
from rich.console import Group
from rich.table import Table

from extractors import extract
from extractors.baseline import keyword_signals
from extractors.hybrid import extract_hybrid
from extractors.schema import DIMENSIONS, Document, Signal

ROOT = Path(__file__).resolve().parents[1]
SPLITS: dict[str, tuple[str, ...]] = {
    "dev": ("fixtures/docs", "fixtures/gold/dev"),
    "test": ("fixtures/gold/test",),
    "all": ("fixtures/docs", "fixtures/gold/dev", "fixtures/gold/test"),
}


class EvalError(ValueError):
    """The gold corpus cannot be read; the message says which file and what to fix."""


class ManifestEntry(BaseModel):
    """One document of a gold folder."""

    path: str
    lead: str = ""
    kind: Literal["call", "chat", "email", "notes", "answer"]
    date: dt.date | None = None
    reps: list[str] = Field(default_factory=list)


class GoldLabel(BaseModel):
    """One labelled signal."""

    path: str
    dimension: str
    type: str = ""
    polarity: Literal["for", "against", "neutral"] = "for"
    quote: str
    occurrence: int = 1
    value: Any = None


class Scores(BaseModel):
    """Counts and rates for one dimension (or micro over all)."""

    gold: int = 0
    predicted: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    strict_tp: int = 0
    value_total: int = 0
    value_correct: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def strict_f1(self) -> float:
        p = self.strict_tp / self.predicted if self.predicted else 0.0
        r = self.strict_tp / self.gold if self.gold else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def polarity_accuracy(self) -> float:
        return self.strict_tp / self.tp if self.tp else 0.0

    @property
    def value_accuracy(self) -> float:
        return self.value_correct / self.value_total if self.value_total else 0.0

    def add(self, other: Scores) -> None:
        for field in Scores.model_fields:
            setattr(self, field, getattr(self, field) + getattr(other, field))

    def summary(self) -> dict[str, float]:
        """The rates, rounded, for JSON output."""
        return {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4), "strict_f1": round(self.strict_f1, 4),
            "polarity_accuracy": round(self.polarity_accuracy, 4),
            "value_accuracy": round(self.value_accuracy, 4),
        }


class ErrorItem(BaseModel):
    """One mistake: a false positive, a false negative, a wrong polarity or a wrong value."""

    kind: Literal["FP", "FN", "polarity", "value"]
    document: str
    dimension: str
    type: str = ""
    text: str
    rule: str = ""
    expected: Any = None
    got: Any = None


class SystemReport(BaseModel):
    """Scores of one system (the rules extractor or the baseline)."""

    name: str
    per_dimension: dict[str, Scores]
    micro: Scores
    errors: list[ErrorItem] = Field(default_factory=list)


class EvalReport(BaseModel):
    """The whole evaluation of a split."""

    split: str
    documents: int
    gold_labels: int
    unlocated: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    system: SystemReport
    baseline: SystemReport
    hybrid: SystemReport | None = None
    hybrid_note: str | None = None

    @property
    def recall_gain(self) -> float | None:
        """Recall points the model adds over rules alone (the ablation), if it ran."""
        if self.hybrid is None:
            return None
        return self.hybrid.micro.recall - self.system.micro.recall

    @property
    def precision_gain(self) -> float:
        """Precision points gained over the keyword baseline."""
        return self.system.micro.precision - self.baseline.micro.precision

    def errors(self) -> list[ErrorItem]:
        """Every error of the extractor, grouped by rule then document."""
        return sorted(self.system.errors, key=lambda e: (e.rule, e.document, e.kind))

    def to_json(self) -> dict[str, Any]:
        """A stable, compact JSON shape for `qualify eval --json`."""

        def sysjson(s: SystemReport) -> dict[str, Any]:
            return {
                "micro": s.micro.summary() | {"tp": s.micro.tp, "fp": s.micro.fp,
                                               "fn": s.micro.fn},
                "per_dimension": {d: v.summary() | {"gold": v.gold, "tp": v.tp, "fp": v.fp,
                                                      "fn": v.fn}
                                  for d, v in s.per_dimension.items()},
            }

        return {
            "split": self.split, "documents": self.documents, "gold_labels": self.gold_labels,
            "unlocated": self.unlocated, "skipped": self.skipped,
            "extractor": sysjson(self.system), "baseline": sysjson(self.baseline),
            "precision_gain": round(self.precision_gain, 4),
            "ablation": None if self.hybrid is None else {
                "rules_plus_model": sysjson(self.hybrid),
                "recall_gain": round(self.recall_gain or 0.0, 4),
            },
            "ablation_note": self.hybrid_note,
        }


def errors(report: EvalReport) -> list[ErrorItem]:
    """Module-level alias of `EvalReport.errors()` for the CLI."""
    return report.errors()


def _read_jsonl(path: Path, model: type[BaseModel]) -> list[Any]:
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"{path}: cannot read ({exc.strerror}); check the gold folder") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append(model.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise EvalError(f"{path}:{n}: {first}; fix this line") from exc
    return out


def load_gold(folder: Path) -> list[tuple[ManifestEntry, list[GoldLabel]]]:
    """Manifest entries of a folder with their labels."""
    manifest = _read_jsonl(folder / "manifest.jsonl", ManifestEntry)
    labels_path = folder / "labels.jsonl"
    labels = _read_jsonl(labels_path, GoldLabel) if labels_path.exists() else []
    by_path: dict[str, list[GoldLabel]] = {}
    for label in labels:
        by_path.setdefault(label.path, []).append(label)
    return [(entry, by_path.get(entry.path, [])) for entry in manifest]


def _parse_fallback(path: Path, entry: ManifestEntry) -> Document:
    """`Name: text` lines, used only when assistant.ingest is not importable."""
    from extractors.schema import Participant, Utterance

    text = path.read_text(encoding="utf-8", errors="replace")
    utts, people = [], {}
    for match in re.finditer(r"^(?:\[[\d:.]+\]\s*)?([A-Z][\w .'-]{0,40}):\s*(.+)$", text, re.M):
        speaker = match.group(1).strip()
        role = "rep" if speaker in entry.reps else "prospect"
        people[speaker] = Participant(name=speaker, role=role)
        utts.append(Utterance(index=len(utts), speaker=speaker, role=role,
                              start=match.start(2), end=match.end(2), text=match.group(2)))
    return Document(kind=entry.kind, source=str(path), date=entry.date, text=text,
                    utterances=tuple(utts), participants=tuple(people.values()))


def parse_document(path: Path, entry: ManifestEntry) -> Document:
    """Parse one corpus document with the product's own parser."""
    try:
        from assistant.ingest import parse_file
    except ImportError:  # pragma: no cover - only while ingest is being written
        return _parse_fallback(path, entry)
    return parse_file(path, kind=entry.kind, reps=tuple(entry.reps), date=entry.date)


def locate(text: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    """Character span of the n-th occurrence of a quote (whitespace-tolerant)."""
    start = -1
    for _ in range(max(1, occurrence)):
        start = text.find(quote, start + 1)
        if start < 0:
            break
    if start >= 0:
        return start, start + len(quote)
    pattern = r"\s+".join(re.escape(p) for p in quote.split())
    found = list(re.finditer(pattern, text))
    if len(found) >= occurrence:
        m = found[occurrence - 1]
        return m.start(), m.end()
    return None


def _num_equal(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) <= 0.01 * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return False


def value_matches(gold: Any, pred: Any) -> bool:
    """Is a predicted normalised value the gold one? Only the keys gold gives are compared."""
    if isinstance(gold, str):
        if isinstance(pred, dict):
            pred = pred.get("name") or pred.get("value")
        return isinstance(pred, str) and gold.strip().lower() == pred.strip().lower()
    if not isinstance(gold, dict) or not isinstance(pred, dict):
        return False
    if "amount" in gold:
        keys = [k for k in ("amount", "currency", "period", "max") if k in gold]
        return all(
            _num_equal(pred.get(k), gold[k]) if k in ("amount", "max")
            else pred.get(k) == gold[k] for k in keys
        )
    if "date" in gold:
        return pred.get("date") == gold["date"]
    if "name" in gold and gold["name"]:
        a, b = str(gold["name"]).lower(), str(pred.get("name") or "").lower()
        return bool(b) and (a in b or b in a)
    if "title" in gold and gold["title"]:
        a, b = str(gold["title"]).lower(), str(pred.get("title") or "").lower()
        return bool(b) and (a in b or b in a)
    return all(
        str(pred.get(k, "")).lower() == str(v).lower() for k, v in gold.items() if v is not None
    )


def _rule_of(sig: Signal) -> str:
    for reason in sig.evidence.reasons:
        if reason.startswith("rule:"):
            return reason[5:]
    return sig.evidence.extractor


def _score_document(
    doc_name: str,
    text: str,
    gold: list[tuple[GoldLabel, int, int]],
    predicted: list[Signal],
    per_dim: dict[str, Scores],
    errs: list[ErrorItem],
) -> None:
    for dim in DIMENSIONS:
        g = [x for x in gold if x[0].dimension == dim]
        p = [s for s in predicted if s.dimension == dim]
        sc = per_dim[dim]
        sc.gold += len(g)
        sc.predicted += len(p)
        pairs = []
        for gi, (_, gs, ge) in enumerate(g):
            for pi, sig in enumerate(p):
                ov = min(ge, sig.evidence.end) - max(gs, sig.evidence.start)
                if ov > 0:
                    pairs.append((ov, gi, pi))
        pairs.sort(key=lambda t: -t[0])
        used_g: set[int] = set()
        used_p: set[int] = set()
        for _, gi, pi in pairs:
            if gi in used_g or pi in used_p:
                continue
            used_g.add(gi)
            used_p.add(pi)
            label, sig = g[gi][0], p[pi]
            sc.tp += 1
            if label.polarity == sig.polarity:
                sc.strict_tp += 1
            else:
                errs.append(ErrorItem(kind="polarity", document=doc_name, dimension=dim,
                                      type=sig.type, text=sig.evidence.quote, rule=_rule_of(sig),
                                      expected=label.polarity, got=sig.polarity))
            if label.value is not None:
                sc.value_total += 1
                if value_matches(label.value, sig.value):
                    sc.value_correct += 1
                else:
                    errs.append(ErrorItem(kind="value", document=doc_name, dimension=dim,
                                          type=sig.type, text=sig.evidence.quote,
                                          rule=_rule_of(sig), expected=label.value,
                                          got=sig.value))
        for gi, (label, gs, ge) in enumerate(g):
            if gi not in used_g:
                sc.fn += 1
                errs.append(ErrorItem(kind="FN", document=doc_name, dimension=dim,
                                      type=label.type, text=text[gs:ge],
                                      expected=label.polarity))
        for pi, sig in enumerate(p):
            if pi not in used_p:
                sc.fp += 1
                errs.append(ErrorItem(kind="FP", document=doc_name, dimension=dim,
                                      type=sig.type, text=sig.evidence.quote,
                                      rule=_rule_of(sig), got=sig.polarity))


def _system(name: str) -> tuple[dict[str, Scores], list[ErrorItem]]:
    return {d: Scores() for d in DIMENSIONS}, []


def _finish(name: str, per_dim: dict[str, Scores], errs: list[ErrorItem]) -> SystemReport:
    micro = Scores()
    for sc in per_dim.values():
        micro.add(sc)
    return SystemReport(name=name, per_dimension=per_dim, micro=micro, errors=errs)


def evaluate_folders(
    folders: Sequence[Path],
    split: str = "custom",
    extractor: Callable[[Document], list[Signal]] = extract,
    *,
    with_model: bool = False,
) -> EvalReport:
    """Evaluate the extractor and the baseline on gold folders; with_model adds the ablation
    (rules + semantic model on the same documents)."""
    sys_dim, sys_err = _system("rules")
    base_dim, base_err = _system("baseline")
    hyb_dim, hyb_err = _system("rules + model")
    hybrid_note: str | None = None
    model_ok = with_model
    documents = labels = 0
    unlocated: list[str] = []
    skipped: list[str] = []
    for folder in folders:
        if not (folder / "manifest.jsonl").exists():
            skipped.append(f"{folder}: no manifest.jsonl")
            continue
        for entry, gold_labels in load_gold(folder):
            path = folder / entry.path
            name = f"{folder.name}/{entry.path}"
            if not path.exists():
                skipped.append(f"{name}: file missing")
                continue
            try:
                document = parse_document(path, entry)
            except Exception as exc:  # a parser refusal must not stop the whole evaluation
                skipped.append(f"{name}: {exc}")
                continue
            documents += 1
            located = []
            for label in gold_labels:
                span = locate(document.text, label.quote, label.occurrence)
                if span is None:
                    unlocated.append(f"{name}: {label.quote!r}")
                    continue
                located.append((label, span[0], span[1]))
            labels += len(located)
            _score_document(name, document.text, located, extractor(document), sys_dim,
                            sys_err)
            _score_document(name, document.text, located, keyword_signals(document),
                            base_dim, base_err)
            if model_ok:
                hybrid_signals, hybrid_note = extract_hybrid(document)
                if hybrid_note is not None:
                    model_ok = False  # model unavailable: no half-measured ablation
                    continue
                _score_document(name, document.text, located, hybrid_signals, hyb_dim,
                                hyb_err)
    return EvalReport(
        split=split, documents=documents, gold_labels=labels, unlocated=unlocated,
        skipped=skipped, system=_finish("rules", sys_dim, sys_err),
        baseline=_finish("keyword baseline", base_dim, base_err),
        hybrid=_finish("rules + model", hyb_dim, hyb_err) if model_ok else None,
        hybrid_note=hybrid_note,
    )


def evaluate(
    split: str = "dev", root: Path | None = None, *, with_model: bool = False
) -> EvalReport:
    """Evaluate one split: "dev", "test" or "all"."""
    if split not in SPLITS:
        raise EvalError(f"unknown split {split!r}; use one of: {', '.join(SPLITS)}")
    base = root or ROOT
    return evaluate_folders([base / f for f in SPLITS[split]], split=split,
                            with_model=with_model)


def format_ablation(report: EvalReport) -> Table | str:
    """Rules alone against rules + model: the recall the model adds and what it costs."""
    if report.hybrid is None:
        return f"[yellow]ablation not run: {report.hybrid_note or 'model switched off'}[/yellow]"
    table = Table(title="ablation: rules alone vs rules + model")
    for col in ("dimension", "rules P", "rules R", "rules F1", "+model P", "+model R",
                "+model F1", "recall gain"):
        table.add_column(col, justify="right" if col != "dimension" else "left")
    for dim in [*DIMENSIONS, "micro"]:
        r = report.system.micro if dim == "micro" else report.system.per_dimension[dim]
        h = report.hybrid.micro if dim == "micro" else report.hybrid.per_dimension[dim]
        table.add_row(dim, f"{r.precision:.2f}", f"{r.recall:.2f}", f"{r.f1:.2f}",
                      f"{h.precision:.2f}", f"{h.recall:.2f}", f"{h.f1:.2f}",
                      f"{(h.recall - r.recall) * 100:+.1f}",
                      style="bold" if dim == "micro" else None)
    return table


def format_report(report: EvalReport, *, show_errors: bool = False) -> Group:
    """A rich renderable: per-dimension table for the extractor and the baseline."""
    table = Table(title=f"qualify eval: {report.split} ({report.documents} documents, "
                        f"{report.gold_labels} gold labels)")
    for col in ("dimension", "gold", "P", "R", "F1", "strict F1", "polarity", "value",
                "base P", "base F1"):
        table.add_column(col, justify="right" if col != "dimension" else "left")
    rows = [*DIMENSIONS, "micro"]
    for dim in rows:
        s = report.system.micro if dim == "micro" else report.system.per_dimension[dim]
        b = report.baseline.micro if dim == "micro" else report.baseline.per_dimension[dim]
        table.add_row(
            dim, str(s.gold), f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}",
            f"{s.strict_f1:.2f}", f"{s.polarity_accuracy:.2f}",
            f"{s.value_accuracy:.2f} ({s.value_total})" if s.value_total else "-",
            f"{b.precision:.2f}", f"{b.f1:.2f}", style="bold" if dim == "micro" else None,
        )
    parts: list[Any] = [table, f"precision gain over keyword baseline: "
                               f"{report.precision_gain * 100:+.1f} points"]
    if report.hybrid is not None or report.hybrid_note:
        parts.append(format_ablation(report))
    if report.unlocated:
        parts.append(f"[yellow]{len(report.unlocated)} gold quote(s) not found in the parsed "
                     f"text (see --json)[/yellow]")
    if report.skipped:
        parts.append(f"[yellow]{len(report.skipped)} document(s) skipped: "
                     f"{'; '.join(report.skipped[:3])}[/yellow]")
    if show_errors:
        err = Table(title="errors")
        for col in ("kind", "rule", "document", "dimension", "text", "expected", "got"):
            err.add_column(col, overflow="fold")
        for e in report.errors():
            err.add_row(e.kind, e.rule or "-", e.document, f"{e.dimension}/{e.type}", e.text,
                        json.dumps(e.expected), json.dumps(e.got))
        parts.append(err)
    return Group(*parts)
