"""The native BERT and MPNet backends (plain torch + safetensors + tokenizers) against
transformers.

The packaged MiniLM runs natively so that loading it never pays for importing transformers;
these tests hold it to the transformers vectors and check when the fallback is taken.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import models  # noqa: E402

pytestmark = pytest.mark.slow

TEXTS = [
    "We have budget approved for this project.",
    "",
    "   ",
    "\n\t",
    "a",
    "?!...",
    "Héllo wörld, ça va? Straße und Ünïcödé: ñ ø å æ œ",
    "日本語のテキストです。中文也可以。",
    "Deal closed 🚀🔥👍🏽 great job 🎉",
    "مرحبا بالعالم، نحتاج إلى استضافة البيانات في أوروبا",
    "The CFO (Dana Ortiz) signs contracts > $50,000 — see https://example.com/a?b=c or "
    "mail dana@acme.io",
    "zero\u200bwidth, combining e\u0301 and a control\x07char",
    "UPPER lower MiXeD 12345 3.14 1e-9 FY27 Q3",
    " ".join(["We need SOC 2 Type II reports and EU data hosting before we sign anything."] * 30),
    "x" * 2000,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "Budget: 80k. Timeline: Q3. Decision maker: VP Sales.",
    "no",
    "Dana Ortiz: I'd need to run it past my manager before we commit.",
    "Our current vendor is Acme, but they look weaker on reporting.",
]


def _model_dir_or_skip() -> Path:
    status = models.model_status()
    if not status.available or status.path is None:
        pytest.skip(f"embedding model not installed: {status.reason}")
    return Path(status.path)


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return _model_dir_or_skip()


@pytest.fixture(scope="module")
def reference(model_dir: Path) -> models.Embedder:
    pytest.importorskip("transformers")
    emb = models.Embedder(model_dir, backend="transformers")
    assert emb.backend == "transformers"
    return emb


def _copy_model(src: Path, dst: Path, skip: tuple[str, ...] = ()) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for item in src.iterdir():
        if item.is_file() and item.name not in skip:
            (dst / item.name).symlink_to(item)
    return dst


def _write_config(dst: Path, src: Path, **changes: object) -> None:
    config = json.loads((src / "config.json").read_text(encoding="utf-8"))
    config.update(changes)
    (dst / "config.json").unlink(missing_ok=True)
    (dst / "config.json").write_text(json.dumps(config), encoding="utf-8")


def test_packaged_model_runs_natively(model_dir: Path) -> None:
    assert models._native_reason(model_dir, json.loads((model_dir / "config.json").read_text()))\
        is None
    emb = models.get_embedder()
    assert emb.backend == "native"
    assert emb.name == models.MODEL_NAME and emb.dim == 384


def test_native_tokens_match_transformers(model_dir: Path, reference: models.Embedder) -> None:
    native = models.get_embedder()
    ids, mask = native._encode(TEXTS)
    ref_ids, ref_mask = reference._encode(TEXTS)
    assert ids.shape == ref_ids.shape and ids.shape[1] == models.MAX_TOKENS  # long texts cut
    assert (ids == ref_ids).all() and (mask == ref_mask).all()


def test_native_vectors_match_transformers(model_dir: Path, reference: models.Embedder) -> None:
    native = models.get_embedder()
    got = native.embed(TEXTS)
    want = reference.embed(TEXTS)
    assert got.shape == want.shape == (len(TEXTS), 384) and got.dtype == np.float32
    assert np.abs(got - want).max() < 1e-4
    assert ((got * want).sum(axis=1) > 0.99999).all()
    one_by_one = np.vstack([native.embed([t]) for t in TEXTS])  # no padding at all
    assert np.abs(one_by_one - want).max() < 1e-4


def test_native_int8_matches_transformers_int8(
    model_dir: Path, reference: models.Embedder
) -> None:
    native = models.get_embedder(quantize=True)
    assert native.backend == "native" and native.quantized
    ref = models.Embedder(model_dir, quantize=True, backend="transformers")
    got, want = native.embed(TEXTS), ref.embed(TEXTS)
    assert ((got * want).sum(axis=1) > 0.999).all()


def _run(code: str) -> list[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop(models.MODEL_DIR_ENV, None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()


def test_native_load_does_not_import_transformers(model_dir: Path) -> None:
    lines = _run(
        "import sys\n"
        "from extractors import models\n"
        "for q in (False, True):\n"
        "    emb = models.get_embedder(quantize=q)\n"
        "    vec = emb.embed(['We have budget approved for this project.', ''])\n"
        "    print(emb.backend, vec.shape)\n"
        "print('transformers' in sys.modules, 'torch._dynamo' in sys.modules)\n"
    )
    assert lines[:2] == ["native (2, 384)", "native (2, 384)"]
    transformers_loaded, dynamo_loaded = lines[2].split()
    assert transformers_loaded == "False"
    # torch._dynamo is ~1 s more of imports (initialising an nn.Embedding on the meta device
    # pulls it in, for one): loading must not add it unless `import torch` does by itself.
    if dynamo_loaded == "True":
        assert _run("import sys, torch; print('torch._dynamo' in sys.modules)") == ["True"]


def test_no_tokenizer_json_falls_back_to_transformers(
    model_dir: Path, reference: models.Embedder, tmp_path: Path
) -> None:
    copy = _copy_model(model_dir, tmp_path / "m", skip=("tokenizer.json",))
    assert models._native_reason(copy, json.loads((copy / "config.json").read_text()))
    emb = models.get_embedder(copy)
    assert emb.backend == "transformers"  # vocab.txt only: transformers builds the tokenizer
    assert np.abs(emb.embed(TEXTS[:6]) - models.get_embedder().embed(TEXTS[:6])).max() < 1e-4
    with pytest.raises(models.ModelUnavailable, match="tokenizer.json"):
        models.Embedder(copy, backend="native")


def test_other_model_type_is_left_to_transformers(model_dir: Path, tmp_path: Path) -> None:
    copy = _copy_model(model_dir, tmp_path / "m", skip=("config.json",))
    _write_config(copy, model_dir, model_type="not-a-bert")
    with pytest.raises(models.ModelUnavailable, match="not one of") as forced:
        models.Embedder(copy, backend="native")
    assert "\n" not in str(forced.value)
    pytest.importorskip("transformers")
    with pytest.raises(models.ModelUnavailable, match="could not be loaded"):
        models.get_embedder(copy)  # transformers' own error, as before


def test_weights_that_do_not_fit_the_config_fall_back(
    model_dir: Path, reference: models.Embedder, tmp_path: Path
) -> None:
    copy = _copy_model(model_dir, tmp_path / "m", skip=("config.json",))
    _write_config(copy, model_dir, num_hidden_layers=7)  # the checkpoint has 6
    with pytest.raises(models.ModelUnavailable, match="do not match"):
        models.Embedder(copy, backend="native")
    assert models.Embedder(copy).backend == "transformers"


def test_prefixed_checkpoint_runs_natively(model_dir: Path, tmp_path: Path) -> None:
    from safetensors.torch import load_file, save_file

    copy = _copy_model(model_dir, tmp_path / "m", skip=("model.safetensors",))
    state = load_file(str(model_dir / "model.safetensors"))
    save_file({f"bert.{k}": v for k, v in state.items()}, str(copy / "model.safetensors"))
    emb = models.Embedder(copy)
    assert emb.backend == "native"
    assert np.abs(emb.embed(TEXTS[:4]) - models.get_embedder().embed(TEXTS[:4])).max() < 1e-6


def test_corrupt_weights_fail_fast_without_transformers(model_dir: Path, tmp_path: Path) -> None:
    copy = _copy_model(model_dir, tmp_path / "m", skip=("model.safetensors",))
    (copy / "model.safetensors").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(models.ModelUnavailable, match="could not be loaded") as err:
        models.Embedder(copy, backend="native")
    assert "\n" not in str(err.value) and models.INSTALL_HINT in str(err.value)


def test_unknown_backend_is_refused(model_dir: Path) -> None:
    with pytest.raises(ValueError, match="backend"):
        models.Embedder(model_dir, backend="onnx")


def test_native_mpnet_matches_transformers_with_the_shipped_adapters() -> None:
    """The tuned classifier's encoder (MPNet + merged adapters) runs natively and gives the
    vectors transformers gives, padded or not; so the scores are the ones measured."""
    pytest.importorskip("transformers")
    from extractors import tuned

    folder = tuned.tuned_folder(None)
    meta = tuned.read_meta(folder)
    try:
        base = tuned.base_model_dir(meta.base_model)
    except models.ModelUnavailable as exc:
        pytest.skip(str(exc))
    tensors, meta = tuned.read_files(folder)

    def adapt(state: dict) -> dict:
        return tuned.merge_adapters(state, tensors, meta)

    native = models.Embedder(base, adapter=adapt)
    reference = models.Embedder(base, adapter=adapt, backend="transformers")
    assert native.backend == "native" and native.dim == reference.dim == 768
    ids, mask = native._encode(TEXTS)
    ref_ids, ref_mask = reference._encode(TEXTS)
    assert (ids == ref_ids).all() and (mask == ref_mask).all()
    got, want = native.embed(TEXTS), reference.embed(TEXTS)
    assert np.abs(got - want).max() < 1e-4
    one_by_one = np.vstack([native.embed([t]) for t in TEXTS])
    assert np.abs(one_by_one - want).max() < 1e-4
