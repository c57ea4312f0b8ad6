"""Small linear softmax heads on sentence embeddings, trained and run with numpy only.

Why numpy: a head is a 384 x k matrix; torch is not needed to train or apply it, and a JSON file
with its metadata (embedding model, dim, labels, metrics, date) is easy to review and ship.
A head refuses to run on embeddings from another model, since its weights would be meaningless.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, ValidationError

HEADS_DIR = Path(__file__).resolve().parent
FORMAT_VERSION = 1


class HeadError(ValueError):
    """A head file is missing, corrupt or made for another model; one line says what to do."""


class HeadMeta(BaseModel):
    """What a head was trained for and how well it did."""

    kind: str
    version: str
    embedding_model: str
    embedding_dim: int
    labels: list[str]
    metrics: dict[str, Any] = Field(default_factory=dict)
    trained_at: str
    n_train: int = 0
    format_version: int = FORMAT_VERSION


class Head:
    """softmax(x @ W + b) over `meta.labels`."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, meta: HeadMeta) -> None:
        dim, k = weights.shape
        if dim != meta.embedding_dim or k != len(meta.labels) or bias.shape != (k,):
            raise HeadError(
                f"head {meta.kind} has weights {weights.shape} for {len(meta.labels)} labels and "
                f"dim {meta.embedding_dim}; retrain it"
            )
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.meta = meta

    @property
    def labels(self) -> list[str]:
        return self.meta.labels

    def check_embedder(self, model_name: str, dim: int) -> None:
        """Refuse embeddings from a different model (name or size)."""
        if model_name != self.meta.embedding_model or dim != self.meta.embedding_dim:
            raise HeadError(
                f"head {self.meta.kind} was trained on {self.meta.embedding_model} "
                f"(dim {self.meta.embedding_dim}) but the loaded model is {model_name} "
                f"(dim {dim}); point QUALIFY_MODEL_DIR at the matching model or retrain the head"
            )

    def predict_proba(self, vectors: np.ndarray) -> np.ndarray:
        """Class probabilities, shape (n, len(labels))."""
        x = np.asarray(vectors, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != self.meta.embedding_dim:
            raise HeadError(
                f"head {self.meta.kind} expects vectors of dim {self.meta.embedding_dim}, "
                f"got shape {x.shape}"
            )
        return softmax(x @ self.weights + self.bias)

    def predict(self, vectors: np.ndarray) -> list[tuple[str, float]]:
        """Best label and its probability per vector."""
        proba = self.predict_proba(vectors)
        best = proba.argmax(axis=1)
        return [(self.labels[i], float(proba[r, i])) for r, i in enumerate(best)]

    def to_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta.model_dump(),
            "weights": np.round(self.weights, 6).tolist(),
            "bias": np.round(self.bias, 6).tolist(),
        }

    def save(self, directory: str | Path, filename: str | None = None) -> Path:
        """Write `<kind>.json` (or `filename`) into `directory`; returns the path."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (filename or f"{self.meta.kind}.json")
        path.write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n", "utf-8")
        return path


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def load(path: str | Path, kind: str | None = None) -> Head:
    """Read a head file; a missing or corrupt file gives a HeadError, never a traceback."""
    p = Path(path)
    if p.is_dir():
        if kind is None:
            raise HeadError(f"{p} is a folder; give the head file (e.g. {p}/semantic.json)")
        p = p / f"{kind}.json"
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        meta = HeadMeta.model_validate(data["meta"])
        weights = np.asarray(data["weights"], dtype=np.float32)
        bias = np.asarray(data["bias"], dtype=np.float32)
    except FileNotFoundError as exc:
        raise HeadError(f"head file {p} does not exist; train one or reinstall qualify") from exc
    except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
        raise HeadError(f"head file {p} is corrupt ({type(exc).__name__}); retrain it") from exc
    if kind is not None and meta.kind != kind:
        raise HeadError(f"head file {p} holds a {meta.kind!r} head, not a {kind!r} head")
    if weights.ndim != 2:
        raise HeadError(f"head file {p} has malformed weights; retrain it")
    return Head(weights, bias, meta)


def fit_softmax(
    x: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    l2: float = 1e-3,
    epochs: int = 400,
    lr: float = 0.05,
    class_weight: Sequence[float] | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by full-batch Adam; deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    n, dim = x.shape
    w = rng.normal(0.0, 0.01, size=(dim, n_classes)).astype(np.float64)
    b = np.zeros(n_classes)
    onehot = np.eye(n_classes)[y]
    cw = np.ones(n_classes) if class_weight is None else np.asarray(class_weight, dtype=float)
    sample_w = cw[y] / cw[y].sum()
    m_w, v_w, m_b, v_b = (np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b))
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    xd = x.astype(np.float64)
    for t in range(1, epochs + 1):
        p = softmax(xd @ w + b)
        grad_z = (p - onehot) * sample_w[:, None]
        g_w = xd.T @ grad_z + l2 * w
        g_b = grad_z.sum(axis=0)
        m_w = beta1 * m_w + (1 - beta1) * g_w
        v_w = beta2 * v_w + (1 - beta2) * g_w**2
        m_b = beta1 * m_b + (1 - beta1) * g_b
        v_b = beta2 * v_b + (1 - beta2) * g_b**2
        corr1, corr2 = 1 - beta1**t, 1 - beta2**t
        w -= lr * (m_w / corr1) / (np.sqrt(v_w / corr2) + eps)
        b -= lr * (m_b / corr1) / (np.sqrt(v_b / corr2) + eps)
    return w.astype(np.float32), b.astype(np.float32)


def balanced_weights(y: np.ndarray, n_classes: int) -> list[float]:
    """Inverse-frequency class weights so a rare class is not drowned by a common one."""
    counts = np.bincount(y, minlength=n_classes).astype(float)
    counts[counts == 0] = 1.0
    return list(len(y) / (n_classes * counts))


def classification_metrics(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-label precision/recall/F1 (labels with support only)."""
    per: dict[str, dict[str, float]] = {}
    f1s = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == label and g != label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        support = tp + fn
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / support if support else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[label] = {
            "precision": round(prec, 3), "recall": round(rec, 3), "f1": round(f1, 3),
            "support": support,
        }
        if support:
            f1s.append(f1)
    acc = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold) if gold else 0.0
    return {
        "accuracy": round(acc, 3),
        "macro_f1": round(float(np.mean(f1s)) if f1s else 0.0, 3),
        "per_label": per,
        "n": len(gold),
    }


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
