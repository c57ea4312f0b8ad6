"""The hybrid's judge: it learns which rules to trust from out-of-fold scores, refuses files
made for other features with one line, and the hybrid falls back to thresholds without it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from extractors import heads, hybrid, judge
from extractors.schema import DIMENSIONS, Document, Evidence, Signal, Utterance


def _doc(lines: list[str]) -> Document:
    text, utts, pos = "", [], 0
    for i, line in enumerate(lines):
        prefix = "Dana: "
        start = pos + len(prefix)
        utts.append(Utterance(index=i, speaker="Dana", role="prospect", start=start,
                              end=start + len(line), text=line))
        text += prefix + line + "\n"
        pos = len(text)
    return Document(kind="call", text=text, utterances=tuple(utts))


def _finding(doc: Document, line: int, dimension: str, rule: str) -> Signal:
    utt = doc.utterances[line]
    return Signal(
        dimension=dimension, type="x", polarity="for", confidence=0.8,
        evidence=Evidence(start=utt.start, end=utt.end, speaker="Dana", role="prospect",
                          quote=utt.text, extractor="rules", extractor_version="t",
                          reasons=(f"rule:{rule}",)),
    )


def _scores(doc: Document, probs: list[dict[str, float]]) -> judge.Scores:
    base = dict.fromkeys(DIMENSIONS, 0.01)
    return [(u.start, u.end, base | p) for u, p in zip(doc.utterances, probs, strict=True)]


def _rows(n: int) -> list[judge.JudgeRow]:
    """Documents where rule `precise` is right 9 times in 10 and rule `noisy` 1 in 10, with
    the same middling classifier score: only the rule's record tells them apart. The
    classifier's confident sentences are right, its unsure ones are not."""
    rng = np.random.default_rng(0)
    rows = []
    for i in range(n):
        doc = _doc(["We have budget set aside.", "We use a spreadsheet for this.",
                    "The team is struggling to keep up.", "The weather is awful today."])
        precise_right, noisy_right = rng.random() < 0.9, rng.random() < 0.1
        gold = []
        if precise_right:
            gold.append(("budget", doc.utterances[0].start, doc.utterances[0].end))
        if noisy_right:
            gold.append(("competition", doc.utterances[1].start, doc.utterances[1].end))
        sure = i % 2 == 0
        if sure:
            gold.append(("need", doc.utterances[2].start, doc.utterances[2].end))
        scores = _scores(doc, [{"budget": 0.4}, {"competition": 0.4},
                               {"need": 0.95 if sure else 0.45}, {}])
        rules = [_finding(doc, 0, "budget", "precise"), _finding(doc, 1, "competition", "noisy")]
        rows.append(judge.JudgeRow(document=doc, gold=gold, rules=rules, scores=scores))
    return rows


def test_logistic_fit_learns_a_separable_direction() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 3))
    y = (x[:, 0] - 0.5 * x[:, 2] > 0).astype(float)
    w, b = judge.fit_logit(x, y)
    pred = (x @ w + b) > 0
    assert (pred == y.astype(bool)).mean() > 0.95
    assert w[0] > 0 > w[2] and abs(w[1]) < abs(w[0]) / 3


def test_the_judge_trusts_a_precise_rule_and_vetoes_a_noisy_one_at_the_same_score() -> None:
    fitted = judge.fit(_rows(80), "t")
    assert fitted.rule_precision("precise") > 0.8 > 0.2 > fitted.rule_precision("noisy")
    row = _rows(1)[0]
    kept, added = judge.decide(fitted, row.document, row.rules, row.scores)
    assert [judge.rule_of(s) for s in kept] == ["precise"]
    # a confident sentence is added, the unsure one is not, the weather never
    sure = judge.decide(fitted, row.document, [], _scores(row.document, [
        {}, {}, {"need": 0.95}, {"need": 0.45}]))[1]
    assert [(row.document.text[s:e], d) for s, e, d, _ in sure] == [
        ("The team is struggling to keep up.", "need")]


def test_an_unknown_rule_gets_the_mean_precision() -> None:
    fitted = judge.fit(_rows(40), "t")
    assert fitted.rule_precision("never-seen") == pytest.approx(fitted.prior_mean)


def test_a_rule_finding_no_sentence_covers_is_kept() -> None:
    """A rep's line or a two-word fragment is not scored: the judge has no say there."""
    fitted = judge.fit(_rows(40), "t")
    row = _rows(1)[0]
    kept, _ = judge.decide(fitted, row.document, row.rules, [])
    assert kept == row.rules


def test_fitting_refuses_data_without_both_outcomes() -> None:
    rows = _rows(5)
    for row in rows:
        row.gold.clear()
    with pytest.raises(judge.JudgeError, match="right and wrong"):
        judge.fit(rows, "t")


def test_bad_judge_files_are_one_line_errors(tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    with pytest.raises(judge.JudgeError, match="no judge at"):
        judge.read_judge(missing)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(judge.JudgeError, match="not a valid judge file"):
        judge.read_judge(broken)
    fitted = json.loads(judge.fit(_rows(40), "t").model_dump_json())
    fitted["keep"]["features"] = fitted["keep"]["features"][:-1]
    other = tmp_path / "other.json"
    other.write_text(json.dumps(fitted))
    with pytest.raises(judge.JudgeError, match="other features; refit it"):
        judge.read_judge(other)
    with pytest.raises(judge.JudgeError) as info:
        judge.read_judge(broken)
    assert "\n" not in str(info.value)


def test_a_saved_judge_reads_back_the_same(tmp_path: Path) -> None:
    fitted = judge.fit(_rows(40), "t")
    path = judge.save(fitted, tmp_path / "j.json")
    assert judge.read_judge(path) == fitted


def test_without_a_judge_the_hybrid_uses_the_thresholds(tmp_path: Path) -> None:
    from extractors.tuned import TunedMeta

    row = _rows(1)[0]
    meta = TunedMeta(version="t", base_model="m", dim=4, layers=1, rank=2, alpha=4.0,
                     labels=list(DIMENSIONS), add_threshold=0.9, veto_threshold=0.5, epochs=1,
                     n_train=1, trained_at="now")
    judge.clear_cache()
    kept, added = hybrid._decide(row.document, row.rules, row.scores, meta,
                                 tmp_path / "missing.json")
    assert kept == [] and [d for *_, d, _ in added] == ["need"]  # all under 0.5; need 0.95


def test_the_shipped_judge_loads_and_was_measured_out_of_fold() -> None:
    judge.clear_cache()
    shipped = judge.load_judge(heads.HEADS_DIR / judge.JUDGE_FILE)
    assert shipped.rule_counts and 0 < shipped.keep.threshold < 1
    cv = shipped.metrics["cross_validated"]
    assert set(cv) == {"thresholds", "judge"}


def test_fitting_is_measured_against_the_thresholds_on_held_out_folds() -> None:
    from assistant.audit import judge_fit

    rows = [(i % 4, row) for i, row in enumerate(_rows(80))]
    cv = judge_fit.cross_validate(rows, 4, add=0.7, veto=0.1)
    assert cv["judge"]["precision"] > cv["thresholds"]["precision"]  # the noisy rule goes
    assert cv["judge"]["f1"] > cv["thresholds"]["f1"]


def test_folds_follow_the_path_inside_the_repository_not_the_clone() -> None:
    from assistant.audit import judge_fit
    from assistant.evaluation import ROOT

    doc = ROOT / "fixtures" / "docs" / "northwind_discovery.vtt"
    assert judge_fit.fold_of(doc, 4) == judge_fit.fold_of(doc.parent / ".." / "docs" / doc.name, 4)
    folds = {judge_fit.fold_of(p, 4) for p in (ROOT / "fixtures" / "gold" / "dev").glob("*.txt")}
    assert folds == {0, 1, 2, 3}


def test_qualify_models_names_the_judge_and_a_broken_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from tests.cli_helpers import ok, rules_only, run

    rules_only(monkeypatch, tmp_path)
    runner = CliRunner()
    out = json.loads(ok(run(runner, tmp_path / "q.db", "models", "--json")))
    assert out["heads"]["judge"]["rules_measured"] > 50
    monkeypatch.setenv(judge.JUDGE_ENV, str(tmp_path / "gone.json"))
    broken = json.loads(ok(run(runner, tmp_path / "q.db", "models", "--json")))
    error = broken["heads"]["judge"]["error"]
    assert error.startswith("no judge at") and error.endswith("(thresholds decide instead)")


def test_with_the_judge_a_confident_model_still_raises_a_kept_findings_confidence(
    tmp_path: Path,
) -> None:
    from extractors.tuned import TunedMeta

    fitted = judge.fit(_rows(80), "t")
    path = judge.save(fitted, tmp_path / "j.json")
    row = _rows(1)[0]
    scores = _scores(row.document, [{"budget": 0.97}, {}, {}, {}])
    meta = TunedMeta(version="t", base_model="m", dim=4, layers=1, rank=2, alpha=4.0,
                     labels=list(DIMENSIONS), add_threshold=0.7, veto_threshold=0.1, epochs=1,
                     n_train=1, trained_at="now")
    judge.clear_cache()
    kept, cands = hybrid._decide(row.document, row.rules[:1], scores, meta, path)
    merged = hybrid.combine(row.document, kept, cands, "tuned-t", gates=False)
    assert len(merged) == 1 and merged[0].confidence > row.rules[0].confidence
    assert any(r.startswith("model-agrees") for r in merged[0].evidence.reasons)
