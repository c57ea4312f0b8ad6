"""Benchmark the transformer layer: load time, embedding throughput, int8 quantization quality.

    .venv/bin/python benchmarks/bench_models.py [--n 1000] [--json]

Targets: model load < 3 s (fresh process), >= 300 sentences/s on 2 cores. Quantization is only
worth turning on (QUALIFY_MODEL_QUANTIZE=1) if it is faster AND keeps sentiment accuracy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

LOAD_TARGET_S = 3.0
RATE_TARGET = 300.0

# What a user pays in a fresh process: importing the module, loading the model (torch and
# whatever the backend imports are imported there, not before), and the first embed call
# (which can still hit lazy imports and one-off kernel set-up).
_LOAD_CODE = """
import json, sys, time
t0 = time.perf_counter()
from extractors import models
t1 = time.perf_counter()
emb = models.get_embedder(quantize={q})
t2 = time.perf_counter()
emb.embed(["We have budget approved for this project."])
t3 = time.perf_counter()
print(json.dumps({{
    "imports_s": t1 - t0, "load_s": t2 - t1, "first_embed_s": t3 - t2, "total_s": t3 - t0,
    "backend": emb.backend, "transformers_imported": "transformers" in sys.modules,
}}))
"""


def _best_fresh_run(code: str, runs: int) -> dict[str, Any]:
    """The JSON line `code` prints, from the fastest (by "total_s") of `runs` fresh
    processes (the first one also warms the OS file cache)."""
    best: dict[str, Any] | None = None
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        got = json.loads(out.stdout.strip().splitlines()[-1])
        if best is None or got["total_s"] < best["total_s"]:
            best = got
    assert best is not None
    return best


def load_time(quantize: bool, runs: int = 3) -> dict[str, float | str | bool]:
    """Best of `runs` fresh processes: imports, model load, first embed."""
    best = _best_fresh_run(_LOAD_CODE.format(q=quantize), runs)
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in best.items()}


def corpus(n: int) -> list[str]:
    """Realistic sentences: the sentiment fixture plus dev-corpus sentences, repeated to n."""
    from extractors import semantic, sentiment

    texts = [r.text for r in sentiment.load_fixture()]
    for folder in semantic.TRAIN_FOLDERS:
        with contextlib.suppress(semantic.SemanticError):
            texts += [t for t, _ in semantic.examples_from_folder(folder)]
    out = []
    while len(out) < n:
        out += [f"{t} ({len(out) + i})" for i, t in enumerate(texts)]
    return out[:n]


def throughput(quantize: bool, texts: list[str], batch_size: int = 32) -> dict[str, float]:
    from extractors import models

    emb = models.get_embedder(quantize=quantize)
    emb.embed(texts[:64], batch_size=batch_size)  # warm-up
    t = time.perf_counter()
    emb.embed(texts, batch_size=batch_size)
    dt = time.perf_counter() - t
    return {"sentences_per_s": round(len(texts) / dt, 1), "seconds": round(dt, 3)}


def quantized_quality(texts: list[str]) -> dict[str, float]:
    """Cosine agreement of int8 with fp32 vectors, and sentiment accuracy with each."""

    from extractors import heads, models, sentiment

    fp = models.get_embedder(quantize=False)
    q8 = models.get_embedder(quantize=True)
    sample = texts[:300]
    cos = (fp.embed(sample) * q8.embed(sample)).sum(axis=1)
    head = sentiment.load_sentiment_head()
    rows = [r for r in sentiment.load_fixture() if r.split == "test"]
    gold = [r.label for r in rows]
    out: dict[str, float] = {
        "cosine_mean": round(float(cos.mean()), 4), "cosine_min": round(float(cos.min()), 4),
    }
    for name, emb in (("fp32", fp), ("int8", q8)):
        pred = [lab for lab, _ in head.predict(emb.embed([r.text for r in rows]))]
        m = heads.classification_metrics(gold, pred, sentiment.SENTIMENT_LABELS)
        out[f"sentiment_acc_{name}"] = m["accuracy"]
        out[f"sentiment_f1_{name}"] = m["macro_f1"]
    out.update(_semantic_quality(fp, q8))
    return out


def _semantic_quality(fp: object, q8: object) -> dict[str, float]:
    """Held-out dimension accuracy of a head trained on fp32 vectors, run on each."""
    from extractors import heads, semantic

    grouped: list[tuple[str, str | None, str]] = []
    for folder in semantic.TRAIN_FOLDERS:
        grouped += semantic._grouped_examples(folder)
    train = [(t, d) for t, d, g in grouped if not semantic._holdout(g)]
    test = [(t, d) for t, d, g in grouped if semantic._holdout(g) and t == g]
    if not train or not test:
        return {}
    probe = semantic.train_head(train)
    gold = [d or semantic.NONE_LABEL for _, d in test]
    out: dict[str, float] = {}
    for name, emb in (("fp32", fp), ("int8", q8)):
        vecs = emb.embed([t for t, _ in test])  # type: ignore[attr-defined]
        pred = [lab for lab, _ in probe.predict(vecs)]
        m = heads.classification_metrics(gold, pred, semantic.LABELS)
        out[f"semantic_acc_{name}"] = m["accuracy"]
        out[f"semantic_f1_{name}"] = m["macro_f1"]
    return out


_TUNED_LOAD_CODE = """
import json, time
t0 = time.perf_counter()
from extractors import tuned
clf = tuned.load_tuned()
t1 = time.perf_counter()
clf.scores(["We have budget approved for this project."])
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "first_score_s": t2 - t1, "total_s": t2 - t0}))
"""


def tuned_classifier(texts: list[str], runs: int = 3) -> dict[str, float]:
    """The fine-tuned classifier: fresh-process load (base weights + adapter merge) and
    sentences scored per second."""
    best = _best_fresh_run(_TUNED_LOAD_CODE, runs)
    from extractors import tuned

    clf = tuned.load_tuned()
    clf.scores(texts[:64])
    t = time.perf_counter()
    clf.scores(texts)
    dt = time.perf_counter() - t
    return {"load_s": round(best["total_s"], 3), "sentences_per_s": round(len(texts) / dt, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="sentences to embed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from extractors import models

    status = models.model_status()
    if not status.available:
        print(f"model unavailable: {status.reason}")
        return 1
    import torch

    texts = corpus(args.n)
    result = {
        "model": status.name,
        "torch_threads": torch.get_num_threads(),
        "load_fp32": load_time(False),
        "load_int8": load_time(True),
        "embed_fp32": throughput(False, texts),
        "embed_int8": throughput(True, texts),
        "quantization": quantized_quality(texts),
        "tuned": tuned_classifier(texts),
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    lf, li = result["load_fp32"], result["load_int8"]
    ef, ei = result["embed_fp32"], result["embed_int8"]
    q = result["quantization"]
    print(f"model {result['model']}  ({result['torch_threads']} torch threads, n={args.n})")
    for name, lt in (("fp32", lf), ("int8", li)):
        target = f"  target < {LOAD_TARGET_S} s: {ok(lt['total_s'] < LOAD_TARGET_S)}"
        print(f"load {name}: {lt['total_s']:.2f} s (import {lt['imports_s']:.2f} s + model "
              f"{lt['load_s']:.2f} s + first embed {lt['first_embed_s']:.2f} s; "
              f"{lt['backend']} backend){target if name == 'fp32' else ''}")
    print(f"embed fp32: {ef['sentences_per_s']:.0f} sentences/s  target >= {RATE_TARGET:.0f}: "
          f"{ok(ef['sentences_per_s'] >= RATE_TARGET)}")
    print(f"embed int8: {ei['sentences_per_s']:.0f} sentences/s")
    print(f"int8 vs fp32 cosine: mean {q['cosine_mean']:.4f}, min {q['cosine_min']:.4f}")
    print(f"sentiment test acc/macro-F1: fp32 {q['sentiment_acc_fp32']:.3f}/"
          f"{q['sentiment_f1_fp32']:.3f}, int8 {q['sentiment_acc_int8']:.3f}/"
          f"{q['sentiment_f1_int8']:.3f}")
    tc = result["tuned"]
    print(f"tuned classifier: load {tc['load_s']:.2f} s (fresh process, merge included), "
          f"{tc['sentences_per_s']:.0f} sentences/s")
    if "semantic_acc_fp32" in q:
        print(f"semantic held-out acc/macro-F1: fp32 {q['semantic_acc_fp32']:.3f}/"
              f"{q['semantic_f1_fp32']:.3f}, int8 {q['semantic_acc_int8']:.3f}/"
              f"{q['semantic_f1_int8']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
