"""Batched sampling from a LargeMotionModel for evaluation: text -> motion codes and motion -> caption for
many prompts at once (left-padded prompts, one KV cache, per-row grammar states).

Same prompt format, motion grammar (:class:`~humanoid_lmm.lmm.constraints.MotionGrammar`, free length:
1-8 s) and sampling rule (temperature + nucleus) as :class:`~humanoid_lmm.lmm.generation.MotionGenerator`,
but B rows per forward pass: on CPU a batch of 64 costs about as much per step as one row, so the
evaluation protocol's thousands of generations take minutes instead of an hour.

    codes = sample_motion_codes(lmm, ["wave your right hand"] * 4, seed=0)   # list of (S, P) arrays
    caps = caption_motions(lmm, [codes[0]])                                   # ["a person waves ..."]
"""
from __future__ import annotations

import inspect

import numpy as np
import torch

from humanoid_lmm.lmm.configuration_lmm import SamplingConfig
from humanoid_lmm.lmm.constraints import GrammarState, MotionGrammar, step_bounds
from humanoid_lmm.lmm.processing_lmm import format_prompt
from humanoid_lmm.lmm.templates import M2T_QUESTIONS

__all__ = ["sample_motion_codes", "caption_motions", "sample_rows"]


def _forward(model):
    params = inspect.signature(type(model).forward).parameters
    kw = "cache" if "cache" in params else "past_key_values"

    def step(ids, mask, pos, past):
        kwargs = {kw: past} if past is not None else {}
        out = model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=True, **kwargs)
        cache = getattr(out, "cache", None)
        return out.logits[:, -1, :].float(), (cache if cache is not None else out.past_key_values)

    return step


def sample_rows(logits: torch.Tensor, temperature: float, top_p: float, gen: torch.Generator) -> torch.Tensor:
    """(B, V) logits (-inf = forbidden) -> (B,) ids by temperature + nucleus sampling (0 = greedy)."""
    if temperature == 0:
        return logits.argmax(-1)
    probs = torch.softmax(logits / temperature, -1)
    p, order = probs.sort(-1, descending=True)
    cum = p.cumsum(-1)
    p = torch.where(cum - p > top_p, torch.zeros_like(p), p)     # keep the smallest prefix reaching top_p
    pick = torch.multinomial(p / p.sum(-1, keepdim=True), 1, generator=gen)
    return order.gather(-1, pick).squeeze(-1)


def _left_pad(rows: list[list[int]], pad: int):
    L = max(len(r) for r in rows)
    ids = torch.full((len(rows), L), pad, dtype=torch.long)
    mask = torch.zeros((len(rows), L), dtype=torch.long)
    for b, r in enumerate(rows):
        ids[b, L - len(r):] = torch.tensor(r)
        mask[b, L - len(r):] = 1
    return ids, mask


@torch.no_grad()
def _run(lmm, prompts: list[list[int]], max_new: int, pick, done) -> list[list[int]]:
    """Decode up to ``max_new`` tokens for left-padded prompts; ``pick(logits, rows) -> (B,)`` chooses
    the next ids, ``done(token, b) -> bool`` ends a row. Returns the generated ids per row."""
    model, vocab = lmm.model, lmm.vocab
    step = _forward(model)
    ids, mask = _left_pad(prompts, vocab.pad_id)
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    logits, past = step(ids, mask, pos, None)
    B = len(prompts)
    out = [[] for _ in range(B)]
    alive = torch.ones(B, dtype=torch.bool)
    last = pos[:, -1]
    for _ in range(max_new):
        tok = pick(logits, out)
        for b in range(B):
            if alive[b]:
                t = int(tok[b])
                out[b].append(t)
                if done(t, b):
                    alive[b] = False
        if not alive.any():
            break
        tok = torch.where(alive, tok, torch.full_like(tok, vocab.pad_id))
        mask = torch.cat([mask, torch.ones(B, 1, dtype=mask.dtype)], 1)
        last = last + 1
        logits, past = step(tok[:, None], mask, last[:, None], past)
    return out


def sample_motion_codes(lmm, texts: list[str], seed: int = 0, sampling: SamplingConfig | None = None,
                        batch_size: int = 64) -> list[np.ndarray]:
    """(S, P) motion codes for each text (free length, the generator's default bounds)."""
    cfg = sampling or SamplingConfig()
    vocab, c = lmm.vocab, lmm.config
    lo, hi = step_bounds(c.steps_per_second, None, cfg.duration_tolerance, cfg.min_seconds, cfg.default_max_seconds,
                         c.max_motion_seconds)
    grammar = MotionGrammar(vocab, vocab.vocab_size, lo, hi)
    gen = torch.Generator().manual_seed(int(seed))
    result: list[np.ndarray] = []
    for i in range(0, len(texts), batch_size):
        chunk = texts[i:i + batch_size]
        prompts = [[vocab.eos_id] + lmm.tokenizer(format_prompt(t), add_special_tokens=False)["input_ids"]
                   for t in chunk]
        states = [GrammarState() for _ in chunk]
        seen = [0] * len(chunk)

        def pick(logits, rows):
            for b, r in enumerate(rows):          # each row's grammar state sees the tokens sampled so far
                while seen[b] < len(r):
                    states[b].advance(r[seen[b]], vocab)
                    seen[b] += 1
            V = grammar.num_logits
            allowed = torch.stack([grammar.mask(st) for st in states])    # (B, V) 0 / -inf
            logits = logits.clone()
            logits[:, V:] = float("-inf")
            logits[:, :V] += allowed
            return sample_rows(logits, cfg.temperature, cfg.top_p, gen)

        rows = _run(lmm, prompts, hi * vocab.num_parts + 2, pick, lambda t, b: t in (vocab.eot_id, vocab.eos_id))
        result += [vocab.extract_motion(r) for r in rows]
    return result


@torch.no_grad()
def caption_motions(lmm, codes: list[np.ndarray], question: str = M2T_QUESTIONS[0], max_tokens: int = 48,
                    batch_size: int = 64) -> list[str]:
    """Greedy captions of motion codes (the stage-1 motion -> text format)."""
    vocab, tok = lmm.vocab, lmm.tokenizer
    head = tok("Human: ", add_special_tokens=False)["input_ids"]
    tail = tok(" " + question + "\nRobot:", add_special_tokens=False)["input_ids"]
    ban = torch.zeros(vocab.vocab_size, dtype=torch.bool)
    ban[vocab.motion_base:vocab.motion_base + vocab.codebook_size] = True
    ban[[vocab.mot_id, vocab.eot_id, vocab.pad_id]] = True
    out: list[str] = []
    for i in range(0, len(codes), batch_size):
        prompts = [[vocab.eos_id] + head + vocab.codes_to_ids(c) + tail for c in codes[i:i + batch_size]]

        def pick(logits, rows):
            V = min(logits.shape[-1], len(ban))
            logits[:, :V] = logits[:, :V].masked_fill(ban[:V], float("-inf"))
            return logits.argmax(-1)

        rows = _run(lmm, prompts, max_tokens, pick, lambda t, b: t == vocab.eos_id)
        out += [tok.decode([t for t in r if t != vocab.eos_id], skip_special_tokens=True).strip() for r in rows]
    return out
