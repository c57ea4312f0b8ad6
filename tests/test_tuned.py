"""The fine-tuned sentence classifier: adapters merge exactly, bad files are clear errors, the
veto only drops what the model is sure about, and the shipped classifier reads paraphrases."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

torch = pytest.importorskip("torch")

from extractors import extract, heads, hybrid, models, packaged, tuned  # noqa: E402
from extractors.schema import Document, Utterance  # noqa: E402
from extractors.tuned import TunedError, TunedMeta  # noqa: E402
from tests.cli_helpers import TINY_TUNED_CORPUS  # noqa: E402


def _model_or_skip() -> None:
    status = models.model_status()
    if not status.available:
        pytest.skip(f"embedding model not installed: {status.reason}")


def _meta(**update: object) -> TunedMeta:
    base = dict(
        version="t", base_model="m", dim=4, layers=1, rank=2, alpha=4.0,
        labels=list(tuned.DIMENSIONS), add_threshold=0.6, veto_threshold=0.05, epochs=1,
        n_train=1, trained_at="now",
    )
    return TunedMeta(**{**base, **update})


def _state() -> dict:
    state = {}
    for target in tuned.TARGETS:
        out, inp = (8, 4) if target == "intermediate.dense" else (
            (4, 8) if target == "output.dense" else (4, 4))
        state[f"encoder.layer.0.{target}.weight"] = torch.randn(out, inp)
    state["encoder.layer.0.output.dense.bias"] = torch.zeros(4)
    return state


def _adapters(state: dict, rank: int = 2) -> dict:
    tensors = {}
    for target in tuned.TARGETS:
        out, inp = state[f"encoder.layer.0.{target}.weight"].shape
        tensors[f"lora.0.{target}.A"] = torch.randn(rank, inp)
        tensors[f"lora.0.{target}.B"] = torch.randn(out, rank)
    return tensors


def test_merge_adds_the_scaled_low_rank_change_and_the_overrides() -> None:
    state = _state()
    tensors = _adapters(state)
    tensors["override.encoder.layer.0.output.dense.bias"] = torch.ones(4)
    merged = tuned.merge_adapters(state, tensors, _meta())
    key = "encoder.layer.0.attention.self.query.weight"
    a, b = tensors["lora.0.attention.self.query.A"], tensors["lora.0.attention.self.query.B"]
    assert torch.allclose(merged[key], state[key] + 2.0 * (b @ a))
    assert torch.equal(merged["encoder.layer.0.output.dense.bias"], torch.ones(4))
    assert torch.equal(state["encoder.layer.0.output.dense.bias"], torch.zeros(4))  # a copy


def test_merge_refuses_adapters_made_for_another_model() -> None:
    state = _state()
    tensors = _adapters(state)
    tensors["lora.0.attention.self.query.B"] = torch.randn(5, 2)
    with pytest.raises(TunedError, match="retrain"):
        tuned.merge_adapters(state, tensors, _meta())
    tensors = _adapters(state)
    del tensors["lora.0.attention.self.key.A"]
    with pytest.raises(TunedError, match="lack"):
        tuned.merge_adapters(state, tensors, _meta())
    with pytest.raises(TunedError, match="does not have"):
        tuned.merge_adapters(state, {**_adapters(state), "override.nope": torch.ones(1)}, _meta())


def test_frozen_layers_keep_their_weights_and_any_encoder_names_work() -> None:
    """An MPNet-style classifier: adapters on layer 1 only, under MPNet's own layer names."""
    state = {f"encoder.layer.{i}.attention.attn.q.weight": torch.randn(4, 4) for i in (0, 1)}
    tensors = {"lora.1.attention.attn.q.A": torch.randn(2, 4),
               "lora.1.attention.attn.q.B": torch.randn(4, 2)}
    merged = tuned.merge_adapters(state, tensors, _meta(frozen_layers=1))
    assert torch.equal(merged["encoder.layer.0.attention.attn.q.weight"],
                       state["encoder.layer.0.attention.attn.q.weight"])
    assert not torch.equal(merged["encoder.layer.1.attention.attn.q.weight"],
                           state["encoder.layer.1.attention.attn.q.weight"])
    with pytest.raises(TunedError, match="no adapters"):
        tuned.merge_adapters(state, {}, _meta())


def test_missing_corrupt_or_foreign_files_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(TunedError, match="python -m extractors.tuned train"):
        tuned.read_files(tmp_path)
    (tmp_path / tuned.META_FILE).write_text("{not json", encoding="utf-8")
    (tmp_path / tuned.WEIGHTS_FILE).write_bytes(b"\x00" * 64)
    with pytest.raises(TunedError, match="not a valid"):
        tuned.read_files(tmp_path)
    (tmp_path / tuned.META_FILE).write_text(_meta().model_dump_json(), encoding="utf-8")
    with pytest.raises(TunedError, match="unreadable"):
        tuned.read_files(tmp_path)
    (tmp_path / tuned.META_FILE).write_text(
        _meta(labels=["budget", "none"]).model_dump_json(), encoding="utf-8"
    )
    with pytest.raises(TunedError, match="labels"):
        tuned.read_files(tmp_path)


def test_a_broken_classifier_is_read_once_not_per_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _model_or_skip()
    reads: list[Path] = []
    real = tuned.read_meta

    def counting(folder: Path) -> TunedMeta:
        reads.append(folder)
        return real(folder)

    monkeypatch.setattr(tuned, "read_meta", counting)
    tuned.clear_cache()
    for _ in range(3):
        with pytest.raises(TunedError, match="no tuned classifier"):
            tuned.load_tuned(tmp_path)
    assert len(reads) == 1
    tuned.clear_cache()


def _call(line: str) -> Document:
    text = f"Dana Ortiz: {line}"
    utt = Utterance(index=0, speaker="Dana Ortiz", role="prospect", start=12, end=len(text),
                    text=line)
    return Document(kind="call", text=text, utterances=(utt,))


def test_veto_drops_only_signals_the_model_scores_low_for_their_dimension() -> None:
    doc = _call("We have 80k approved for this.")
    rules = [s for s in extract(doc) if s.dimension == "budget"]
    assert rules
    sentence = (12, len(doc.text))
    low = {d: 0.9 for d in tuned.DIMENSIONS} | {"budget": 0.01}
    high = {d: 0.0 for d in tuned.DIMENSIONS} | {"budget": 0.2}
    assert hybrid.veto(rules, [(*sentence, low)], below=0.05) == []
    assert hybrid.veto(rules, [(*sentence, high)], below=0.05) == rules
    assert hybrid.veto(rules, [], below=0.05) == rules  # not scored: the model has no say


def test_without_a_tuned_classifier_the_linear_head_still_adds(tmp_path: Path) -> None:
    _model_or_skip()
    doc = _call("Honestly the money side is sorted, finance signed it off last week.")
    signals, note = hybrid.extract_hybrid(doc, tuned_dir=tmp_path)  # empty: no classifier
    assert note is None
    assert any(s.dimension == "budget" for s in signals)


# Written for this test, never trained on: three per dimension (two for stakeholders) in words
# the rules were not written for, and small talk that is about nothing.
PARAPHRASES = {
    "The money side is sorted, don't worry about that.": "budget",
    "Finance already ring-fenced the spend for this in our plan.": "budget",
    "We've got the funds lined up once the pilot proves itself.": "budget",
    "Cost-wise we can stretch to roughly what you quoted.": "budget",
    "My boss has the final word on anything like this.": "authority",
    "Whatever I recommend, the COO is the one who signs.": "authority",
    "I can't commit us; it goes up to our managing director.": "authority",
    "We'd want this running before the busy season starts in spring.": "timeline",
    "Ideally we flip the switch by the end of next quarter.": "timeline",
    "There's no rush on our side, maybe sometime next year.": "timeline",
    "Legal will want to see your pen-test before we go further.": "security",
    "Our IT team insists on single sign-on for every tool we buy.": "security",
    "Patient records must stay on servers inside the EU.": "security",
    "Priya from procurement will sit in on the next session.": "stakeholder",
    "I'll loop in our head of operations, she runs the warehouses.": "stakeholder",
    "We keep losing orders because the spreadsheets never match.": "need",
    "Half my team's week goes on copying numbers between systems.": "need",
    "Customers are complaining that our quotes take days to arrive.": "need",
    "We're also talking to two other vendors about this.": "competition",
    "Honestly, Zendesk quoted us a lot less for something similar.": "competition",
    "We've been on HubSpot for five years and it mostly works.": "competition",
    "Send over the contract and I'll get it to legal on Monday.": "next_step",
    "Let's book a demo with the whole team next Thursday.": "next_step",
    "We'll run the trial with two depots and regroup in three weeks.": "next_step",
    "Nothing about the weather here has been normal this year.": None,
    "Sorry, my dog keeps barking at the delivery van.": None,
    "The traffic on the way in was awful this morning.": None,
    "Did you catch the match on Saturday?": None,
}


@pytest.mark.slow
def test_shipped_classifier_reads_paraphrases_the_rules_were_not_written_for() -> None:
    """Most paraphrases get their dimension, clearly; small talk gets nothing. (The MiniLM
    classifier and the MPNet one each got 23 of 24, missing different sentences: one
    sentence is not a measure, the share is.)"""
    _model_or_skip()
    clf = tuned.load_tuned()
    assert clf.meta.base_model == clf.embedder.name
    probs = clf.scores(list(PARAPHRASES))
    right, wrong = 0, []
    for row, (text, dim) in zip(probs, PARAPHRASES.items(), strict=True):
        if dim is None:
            assert row.max() < clf.meta.veto_threshold, text
        elif tuned.DIMENSIONS[int(row.argmax())] == dim and row.max() >= 0.5:
            right += 1
        else:
            wrong.append(text)
    assert right >= 21, wrong  # of 24


@pytest.mark.slow
def test_int8_setting_never_quantizes_the_mpnet_classifier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """int8 turned every MPNet score to about 0 (F1 0.837 -> 0.002 on batches 20-22): with
    QUALIFY_MODEL_QUANTIZE=1 the MPNet classifier still runs in fp32 and still reads."""
    _model_or_skip()
    meta = tuned.read_meta(heads.HEADS_DIR)
    if meta.base_model != packaged.MPNET.name:
        pytest.skip("the shipped classifier is not on MPNet")
    monkeypatch.setenv(models.QUANTIZE_ENV, "1")
    tuned.clear_cache()
    try:
        clf = tuned.load_tuned()
        assert not clf.embedder.quantized
        probs = clf.scores(["Let's book a demo with the whole team next Thursday."])
        assert probs[0][tuned.DIMENSIONS.index("next_step")] >= meta.add_threshold
    finally:
        tuned.clear_cache()


@pytest.mark.slow
@pytest.mark.parametrize(("base", "frozen"), [(models.MODEL_NAME, 0), (packaged.MPNET.name, 4)])
def test_training_saves_a_small_classifier_that_loads_and_scores(
    tmp_path: Path, base: str, frozen: int
) -> None:
    """Both encoders train: MiniLM on the native BERT, MPNet through transformers."""
    _model_or_skip()
    try:
        tuned.base_model_dir(base)
    except models.ModelUnavailable as exc:
        pytest.skip(str(exc))
    examples = TINY_TUNED_CORPUS * 2
    settings = tuned.TrainSettings(base_model=base, frozen_layers=frozen, epochs=1, rank=4)
    trained = tuned.train(examples, settings, log=lambda _: None)
    path = tuned.save(tuned.compress(trained, rank=4), trained.meta, tmp_path)
    meta = json.loads(path.read_text())
    assert meta["rank"] == 4 and meta["base_model"] == base and meta["frozen_layers"] == frozen
    assert (tmp_path / tuned.WEIGHTS_FILE).stat().st_size < 2_000_000
    clf = tuned._load(tmp_path)
    assert clf.scores(["Budget is fine."]).shape == (1, len(tuned.DIMENSIONS))


def test_shipped_metadata_matches_the_weights_file() -> None:
    meta = TunedMeta.model_validate_json((heads.HEADS_DIR / tuned.META_FILE).read_text())
    assert meta.labels == list(tuned.DIMENSIONS)
    assert (heads.HEADS_DIR / tuned.WEIGHTS_FILE).stat().st_size < 32_000_000
    assert 0 < meta.veto_threshold < meta.add_threshold < 1


@pytest.mark.slow
def test_rules_plus_model_beats_rules_on_the_test_split() -> None:
    """The ablation `qualify eval --split test` reports (aggregate only; never tuned on)."""
    _model_or_skip()
    from assistant.evaluation import evaluate

    report = evaluate("test", with_model=True)
    assert report.hybrid is not None, report.hybrid_note
    rules, both = report.system.micro, report.hybrid.micro
    assert both.f1 >= rules.f1 + 0.06
    assert both.precision >= 0.85
    assert both.recall >= rules.recall + 0.07


def test_qualify_models_shows_the_classifier_train_tuned_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from typer.testing import CliRunner

    from assistant.cli import state
    from tests.cli_helpers import ok, rules_only, run

    rules_only(monkeypatch, tmp_path)
    runner, db = CliRunner(), tmp_path / "q.db"
    shipped = json.loads(ok(run(runner, db, "models", "--json")))["heads"]["tuned"]
    assert shipped["source"] == "shipped" and "error" not in shipped
    meta = tuned.read_meta(heads.HEADS_DIR)
    assert shipped["base_model"] == meta.base_model  # and where that encoder is on disk
    assert (Path(shipped["base_path"]) / "model.safetensors").is_file()
    trained = state.settings().heads_dir / "tuned"
    trained.mkdir(parents=True)
    for name in (tuned.META_FILE, tuned.WEIGHTS_FILE):
        shutil.copy(heads.HEADS_DIR / name, trained / name)
    listed = json.loads(ok(run(runner, db, "models", "--json")))["heads"]["tuned"]
    assert listed["source"].startswith("trained") and listed["path"].startswith(str(trained))
    shutil.rmtree(trained)
    other = tmp_path / "other"
    shutil.copytree(heads.HEADS_DIR, other, ignore=shutil.ignore_patterns("__*"))
    monkeypatch.setenv(tuned.TUNED_DIR_ENV, str(other))
    pointed = json.loads(ok(run(runner, db, "models", "--json")))["heads"]["tuned"]
    assert pointed["source"] == tuned.TUNED_DIR_ENV and pointed["path"].startswith(str(other))
