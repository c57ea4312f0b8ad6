"""Feedback loop: confirmed and rejected evidence become training examples for the semantic
head; the retrained head is measured against the current one on the same held-out sentences
and only accepted (written to the data dir) when it is not worse, unless forced."""

from __future__ import annotations

import hashlib
import sys
from typing import Any

from pydantic import BaseModel

from assistant.audit.errors import AuditError
from assistant.service import Service


class TrainReport(BaseModel):
    """Metric change of the retrained head and whether it was accepted."""

    review_examples: int
    base_examples: int
    held_out: int
    before: dict[str, float]
    after: dict[str, float]
    accepted: bool
    path: str | None = None
    note: str = ""


def _held_out(text: str) -> bool:
    """A stable quarter of examples, by hash, so both heads are measured on the same ones."""
    return hashlib.sha1(text.encode("utf-8")).digest()[0] < 64


def review_examples(svc: Service) -> list[tuple[str, str | None]]:
    """(text, dimension or None): confirmed/edited evidence is a positive for its dimension,
    rejected evidence a negative ("none")."""
    examples: list[tuple[str, str | None]] = []
    for lead in svc.store.list_leads():
        latest = {r.signal_id: r for r in svc.store.reviews_for_lead(lead.id)}
        for stored in svc.store.signals_for_lead(lead.id, include_retired=True):
            review = latest.get(stored.id)
            if review is None:
                continue
            quote = stored.signal.evidence.quote.strip()
            if len(quote.split()) < 2:
                continue
            label = None if review.action == "reject" else stored.signal.dimension
            examples.append((quote, label))
    return list(dict.fromkeys(examples))


def _summary(metrics: dict[str, Any]) -> dict[str, float]:
    return {"accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"]}


def train_from_reviews(
    svc: Service, *, force: bool = False, dry_run: bool = False, actor: str = "cli"
) -> TrainReport:
    """Retrain, compare on held-out examples, accept when not worse (or forced)."""
    reviewed = review_examples(svc)
    if not reviewed:
        raise AuditError(
            "no reviewed evidence yet: confirm or reject signals with `qualify review` first"
        )
    try:
        from extractors import heads, semantic
        from extractors.models import ModelUnavailable
    except ImportError as exc:
        raise AuditError(
            f"the semantic head module is not available ({exc}); nothing was trained"
        ) from exc
    try:
        semantic.load_head()  # the embedding model and a compatible head must be there
    except (heads.HeadError, ModelUnavailable) as exc:
        reason = str(exc).splitlines()[0]
        raise AuditError(
            f"the semantic model is unavailable ({reason}); nothing was trained"
        ) from exc
    base: list[tuple[str, str | None]] = []
    for folder in semantic.TRAIN_FOLDERS:
        base += semantic.examples_from_folder(folder)
    # A human decision wins over the corpus label of the same text.
    decided = {text for text, _ in reviewed}
    base = [ex for ex in dict.fromkeys(base) if ex[0] not in decided]
    test = [ex for ex in [*base, *reviewed] if _held_out(ex[0])]
    if not test:
        raise AuditError("too few examples to measure a new head; review more evidence")
    gold = [d or semantic.NONE_LABEL for _, d in test]

    def measure(head: Any) -> dict[str, Any]:
        preds = semantic.classify([t for t, _ in test], head=head)
        return heads.classification_metrics(
            gold, [d or semantic.NONE_LABEL for d, _ in preds], semantic.LABELS
        )

    # Same held-out examples, same training corpus; the only difference is the reviews.
    before = measure(semantic.train_head([ex for ex in base if not _held_out(ex[0])]))
    after = measure(semantic.train_head([ex for ex in [*base, *reviewed] if not _held_out(ex[0])]))
    accepted = force or after["macro_f1"] >= before["macro_f1"]
    report = TrainReport(
        review_examples=len(reviewed),
        base_examples=len(base),
        held_out=len(test),
        before=_summary(before),
        after=_summary(after),
        accepted=accepted and not dry_run,
        note=(
            "dry run: nothing written"
            if dry_run
            else "accepted"
            if accepted
            else "rejected: the reviews make the head worse on held-out examples "
            "(use --force to keep it)"
        ),
    )
    if dry_run or not accepted:
        return report
    final = semantic.train_head(
        [*base, *reviewed], metrics={"held_out_with_reviews": after, "held_out_without": before}
    )
    path = final.save(svc.settings.heads_dir)
    svc.store.append_event(
        "model_change",
        actor,
        None,
        {
            "model": "semantic_head",
            "path": str(path),
            "review_examples": len(reviewed),
            "before": report.before,
            "after": report.after,
            "forced": force and after["macro_f1"] < before["macro_f1"],
        },
    )
    return report.model_copy(update={"path": str(path)})


class TunedReport(BaseModel):
    """What `qualify train --tuned` trained on, what it reached, and where it went."""

    corpus_examples: int
    review_examples: int
    held_out: int
    metrics: dict[str, Any]
    path: str | None = None
    note: str = ""


def _progress(line: str) -> None:
    """Training progress goes to stderr, so `--json` output stays parseable."""
    print(line, file=sys.stderr, flush=True)


def train_tuned(
    svc: Service, *, epochs: int | None = None, dry_run: bool = False, actor: str = "cli"
) -> TunedReport:
    """Fine-tune the sentence classifier on the gold corpus plus reviewed evidence (confirmed:
    a positive for its dimension; rejected: a sentence without it), measure a probe on a
    held-out quarter, then fit on everything into the data directory, where extraction picks
    it up. Takes minutes (two trainings); `dry_run` stops after the measurement."""
    try:
        from extractors import semantic, tuned
        from extractors.models import ModelUnavailable
    except ImportError as exc:
        raise AuditError(f"the tuned classifier needs torch ({exc}); nothing was trained") from exc
    settings = tuned.TrainSettings() if epochs is None else tuned.TrainSettings(epochs=epochs)
    reviewed = [
        (text, frozenset({label}) if label else frozenset())
        for text, label in review_examples(svc)
    ]
    decided = {text for text, _ in reviewed}
    try:
        corpus = [
            ex for ex in tuned.sentence_examples(semantic.TRAIN_FOLDERS) if ex[0] not in decided
        ]
        examples = [*corpus, *reviewed]
        train_part = [ex for ex in examples if not _held_out(ex[0])]
        held = [ex for ex in examples if _held_out(ex[0])]
        if not held or not train_part:
            raise AuditError("too few examples to train and measure the tuned classifier")
        metrics = tuned.measure_probe(train_part, held, settings, log=_progress)
        if dry_run:
            return TunedReport(corpus_examples=len(corpus), review_examples=len(reviewed),
                               held_out=len(held), metrics=metrics,
                               note="dry run: nothing written")
        final = tuned.train(examples, settings, log=_progress)
        meta = final.meta.model_copy(update={"metrics": {"held_out_quarter": metrics}})
        out = svc.settings.heads_dir / "tuned"
        path = tuned.save(tuned.compress(final, settings.rank), meta, out)
    except (tuned.TunedError, ModelUnavailable, semantic.SemanticError) as exc:
        raise AuditError(f"{str(exc).splitlines()[0]}; nothing was trained") from exc
    tuned.clear_cache()
    svc.store.append_event(
        "model_change", actor, None,
        {"model": "tuned_classifier", "path": str(path), "review_examples": len(reviewed),
         "metrics": metrics},
    )
    return TunedReport(corpus_examples=len(corpus), review_examples=len(reviewed),
                       held_out=len(held), metrics=metrics, path=str(out), note="written")
