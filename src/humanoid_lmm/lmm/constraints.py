"""Motion grammar for constrained decoding, as a transformers LogitsProcessor and for the fast loop.

Rule (one place, used by both samplers): before ``<mot>`` only ``<mot>``; inside, only motion tokens
or ``</mot>``; ``</mot>`` only at a whole time step of P part tokens and at >= ``min_steps`` steps;
at ``max_steps`` steps only ``</mot>``; after ``</mot>`` only eos.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from transformers import LogitsProcessor

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm.processing_lmm import MotionVocab

__all__ = ["GrammarState", "MotionGrammar", "MotionLogitsProcessor", "step_bounds"]

BEFORE, INSIDE, DONE = 0, 1, 2


def step_bounds(steps_per_second: float, duration_s: float | None, tolerance: float, min_seconds: float,
                default_max_seconds: float, max_seconds: float) -> tuple[int, int]:
    """(min_steps, max_steps) of token time steps for a requested duration [s] (None = free length)."""
    cap = max(1, int(round(max_seconds * steps_per_second)))
    if duration_s is None:
        lo = max(1, int(math.floor(min_seconds * steps_per_second)))
        hi = max(lo, int(round(min(default_max_seconds, max_seconds) * steps_per_second)))
        return min(lo, cap), min(hi, cap)
    if not (duration_s > 0) or duration_s > max_seconds:
        raise ConfigError(f"duration_s={duration_s!r} is invalid: must be in (0, {max_seconds}] seconds")
    target = duration_s * steps_per_second
    lo = max(1, int(math.floor(target * (1 - tolerance))))
    hi = max(lo, int(math.ceil(target * (1 + tolerance))))
    return min(lo, cap), min(hi, cap)


@dataclass
class GrammarState:
    """Where one sequence is in ``<mot> ... </mot>``; ``n`` counts motion tokens emitted so far."""

    phase: int = BEFORE
    n: int = 0

    def advance(self, token: int, vocab: MotionVocab) -> None:
        if self.phase == BEFORE and token == vocab.mot_id:
            self.phase = INSIDE
        elif self.phase == INSIDE:
            if token == vocab.eot_id:
                self.phase = DONE
            else:
                self.n += 1


class MotionGrammar:
    """Precomputed additive masks (0 or -inf) over the LM vocabulary for each grammar situation."""

    def __init__(self, vocab: MotionVocab, num_logits: int, min_steps: int, max_steps: int):
        if not 1 <= min_steps <= max_steps:
            raise ConfigError(f"min_steps={min_steps}, max_steps={max_steps}: need 1 <= min_steps <= max_steps")
        self.vocab, self.min_steps, self.max_steps = vocab, min_steps, max_steps
        self.num_logits = num_logits
        P = vocab.num_parts
        motion = torch.zeros(num_logits, dtype=torch.bool)
        motion[vocab.motion_base: vocab.motion_base + vocab.codebook_size] = True
        only = lambda i: torch.arange(num_logits) == i  # noqa: E731
        allowed = {
            "mot": only(vocab.mot_id), "motion": motion, "motion_or_eot": motion | only(vocab.eot_id),
            "eot": only(vocab.eot_id), "eos": only(vocab.eos_id),
        }
        self._masks = {k: torch.where(v, 0.0, float("-inf")) for k, v in allowed.items()}  # each (V,)
        self._P = P
        self._device = torch.device("cpu")

    def situation(self, state: GrammarState) -> str:
        if state.phase == BEFORE:
            return "mot"
        if state.phase == DONE:
            return "eos"
        steps, rem = divmod(state.n, self._P)
        if rem:
            return "motion"
        if steps >= self.max_steps:
            return "eot"
        return "motion_or_eot" if steps >= self.min_steps else "motion"

    def mask(self, state: GrammarState, device: torch.device | None = None) -> torch.Tensor:
        """Additive (V,) mask for the next token of a sequence in ``state``."""
        device = device or self._device
        if device != self._device:
            self._masks = {k: v.to(device) for k, v in self._masks.items()}
            self._device = device
        return self._masks[self.situation(state)]

    def apply(self, logits: torch.Tensor, states: list[GrammarState]) -> torch.Tensor:
        """logits (B, V') -> logits with disallowed tokens at -inf (V' may exceed the mask: padded rows)."""
        V = self.num_logits
        out = logits.clone()
        if out.shape[-1] > V:
            out[:, V:] = float("-inf")
        for b, st in enumerate(states):
            out[b, :V] += self.mask(st, logits.device).to(out.dtype)
        return out

    def state_of(self, generated: list[int]) -> GrammarState:
        st = GrammarState()
        for t in generated:
            st.advance(int(t), self.vocab)
        return st


class MotionLogitsProcessor(LogitsProcessor):
    """transformers LogitsProcessor applying :class:`MotionGrammar` to ``model.generate``.

    ``prompt_len`` is the prompt length; the state is recomputed from ``input_ids[:, prompt_len:]``.
    """

    def __init__(self, grammar: MotionGrammar, prompt_len: int):
        self.grammar, self.prompt_len = grammar, prompt_len

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        states = [self.grammar.state_of(row[self.prompt_len:].tolist()) for row in input_ids]
        return self.grammar.apply(scores, states)
