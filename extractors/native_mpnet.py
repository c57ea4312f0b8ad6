"""An MPNet encoder in plain torch, so the tuned classifier's encoder loads without importing
transformers (which alone costs about 2 s of every `qualify extract`).

It computes what `transformers.MPNetModel` does at inference: word + position embeddings
(positions count from the padding id + 1 and skip padding), then post-norm layers whose
attention adds a bucketed relative-position bias shared by all layers. The module tree mirrors
the checkpoint's key names, so the safetensors state dict (with merged adapters) loads as is.
`tests/test_models_native.py` checks it against transformers.
"""

from __future__ import annotations

import math
from typing import Any

from extractors.models import (
    NativeUnsupported,
    assign_state,
    check_native_state,
    feed_forward,
    feed_forward_modules,
)

MPNET_DEFAULTS: dict[str, Any] = {
    "num_attention_heads": 12, "layer_norm_eps": 1e-5, "hidden_act": "gelu",
    "relative_attention_num_buckets": 32, "pad_token_id": 1,
}
MAX_DISTANCE = 128  # what MPNet's relative buckets were trained with


class NativeMPNet:
    """`__call__(input_ids, attention_mask)` gives the last hidden state, like MPNetModel.
    Raises NativeUnsupported (the caller falls back to transformers) for weights it cannot run."""

    def __init__(self, torch: Any, config: dict[str, Any], state: dict[str, Any]) -> None:
        nn = torch.nn
        cfg = {**MPNET_DEFAULTS, **config}
        if cfg["hidden_act"] != "gelu":
            raise NativeUnsupported(f"hidden_act {cfg['hidden_act']!r}")
        if any(k.startswith("mpnet.") for k in state):  # e.g. an MPNetForMaskedLM checkpoint
            state = {k[6:]: v for k, v in state.items() if k.startswith("mpnet.")}
        try:
            words = state["embeddings.word_embeddings.weight"]
            positions = state["embeddings.position_embeddings.weight"]
            bias = state["encoder.relative_attention_bias.weight"]
            inter = state["encoder.layer.0.intermediate.dense.weight"].shape[0]
        except KeyError as exc:
            raise NativeUnsupported(f"weights lack {exc}") from exc
        hidden = int(config["hidden_size"])
        layers = int(cfg.get("num_hidden_layers", 12))
        if words.shape[1] != hidden or positions.shape[1] != hidden:
            raise NativeUnsupported("weights do not match config.json")
        check_native_state(torch, state, layers)
        eps = float(cfg["layer_norm_eps"])
        tables = {
            "word_embeddings": nn.Embedding.from_pretrained(words, freeze=True),
            "position_embeddings": nn.Embedding.from_pretrained(positions, freeze=True),
        }
        with torch.device("meta"):
            root = nn.ModuleDict({
                "embeddings": nn.ModuleDict({
                    **tables, "LayerNorm": nn.LayerNorm(hidden, eps=eps),
                }),
                "encoder": nn.ModuleDict({
                    "relative_attention_bias": nn.Embedding.from_pretrained(
                        torch.empty(bias.shape), freeze=True),
                    "layer": nn.ModuleList([
                        nn.ModuleDict({
                            "attention": nn.ModuleDict({
                                "attn": nn.ModuleDict({
                                    name: nn.Linear(hidden, hidden) for name in "qkvo"
                                }),
                                "LayerNorm": nn.LayerNorm(hidden, eps=eps),
                            }),
                            **feed_forward_modules(nn, hidden, inter, eps),
                        })
                        for _ in range(layers)
                    ]),
                }),
            })
        assign_state(root, state)
        self.torch = torch
        self.model = root
        self.heads = int(cfg["num_attention_heads"])
        self.buckets = int(cfg["relative_attention_num_buckets"])
        self.pad_id = int(cfg["pad_token_id"])
        self.max_positions = int(positions.shape[0]) - self.pad_id - 1

    def _buckets(self, length: int) -> Any:
        """Which bias bucket each (query, key) pair uses: exact for near tokens, log-spaced
        further away, separate halves for keys before and after the query."""
        torch = self.torch
        pos = torch.arange(length, dtype=torch.long)
        n = pos[:, None] - pos[None, :]  # query minus key
        half = self.buckets // 2
        out = (n < 0).long() * half
        n = n.abs()
        exact = half // 2
        far = exact + (
            torch.log(n.float().clamp(min=1) / exact) / math.log(MAX_DISTANCE / exact)
            * (half - exact)
        ).long()
        far = far.clamp(max=half - 1)
        return out + torch.where(n < exact, n, far)

    def __call__(self, input_ids: Any, attention_mask: Any) -> Any:
        """The last hidden state, (batch, tokens, hidden)."""
        torch = self.torch
        F = torch.nn.functional  # noqa: N806
        emb, enc = self.model["embeddings"], self.model["encoder"]
        batch, length = input_ids.shape
        real = input_ids.ne(self.pad_id).long()
        positions = torch.cumsum(real, dim=1) * real + self.pad_id
        x = emb["LayerNorm"](emb["word_embeddings"](input_ids)
                             + emb["position_embeddings"](positions))
        bias = enc["relative_attention_bias"](self._buckets(length)).permute(2, 0, 1)
        blocked = ~attention_mask.bool()[:, None, None, :]  # padded keys
        mask = bias.unsqueeze(0).masked_fill(blocked, float("-inf"))  # (batch, heads, q, k)
        heads = self.heads
        size = x.shape[-1] // heads

        def split(t: Any) -> Any:
            return t.view(batch, length, heads, size).transpose(1, 2)

        for layer in enc["layer"]:
            attn = layer["attention"]["attn"]
            ctx = F.scaled_dot_product_attention(
                split(attn["q"](x)), split(attn["k"](x)), split(attn["v"](x)), attn_mask=mask
            )
            ctx = ctx.transpose(1, 2).reshape(batch, length, heads * size)
            x = layer["attention"]["LayerNorm"](attn["o"](ctx) + x)
            x = feed_forward(layer, x, F.gelu)
        return x
