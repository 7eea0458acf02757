"""MotionGenerator: text -> motion tokens (constrained sampling) -> Motion, whole or streamed.

Two samplers share one grammar (:mod:`humanoid_lmm.lmm.constraints`): a hand-held KV-cache loop
(default, fastest on CPU, streams) and ``model.generate`` with :class:`MotionLogitsProcessor`.
Every call is bounded: at most ``max_retries`` attempts of at most ``max_steps * P + 2`` tokens.

Example::

    gen = MotionGenerator.from_pretrained()            # built-in model, offline
    motion = gen.generate("wave your right hand", duration_s=3.0, seed=0)
    for chunk in gen.stream("squat twice"):            # Motion chunks as soon as decoded
        ...
"""
from __future__ import annotations

import random
from typing import Iterator

import numpy as np
import torch

from humanoid_lmm.errors import CommandRejected, GenerationError
from humanoid_lmm.lmm.configuration_lmm import SamplingConfig
from humanoid_lmm.lmm.constraints import MotionGrammar, MotionLogitsProcessor, step_bounds
from humanoid_lmm.lmm.constraints import GrammarState
from humanoid_lmm.lmm.fast_decoding import step_fn
from humanoid_lmm.lmm.modeling_lmm import LargeMotionModel
from humanoid_lmm.lmm.processing_lmm import format_prompt
from humanoid_lmm.lmm.templates import with_duration
from humanoid_lmm.motion.foot_lock import FootLock

__all__ = ["MotionGenerator", "sample_token", "decode_codes"]


def decode_codes(motion_tokenizer, codes, text: str = "", foot_lock: bool = True):
    """(S, P) motion codes -> Motion: the motion tokenizer's decoder, then (``foot_lock``) planted feet
    pinned (:class:`humanoid_lmm.motion.foot_lock.FootLock`)."""
    motion = motion_tokenizer.decode(np.asarray(codes, dtype=np.int64), text=str(text))
    return FootLock()(motion) if foot_lock else motion


def sample_token(logits: torch.Tensor, cfg: SamplingConfig, generator: torch.Generator | None) -> int:
    """One token from (1, V) logits with temperature, top-k and top-p (nucleus) filtering.

    The candidates are sorted once; the draw is an inverse-CDF lookup (cheaper than masking the full
    vocabulary twice and ``torch.multinomial``: ~0.1 ms a token on CPU, a few % of a decoding step).
    """
    logits = logits[0].float()
    if cfg.temperature == 0:
        return int(torch.argmax(logits))
    k = cfg.top_k if cfg.top_k and cfg.top_k < logits.numel() else logits.numel()
    vals, order = torch.topk(logits / cfg.temperature, k)   # sorted, largest first
    cdf = torch.cumsum(torch.softmax(vals, dim=-1), dim=-1)
    if cfg.top_p < 1.0:  # the smallest prefix whose probability reaches top_p
        n = int(torch.searchsorted(cdf, torch.tensor(cfg.top_p, dtype=cdf.dtype))) + 1
        cdf = cdf[: min(n, k)]
    u = torch.rand((), generator=generator, dtype=cdf.dtype) * cdf[-1]
    i = min(int(torch.searchsorted(cdf, u, right=True)), len(cdf) - 1)
    return int(order[i])


class MotionGenerator:
    """Generates :class:`humanoid_lmm.motion.Motion` from a text command with a LargeMotionModel."""

    def __init__(self, lmm: LargeMotionModel, sampling: SamplingConfig | None = None, motion_tokenizer=None):
        self.lmm = lmm
        self.sampling = sampling or SamplingConfig()
        if motion_tokenizer is not None:
            lmm.set_motion_tokenizer(motion_tokenizer)
        lmm.model.eval()

    @classmethod
    def from_pretrained(cls, directory=None, device: str = "cpu", sampling: SamplingConfig | None = None):
        """Load an LMM directory (default: the committed built-in model)."""
        return cls(LargeMotionModel.from_pretrained(directory, device=device), sampling)

    # ------------------------------------------------------------------------------------- prompting
    def prompt_ids(self, text: str, duration_s: float | None = None) -> list[int]:
        """[bos] + tokens of the prompt; refuses empty or over-long commands (CommandRejected)."""
        cfg = self.lmm.config
        text = " ".join(str(text).split())
        format_prompt(text, cfg.max_text_chars)  # CommandRejected when empty or too long
        prompt = format_prompt(with_duration(text, duration_s))
        ids = self.lmm.tokenizer(prompt, add_special_tokens=False)["input_ids"]
        if len(ids) > cfg.max_prompt_tokens:
            raise CommandRejected(f"command is {len(ids)} tokens long; the limit is {cfg.max_prompt_tokens}")
        return [self.lmm.vocab.eos_id] + ids

    def bounds(self, duration_s: float | None) -> tuple[int, int]:
        c, s = self.lmm.config, self.sampling
        return step_bounds(c.steps_per_second, duration_s, s.duration_tolerance, s.min_seconds,
                           s.default_max_seconds, c.max_motion_seconds)

    # -------------------------------------------------------------------------------------- samplers
    @torch.no_grad()
    def _token_stream(self, prompt: list[int], grammar: MotionGrammar, seed: int) -> Iterator[int]:
        """Hand-held KV-cache loop; yields sampled ids and stops after </mot> or eos (bounded)."""
        model, vocab, cfg = self.lmm.model, self.lmm.vocab, self.sampling
        device = self.lmm.device
        gen = torch.Generator(device=device).manual_seed(seed)
        step = step_fn(model, len(prompt) + grammar.max_steps * vocab.num_parts + 2, fast=cfg.fast_decoding)
        logits, past = step(torch.tensor([prompt], device=device), None)
        state = GrammarState()
        inside = (vocab.eot_id, vocab.motion_base + vocab.codebook_size) if vocab.eot_id + 1 == vocab.motion_base else None
        for _ in range(grammar.max_steps * vocab.num_parts + 2):
            if cfg.constrained:
                logits = grammar.apply(logits.float(), [state])
            tok = sample_token(logits, cfg, gen)
            yield tok
            state.advance(tok, vocab)
            if tok in (vocab.eot_id, vocab.eos_id):
                return
            rows = inside if (cfg.constrained and grammar.situation(state) in ("motion", "motion_or_eot", "eot")) else None
            logits, past = step(torch.tensor([[tok]], device=device), past, rows)

    @torch.no_grad()
    def _hf_generate(self, prompt: list[int], grammar: MotionGrammar, seed: int) -> list[int]:
        from transformers import LogitsProcessorList

        vocab, cfg = self.lmm.vocab, self.sampling
        torch.manual_seed(seed)
        ids = torch.tensor([prompt], device=self.lmm.device)
        procs = LogitsProcessorList([MotionLogitsProcessor(grammar, len(prompt))] if cfg.constrained else [])
        sample = cfg.temperature > 0
        extra = dict(temperature=cfg.temperature, top_k=cfg.top_k or None, top_p=cfg.top_p) if sample else {}
        out = self.lmm.model.generate(
            ids, attention_mask=torch.ones_like(ids), logits_processor=procs, do_sample=sample,
            max_new_tokens=grammar.max_steps * vocab.num_parts + 2, eos_token_id=[vocab.eot_id, vocab.eos_id],
            pad_token_id=vocab.pad_id, **extra)
        return out[0, len(prompt):].tolist()

    # ------------------------------------------------------------------------------------ public API
    def _attempt_seeds(self, seed: int | None) -> list[int]:
        base = random.randrange(2**31) if seed is None else int(seed)
        return [(base + 7919 * i) % (2**31) for i in range(self.sampling.max_retries)]

    def _check_request(self, text: str, duration_s: float | None):
        prompt = self.prompt_ids(text, duration_s)
        lo, hi = self.bounds(duration_s)
        return prompt, MotionGrammar(self.lmm.vocab, self.lmm.vocab.vocab_size, lo, hi)

    def sample_codes(self, text: str, duration_s: float | None = None, seed: int | None = None) -> np.ndarray:
        """(S, P) motion codes for a command; bounded retries, then GenerationError."""
        prompt, grammar = self._check_request(text, duration_s)
        errors = []
        for s in self._attempt_seeds(seed):
            tokens = (self._hf_generate(prompt, grammar, s) if self.sampling.use_hf_generate
                      else list(self._token_stream(prompt, grammar, s)))
            try:
                codes = self.lmm.vocab.extract_motion(tokens)
                if len(codes) < grammar.min_steps:
                    raise GenerationError(f"motion too short: {len(codes)} steps < {grammar.min_steps}")
                return codes
            except GenerationError as exc:
                errors.append(str(exc))
        raise GenerationError(f"no valid motion for {text!r} after {len(errors)} attempts: " + "; ".join(errors))

    def generate(self, text: str, duration_s: float | None = None, seed: int | None = None):
        """Text command -> Motion (decoded at the motion tokenizer's fps)."""
        codes = self.sample_codes(text, duration_s, seed)
        return self._decode(codes, text)

    def stream(self, text: str, duration_s: float | None = None, seed: int | None = None) -> Iterator:
        """Yield consecutive Motion chunks as soon as each block of ``chunk_steps`` time steps is sampled.

        Retries happen only before the first chunk is yielded; a failure after that raises GenerationError.
        """
        prompt, grammar = self._check_request(text, duration_s)
        vocab, P, block = self.lmm.vocab, self.lmm.vocab.num_parts, self.sampling.chunk_steps
        errors = []
        for s in self._attempt_seeds(seed):
            codes: list[int] = []
            done_steps, last_xy, closed = 0, None, False
            lock = FootLock() if self.sampling.foot_lock else None   # causal: chunks come out as the whole would
            for tok in self._token_stream(prompt, grammar, s):
                if vocab.is_motion(tok):
                    codes.append(tok - vocab.motion_base)
                    steps = len(codes) // P
                    if steps - done_steps >= block and steps >= min(grammar.min_steps, block):
                        chunk = self._decode_new(codes[: steps * P], done_steps, last_xy, text)
                        done_steps, last_xy = steps, chunk.root_pos[-1, :2]
                        yield lock.feed(chunk) if lock else chunk
                elif tok == vocab.eot_id:
                    closed = True
            problem = None
            if not closed:
                problem = "truncated motion: no </mot> before the length limit"
            elif len(codes) % P or len(codes) // P < grammar.min_steps:
                problem = f"motion of {len(codes)} tokens is empty, truncated or shorter than {grammar.min_steps} steps"
            if problem is None:
                if len(codes) // P > done_steps:
                    chunk = self._decode_new(codes, done_steps, last_xy, text)
                    yield lock.feed(chunk) if lock else chunk
                return
            if done_steps:
                raise GenerationError(f"streamed motion for {text!r} failed after {done_steps} steps: {problem}")
            errors.append(problem)
        raise GenerationError(f"no valid motion for {text!r} after {len(errors)} attempts: " + "; ".join(errors))

    # -------------------------------------------------------------------------------------- decoding
    def _decode(self, codes: np.ndarray, text: str):
        return decode_codes(self.lmm.motion_tokenizer, codes, text, self.sampling.foot_lock)

    def _decode_new(self, flat_codes: list[int], done_steps: int, last_xy, text: str):
        """Frames of the time steps after ``done_steps``. The decoder is causal, so decoding a window
        that starts ``stream_context_steps`` before them (0 = the whole prefix, exact) gives the same
        frames up to the decoder's receptive field; the pelvis xy is shifted to continue ``last_xy``."""
        from humanoid_lmm.motion import Motion

        codes = np.asarray(flat_codes, dtype=np.int64).reshape(-1, self.lmm.vocab.num_parts)
        ctx = self.sampling.stream_context_steps
        start = 0 if ctx == 0 else max(0, done_steps - ctx)
        window = self.lmm.motion_tokenizer.decode(codes[start:], text=str(text))
        k = (done_steps - start) * self.lmm.config.downsample     # first new frame inside the window
        new = window.slice(k)
        if k > 0 and last_xy is not None:
            root = np.array(new.root_pos)
            root[:, :2] += np.asarray(last_xy) - window.root_pos[k - 1, :2]
            new = Motion(new.fps, root, new.rotations, str(text))
        return new
