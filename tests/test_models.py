"""The embedding layer: offline loading, clear errors, batching, search helpers, heads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import heads, models  # noqa: E402
from extractors.heads import Head, HeadError, HeadMeta  # noqa: E402


def _model_or_skip() -> models.Embedder:
    status = models.model_status()
    if not status.available:
        pytest.skip(f"embedding model not installed: {status.reason}")
    return models.get_embedder()


# --- no model needed ----------------------------------------------------------------------


def test_importing_models_does_not_import_torch() -> None:
    # Loaded standalone: spaCy (via thinc) imports torch by itself whenever torch is installed,
    # so the package __init__ cannot be part of this check.
    code = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('m', 'extractors/models.py')\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False False"


def test_missing_model_dir_gives_one_line_reason(tmp_path: Path) -> None:
    status = models.model_status(tmp_path / "nowhere")
    assert not status.available
    assert "does not exist" in status.reason and "\n" not in status.reason
    with pytest.raises(models.ModelUnavailable, match="does not exist"):
        models.get_embedder(tmp_path / "nowhere")


def test_pickle_only_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"hidden_size": 384}))
    (tmp_path / "pytorch_model.bin").write_bytes(b"not loaded, ever")
    (tmp_path / "vocab.txt").write_text("[PAD]\n")
    status = models.model_status(tmp_path)
    assert not status.available
    assert "model.safetensors" in status.reason and "safetensors" in status.reason


def test_env_var_picks_the_model_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(models.MODEL_DIR_ENV, str(tmp_path))
    assert models.resolve_model_dir() == tmp_path
    assert models.resolve_model_dir(tmp_path / "explicit") == tmp_path / "explicit"


def test_declared_model_name_is_used(tmp_path: Path) -> None:
    (tmp_path / models.IDENTITY_FILE).write_text(json.dumps({"name": "acme/encoder"}))
    assert models.model_name_for(tmp_path) == "acme/encoder"


def test_corrupt_weights_raise_model_unavailable(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    src = models.model_status()
    if not src.available or src.path is None:
        pytest.skip("needs the installed model's tokenizer and config")
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt",
                 "special_tokens_map.json"):
        if (Path(src.path) / name).is_file():
            (tmp_path / name).write_bytes((Path(src.path) / name).read_bytes())
    (tmp_path / "model.safetensors").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(models.ModelUnavailable) as err:
        models.get_embedder(tmp_path)
    assert "could not be loaded" in str(err.value) and "\n" not in str(err.value)


class _FakeEmbedder(models.Embedder):
    """An embedder whose forward pass fails on batches larger than `limit` (like OOM)."""

    def __init__(self, limit: int, message: str = "DefaultCPUAllocator: out of memory") -> None:
        import threading

        self.dim = 2
        self.backend = "fake"  # not "native": embed() batches through _forward
        self.limit = limit
        self.message = message
        self.batches: list[int] = []
        self._lock = threading.Lock()

    def _forward(self, texts: list[str]) -> np.ndarray:
        if len(texts) > self.limit:
            raise RuntimeError(self.message)
        self.batches.append(len(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_embed_falls_back_to_smaller_batches_and_keeps_order() -> None:
    fake = _FakeEmbedder(limit=3)
    texts = ["x" * n for n in (5, 1, 9, 3, 7, 2, 8)]
    out = fake.embed(texts, batch_size=16)
    assert out[:, 0].tolist() == [5, 1, 9, 3, 7, 2, 8]
    assert max(fake.batches) <= 3


def test_embed_does_not_hide_other_runtime_errors() -> None:
    fake = _FakeEmbedder(limit=0, message="shape mismatch")
    with pytest.raises(RuntimeError, match="shape mismatch"):
        fake.embed(["a"], batch_size=4)


def test_embed_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError):
        _FakeEmbedder(limit=5).embed("one string")  # type: ignore[arg-type]


def test_cosine_top_k_orders_best_first() -> None:
    matrix = np.array([[1, 0], [0, 1], [0.7, 0.7], [-1, 0]], dtype=np.float32)
    top = models.cosine_top_k(np.array([1.0, 0.1]), matrix, k=3)
    assert [i for i, _ in top] == [0, 2, 1]
    assert top[0][1] == pytest.approx(0.995, abs=1e-3)
    assert models.cosine_top_k(np.array([1.0, 0.0]), matrix, k=10)[-1][0] == 3
    assert models.cosine_top_k(np.array([1.0, 0.0]), np.zeros((0, 2)), k=3) == []


def test_cosine_top_k_dim_mismatch_says_what_to_do() -> None:
    with pytest.raises(ValueError, match="re-embed"):
        models.cosine_top_k(np.ones(3), np.ones((2, 4)), k=1)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float32, st.integers(1, 64), elements=st.floats(-1e6, 1e6, width=32)))
def test_vector_blob_round_trip(vec: np.ndarray) -> None:
    blob = models.vector_to_bytes(vec)
    assert len(blob) == 4 * vec.size
    assert np.array_equal(models.bytes_to_vector(blob, dim=vec.size), vec)


def test_blob_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="multiple of 4"):
        models.bytes_to_vector(b"abc")
    with pytest.raises(ValueError, match="re-embed"):
        models.bytes_to_vector(models.vector_to_bytes(np.ones(3)), dim=4)
    stacked = models.matrix_from_blobs([models.vector_to_bytes(np.ones(2))] * 3, dim=2)
    assert stacked.shape == (3, 2)


def _tiny_head(model: str = "m", dim: int = 2) -> Head:
    meta = HeadMeta(kind="t", version="1", embedding_model=model, embedding_dim=dim,
                    labels=["a", "b"], trained_at=heads.now_iso())
    return Head(np.array([[5.0, -5.0], [-5.0, 5.0]][:dim]), np.zeros(2), meta)


def test_head_save_load_round_trip(tmp_path: Path) -> None:
    path = _tiny_head().save(tmp_path)
    head = heads.load(path, kind="t")
    assert head.predict(np.array([[1.0, 0.0], [0.0, 1.0]]))[0][0] == "a"
    assert head.predict(np.array([[0.0, 1.0]]))[0][0] == "b"
    with pytest.raises(HeadError, match="not a 'sentiment' head"):
        heads.load(path, kind="sentiment")


def test_head_for_another_model_is_refused() -> None:
    with pytest.raises(HeadError, match="trained on m .*retrain"):
        _tiny_head().check_embedder("other/model", 2)
    with pytest.raises(HeadError, match="dim 3"):
        _tiny_head().check_embedder("m", 3)


def test_corrupt_or_missing_head_file(tmp_path: Path) -> None:
    bad = tmp_path / "t.json"
    bad.write_text("{not json")
    with pytest.raises(HeadError, match="corrupt"):
        heads.load(bad)
    with pytest.raises(HeadError, match="does not exist"):
        heads.load(tmp_path / "missing.json")


def test_fit_softmax_learns_a_separable_problem() -> None:
    rng = np.random.default_rng(1)
    x = np.vstack([rng.normal(2, 0.3, (30, 4)), rng.normal(-2, 0.3, (30, 4))])
    y = np.array([0] * 30 + [1] * 30)
    w, b = heads.fit_softmax(x, y, 2, epochs=100)
    assert (heads.softmax(x @ w + b).argmax(1) == y).all()


# --- with the installed model ---------------------------------------------------------------


@pytest.mark.slow
def test_embeddings_are_unit_length_and_semantic() -> None:
    emb = _model_or_skip()
    vecs = emb.embed([
        "We have budget approved for this project.",
        "The money for this purchase has been signed off.",
        "The weather in Hamburg was terrible.",
        "",
    ])
    assert vecs.shape == (4, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2


@pytest.mark.slow
def test_model_is_loaded_once_and_reported() -> None:
    emb = _model_or_skip()
    assert models.get_embedder() is emb
    status = models.model_status()
    assert status.available and status.loaded and status.dim == 384
    assert status.name == models.MODEL_NAME


@pytest.mark.slow
def test_batch_order_does_not_change_vectors() -> None:
    emb = _model_or_skip()
    texts = ["short one", "a considerably longer sentence about SOC 2 Type II reviews", "mid"]
    together = emb.embed(texts, batch_size=2)
    alone = np.vstack([emb.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


@pytest.mark.slow
def test_embed_query_and_search_find_the_paraphrase() -> None:
    emb = _model_or_skip()
    docs = ["Our CFO signs every contract.", "We need EU data hosting.", "Lunch was great."]
    matrix = emb.embed(docs)
    top = models.cosine_top_k(models.embed_query("data must stay in Europe"), matrix, k=1)
    assert top[0][0] == 1
    with pytest.raises(ValueError, match="empty"):
        models.embed_query("   ")


@pytest.mark.slow
def test_preload_warms_the_shared_cache() -> None:
    _model_or_skip()
    models.preload().join(timeout=60)
    assert models.model_status().loaded


@pytest.mark.slow
def test_int8_quantized_model_stays_close_to_fp32() -> None:
    emb = _model_or_skip()
    q8 = models.get_embedder(quantize=True)
    assert q8 is not emb and q8.quantized
    texts = ["We need SOC 2 Type II before signing.", "Budget is approved for FY27."]
    cos = (emb.embed(texts) * q8.embed(texts)).sum(axis=1)
    assert (cos > 0.8).all()


def test_warm_up_without_a_model_says_rules_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.service import Service
    from assistant.settings import Settings

    monkeypatch.setenv("QUALIFY_MODEL_DIR", str(tmp_path / "no-such-model"))
    svc = Service(Settings(db=tmp_path / "q.db"))
    try:
        assert svc.warm_up() is False
        assert svc.model_note is not None and svc.model_note.startswith("rules only")
    finally:
        svc.close()
    off = Service(Settings(db=tmp_path / "q2.db", use_model=False))
    try:
        assert off.warm_up() is False
    finally:
        off.close()


def test_extraction_uses_the_head_that_train_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from assistant.service import Service
    from assistant.settings import Settings
    from extractors import semantic

    asked: list[object] = []

    def fake_load_head(path=None):
        asked.append(path)
        raise HeadError("stand-in: no head")

    monkeypatch.setattr(semantic, "load_head", fake_load_head)
    svc = Service(Settings(db=tmp_path / "q.db", data_dir=tmp_path / "data"))
    try:
        doc = svc.parse("call.txt", b"Dana Ortiz: We have 80k approved for this.\n")
        assert svc.head_path() is None
        svc.extract(doc)
        assert asked == [] and svc.model_note is None  # the shipped tuned classifier ran
        trained = tmp_path / "data" / "heads" / "semantic.json"
        trained.parent.mkdir(parents=True)
        shutil.copy(heads.HEADS_DIR / "semantic.json", trained)
        assert svc.head_path() == trained
        signals = svc.extract(doc)
        assert asked == [trained]  # the head `train` accepted is asked to add its sentences
        assert signals and svc.model_note is None  # it failed: the tuned result stands
    finally:
        svc.close()
