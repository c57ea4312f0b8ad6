"""Fit the hybrid's judge (extractors/judge.py) on out-of-fold classifier scores.

Why out-of-fold: the shipped classifier has seen every dev document, so its scores there are
overconfident. K classifiers, each trained without one K-th of the documents, score the
documents they never saw; the judge learns from those scores how far to trust the classifier
and each rule on new text. The judge is measured the same way (fitted on K-1 folds, decided
on the last) against the two plain thresholds before anything is written.

    python -m assistant.audit.judge_fit --folds DIR --train-folds   # train K classifiers, fit
    python -m assistant.audit.judge_fit --folds DIR                 # reuse them, fit again
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.evaluation import (
    ROOT,
    GoldLabel,
    Scores,
    _finish,
    _score_document,
    _system,
    load_gold,
    locate,
    parse_document,
)
from extractors import EXTRACTOR_VERSION, extract, heads, hybrid, judge, tuned
from extractors.models import ModelUnavailable
from extractors.schema import Document, Signal
from extractors.semantic import TRAIN_FOLDERS

Policy = Callable[[judge.JudgeRow], list[Signal]]


def fold_of(path: Path, k: int) -> int:
    """A document's fold, by a hash of its path inside the repository (stable across clones)."""
    rel = path.resolve().relative_to(ROOT).as_posix()
    return hashlib.sha1(rel.encode()).digest()[0] % k


def _documents(folders: Sequence[Path]) -> list[tuple[Path, Document, list[tuple[str, int, int]]]]:
    out = []
    for folder in folders:
        for entry, labels in load_gold(folder):
            path = folder / entry.path
            try:
                document = parse_document(path, entry)
            except Exception:  # noqa: BLE001 - the evaluation skips unparsable files too
                continue
            gold = []
            for label in labels:
                span = locate(document.text, label.quote, label.occurrence)
                if span is not None:
                    gold.append((label.dimension, span[0], span[1]))
            out.append((path, document, gold))
    return out


def _fold_folder(folder: Path, dst: Path, keep: Callable[[Path], bool]) -> None:
    """A copy of a gold folder's manifest and labels (files linked) without the held fold."""
    def rows(p: Path) -> list[dict]:
        return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]

    dst.mkdir(parents=True)
    manifest = [m for m in rows(folder / "manifest.jsonl") if keep(folder / m["path"])]
    paths = {m["path"] for m in manifest}
    labels = [x for x in rows(folder / "labels.jsonl") if x.get("path") in paths]
    for name, items in (("manifest.jsonl", manifest), ("labels.jsonl", labels)):
        (dst / name).write_text("".join(json.dumps(x) + "\n" for x in items), encoding="utf-8")
    for m in manifest:
        (dst / m["path"]).parent.mkdir(parents=True, exist_ok=True)
        os.symlink((folder / m["path"]).resolve(), dst / m["path"])


def train_folds(folders: Sequence[Path], out: Path, k: int, settings: tuned.TrainSettings,
                log: Callable[[str], None] = print) -> None:
    """K classifiers in out/0 .. out/K-1, each trained without the documents of its fold."""
    for fold in range(k):
        with tempfile.TemporaryDirectory() as tmp:
            parts = []
            for i, folder in enumerate(folders):
                dst = Path(tmp) / f"{i}_{folder.name}"
                _fold_folder(folder, dst, lambda p, fold=fold: fold_of(p, k) != fold)
                parts.append(dst)
            examples = tuned.sentence_examples(parts)
        log(f"fold {fold + 1}/{k}: {len(examples)} sentences")
        model = tuned.train(examples, settings, log=log)
        tuned.save(tuned.compress(model, settings.rank), model.meta, out / str(fold))


def judge_rows(
    folders: Sequence[Path], folds_dir: Path, k: int
) -> list[tuple[int, judge.JudgeRow]]:
    """(fold, row) for every labeled document, scored by the classifier that never saw it."""
    classifiers = {fold: tuned.load_tuned(folds_dir / str(fold)) for fold in range(k)}
    rows = []
    for path, document, gold in _documents(folders):
        fold = fold_of(path, k)
        scores = tuned.sentence_scores(document, classifiers[fold])
        rows.append((fold, judge.JudgeRow(document=document, gold=gold,
                                          rules=extract(document), scores=scores)))
    return rows


def thresholds_policy(add: float, veto: float) -> Policy:
    """What the hybrid does without a judge."""
    def run(row: judge.JudgeRow) -> list[Signal]:
        cands = [(s, e, d, p) for s, e, probs in row.scores for d, p in probs.items() if p >= add]
        kept = hybrid.veto(row.rules, row.scores, veto)
        return hybrid.combine(row.document, kept, cands, "tuned-oof", gates=False)
    return run


def judge_policy(fitted: judge.JudgeMeta) -> Policy:
    def run(row: judge.JudgeRow) -> list[Signal]:
        kept, cands = judge.decide(fitted, row.document, row.rules, row.scores)
        return hybrid.combine(row.document, kept, cands, "tuned-oof", gates=False)
    return run


def score(rows: Sequence[judge.JudgeRow], policies: Sequence[Policy]) -> Scores:
    """Micro scores of each row under its policy, with the evaluation's own matching."""
    per, errs = _system("judge")
    for row, policy in zip(rows, policies, strict=True):
        gold = [(GoldLabel(path="", dimension=d, type="x", polarity="for", quote="x"), s, e)
                for d, s, e in row.gold]
        _score_document("", row.document.text, gold, policy(row), per, errs)
    return _finish("judge", per, errs).micro


GRID = (0.4, 0.45, 0.5, 0.55)


def _with_thresholds(fitted: judge.JudgeMeta, keep: float, add: float) -> judge.JudgeMeta:
    return fitted.model_copy(update={
        "keep": fitted.keep.model_copy(update={"threshold": keep}),
        "add": fitted.add.model_copy(update={"threshold": add}),
    })


def _summary(micro: Scores) -> dict[str, float]:
    return {"precision": round(micro.precision, 4), "recall": round(micro.recall, 4),
            "f1": round(micro.f1, 4)}


def cross_validate(rows: Sequence[tuple[int, judge.JudgeRow]], k: int, add: float,
                   veto: float, grid: Sequence[float] = GRID) -> dict[str, dict[str, float]]:
    """Thresholds vs a judge fitted without each fold, on the same out-of-fold scores; the
    judge's keep and add thresholds are the grid point with the best cross-validated F1."""
    judges = {fold: judge.fit([r for f, r in rows if f != fold], EXTRACTOR_VERSION)
              for fold in range(k)}
    plain = thresholds_policy(add, veto)
    out = {"thresholds": _summary(score([r for _, r in rows], [plain for _ in rows]))}
    best: tuple[float, float, float] | None = None
    for keep_at in grid:
        for add_at in grid:
            policies = [judge_policy(_with_thresholds(judges[f], keep_at, add_at))
                        for f, _ in rows]
            micro = score([r for _, r in rows], policies)
            if best is None or micro.f1 > best[0]:
                best = (micro.f1, keep_at, add_at)
                out["judge"] = _summary(micro) | {"keep_threshold": keep_at,
                                                  "add_threshold": add_at}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.audit.judge_fit")
    parser.add_argument("--folds", required=True, type=Path,
                        help="folder of the K fold classifiers (0 .. K-1)")
    parser.add_argument("--train-folds", action="store_true",
                        help="train the K fold classifiers first (K trainings: about 30 min)")
    parser.add_argument("-k", type=int, default=4)
    parser.add_argument("--out", type=Path, default=heads.HEADS_DIR / judge.JUDGE_FILE)
    args = parser.parse_args(argv)
    folders = [Path(f) for f in TRAIN_FOLDERS]
    try:
        if args.train_folds:
            train_folds(folders, args.folds, args.k, tuned.TrainSettings())
        rows = judge_rows(folders, args.folds, args.k)
        shipped = tuned.read_meta(heads.HEADS_DIR)
        cv = cross_validate(rows, args.k, shipped.add_threshold, shipped.veto_threshold)
        print(json.dumps(cv, indent=1))
        fitted = judge.fit([r for _, r in rows], EXTRACTOR_VERSION,
                           keep_threshold=cv["judge"]["keep_threshold"],
                           add_threshold=cv["judge"]["add_threshold"])
        fitted = fitted.model_copy(update={"metrics": {
            "cross_validated": cv,
            "note": f"{len(rows)} documents, {args.k} folds by document; every score "
                    "out-of-fold; thresholds = the classifier's add/veto thresholds",
        }})
        print(f"saved {judge.save(fitted, args.out)}")
    except (tuned.TunedError, judge.JudgeError, ModelUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
