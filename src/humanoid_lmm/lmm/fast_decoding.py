"""Hand-held incremental decoding for GPT-2 models: the HF model's own weights, a preallocated KV cache.

On a small model HF's per-call bookkeeping (masks, cache objects, output classes) costs more than the
arithmetic; this decoder runs the same GPT-2 block math directly (tested equal to HF logits), about 2x
faster end to end on CPU (bench/bench_lmm.py: 38x vs 20x real time). Other architectures use
:func:`hf_step_fn` (HF forward with its cache).
"""
from __future__ import annotations

import inspect

import torch
import torch.nn.functional as F

__all__ = ["FastGPT2Decoder", "hf_step_fn", "step_fn"]


def hf_step_fn(model):
    """(ids (1, n), cache) -> (last logits (1, V), cache) through HF forward ("cache" kwarg in transformers >= 5.2x)."""
    params = inspect.signature(type(model).forward).parameters
    kw = "cache" if "cache" in params else "past_key_values"
    keep = "logits_to_keep" in params

    def step(ids: torch.Tensor, past):
        kwargs = {kw: past} if past is not None else {}
        if keep:
            kwargs["logits_to_keep"] = 1
        out = model(input_ids=ids, attention_mask=None, use_cache=True, **kwargs)
        cache = getattr(out, "cache", None)
        return out.logits[:, -1, :], (cache if cache is not None else out.past_key_values)

    return step


_GELU = {"gelu_new": "tanh", "gelu_pytorch_tanh": "tanh", "gelu": "none"}


class FastGPT2Decoder:
    """Incremental GPT-2 forward over the weights of a ``GPT2LMHeadModel`` (shared, not copied)."""

    @staticmethod
    def supports(model) -> bool:
        c = getattr(model, "config", None)
        return (getattr(c, "model_type", None) == "gpt2" and c.activation_function in _GELU
                and getattr(c, "scale_attn_weights", True)
                and not c.scale_attn_by_inverse_layer_idx and not c.reorder_and_upcast_attn
                and not getattr(c, "add_cross_attention", False) and hasattr(model, "transformer")
                and not hasattr(model, "peft_config"))   # a PEFT adapter's deltas live outside these weights

    def __init__(self, model, max_len: int | None = None):
        if not self.supports(model):
            raise ValueError("FastGPT2Decoder needs a plain GPT2LMHeadModel")
        c, tr = model.config, model.transformer
        self.H, self.D = c.n_head, c.n_embd // c.n_head
        self.eps, self.approx = c.layer_norm_epsilon, _GELU[c.activation_function]
        self.max_len = min(max_len or c.n_positions, c.n_positions)
        self.wte, self.wpe = tr.wte.weight, tr.wpe.weight          # (V, E), (N, E)
        self.lm_head = model.lm_head.weight                          # (V, E) (tied to wte)
        self.ln_f = (tr.ln_f.weight, tr.ln_f.bias)
        self.blocks = [dict(ln1=(b.ln_1.weight, b.ln_1.bias), ln2=(b.ln_2.weight, b.ln_2.bias),
                            qkv=(b.attn.c_attn.weight, b.attn.c_attn.bias), proj=(b.attn.c_proj.weight, b.attn.c_proj.bias),
                            fc=(b.mlp.c_fc.weight, b.mlp.c_fc.bias), out=(b.mlp.c_proj.weight, b.mlp.c_proj.bias))
                       for b in tr.h]
        dev, dt = self.wte.device, self.wte.dtype
        shape = (len(self.blocks), 1, self.H, self.max_len, self.D)
        self.k = torch.zeros(shape, device=dev, dtype=dt)            # (L, 1, H, N, D)
        self.v = torch.zeros(shape, device=dev, dtype=dt)
        self._kv = [(self.k[i, 0], self.v[i, 0]) for i in range(len(self.blocks))]   # views (H, N, D)
        self.pos = 0

    def reset(self) -> None:
        self.pos = 0

    @torch.inference_mode()
    def __call__(self, ids: torch.Tensor, rows: tuple[int, int] | None = None) -> torch.Tensor:
        """ids (1, n) appended after the cached positions -> logits (1, V) of the last position.

        ``rows=(lo, hi)``: only vocabulary rows [lo, hi) are computed, the others are -inf (used inside
        ``<mot>``, where the grammar allows nothing else; saves part of the output projection).
        """
        n, p0 = ids.shape[1], self.pos
        if p0 + n > self.max_len:
            raise ValueError(f"sequence of {p0 + n} tokens exceeds the model's {self.max_len} positions")
        E = self.wte.shape[1]
        x = self.wte[ids[0]] + self.wpe[p0:p0 + n]                 # (n, E)
        mask = None if n == 1 else torch.ones(n, p0 + n, dtype=torch.bool, device=x.device).tril(diagonal=p0)
        for b, (kc, vc) in zip(self.blocks, self._kv):
            h = F.layer_norm(x, (E,), *b["ln1"], self.eps)
            qkv = torch.addmm(b["qkv"][1], h, b["qkv"][0])          # (n, 3E) (HF Conv1D: x @ W + b)
            q, k, v = qkv.view(n, 3, self.H, self.D).permute(1, 2, 0, 3)   # each (H, n, D)
            kc[:, p0:p0 + n] = k
            vc[:, p0:p0 + n] = v
            att = F.scaled_dot_product_attention(q, kc[:, : p0 + n], vc[:, : p0 + n], attn_mask=mask)  # (H, n, D)
            x = x + torch.addmm(b["proj"][1], att.transpose(0, 1).reshape(n, E), b["proj"][0])
            h = F.layer_norm(x, (E,), *b["ln2"], self.eps)
            h = F.gelu(torch.addmm(b["fc"][1], h, b["fc"][0]), approximate=self.approx)
            x = x + torch.addmm(b["out"][1], h, b["out"][0])
        self.pos = p0 + n
        last = F.layer_norm(x[-1:], (E,), *self.ln_f, self.eps)
        if rows is None:
            return last @ self.lm_head.T                             # (1, V)
        out = torch.full((1, self.lm_head.shape[0]), float("-inf"), dtype=last.dtype, device=last.device)
        out[:, rows[0]:rows[1]] = last @ self.lm_head[rows[0]:rows[1]].T
        return out


def step_fn(model, max_len: int | None = None, fast: bool = True):
    """Best available ``step(ids (1, n), state, rows=None) -> (logits (1, V), state)`` for ``model``.

    ``rows`` is a hint (lo, hi) of the only rows that may be sampled; samplers may ignore it.
    """
    if fast and FastGPT2Decoder.supports(model) and not model.training:
        dec = FastGPT2Decoder(model, max_len)

        def step(ids: torch.Tensor, state, rows=None):
            if state is None:
                dec.reset()
            return dec(ids, rows), True

        return step
    hf = hf_step_fn(model)
    return lambda ids, state, rows=None: hf(ids, state)
