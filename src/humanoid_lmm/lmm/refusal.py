"""The model can say no: caption each generated motion and refuse it when it is not what was asked.

After sampling, :class:`MotionCaptioner` describes the motion tokens with the LMM's own motion-to-text
direction (trained in both stages: ``Human: <mot> ... </mot> Describe this motion.\\nRobot: <caption>``,
greedy). :class:`CheckedGenerator` reads that caption with the same :class:`CommandReader` that read the
command and compares the capabilities (family and side, in order; a side the caption does not say is
not held against it: "a man stands on one leg" shows either leg). On a mismatch it samples again with
the next seed, at most ``attempts`` times, then raises :class:`MotionMismatch` (reason
``motion_mismatch``); nothing moves. A count of two or more must also match the caption's count. The
captions are independent of the kinematic behaviour checks
of :mod:`humanoid_lmm.eval.behaviour`, which stay the evaluation.

    checked = CheckedGenerator(MotionGenerator.from_pretrained(), CommandReader())
    motion = checked.generate("wave your right hand", seed=0)
    both = checked.generate_steps([("wave your right hand", None), ("squat", None)], ("wave_right", "squat"))
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from humanoid_lmm.errors import MotionMismatch
from humanoid_lmm.lmm.chain import chain_motions
from humanoid_lmm.lmm.fast_decoding import step_fn
from humanoid_lmm.lmm.templates import M2T_QUESTIONS

__all__ = ["MotionCaptioner", "CheckedGenerator", "CheckedMotion", "capabilities_match"]


class MotionCaptioner:
    """(S, P) motion codes -> the LMM's greedy caption of them (~20-60 ms on one CPU thread)."""

    def __init__(self, lmm, question: str = M2T_QUESTIONS[0], max_tokens: int = 40):
        self.lmm, self.max_tokens = lmm, max_tokens
        tok = lmm.tokenizer
        self._head = [lmm.vocab.eos_id] + tok("Human: ", add_special_tokens=False)["input_ids"]
        self._tail = tok(" " + question + "\nRobot:", add_special_tokens=False)["input_ids"]

    @torch.no_grad()
    def __call__(self, codes: np.ndarray) -> str:
        lmm = self.lmm
        prompt = self._head + lmm.vocab.codes_to_ids(np.asarray(codes)) + self._tail
        n_pos = lmm.model.config.max_position_embeddings if hasattr(lmm.model.config, "max_position_embeddings") \
            else lmm.config.n_positions
        budget = max(0, min(self.max_tokens, n_pos - len(prompt)))
        step = step_fn(lmm.model, len(prompt) + budget + 1)
        logits, past = step(torch.tensor([prompt], device=lmm.device), None)
        out = []
        text_rows = lmm.vocab.mot_id  # text tokens come before <mot> and the motion tokens
        for _ in range(budget):
            nxt = int(torch.argmax(logits[0, :text_rows]))
            if nxt == lmm.vocab.eos_id:
                break
            out.append(nxt)
            logits, past = step(torch.tensor([[nxt]], device=lmm.device), past)
        return lmm.tokenizer.decode(out, skip_special_tokens=True).strip()


def capabilities_match(wanted: tuple[str, ...], shown: tuple[str, ...], family=None) -> bool:
    """Every wanted capability is shown, in order (extra shown ones are allowed). With ``family`` (name ->
    family), a shown family ("kick_*", from a caption that names no side, ``CommandReading.shown``) shows
    every member of it: a side not said is no contradiction."""
    it = iter(shown)
    return all(any(w == s or (family is not None and family(w) == s) for s in it) for w in wanted)


@dataclass(frozen=True)
class CheckedMotion:
    """A motion that passed the caption check, the caption it got and the attempt it took (0-based, the
    most any action took)."""

    motion: object
    caption: str
    attempt: int
    segments: tuple[int, ...] = ()   # frames of each action, in order (generate_steps)


class CheckedGenerator:
    """Wraps a :class:`MotionGenerator`: generate, caption, compare, retry, refuse."""

    def __init__(self, generator, reader, attempts: int = 3):
        if not 1 <= int(attempts) <= 20:
            raise ValueError(f"attempts={attempts!r}: must be an integer in [1, 20]")
        self.generator, self.reader, self.attempts = generator, reader, int(attempts)
        self.captioner = MotionCaptioner(generator.lmm)

    def _family(self, name: str) -> str:
        return self.reader.catalogue[name].family

    def shows(self, text: str, want: str, caption: str) -> bool:
        """The caption shows capability ``want`` and, when ``text`` asks for two or more repetitions,
        the same count ("squat three times" is not met by "a man squats twice")."""
        return capabilities_match((want,), self.reader.read(caption).shown, self._family) and \
            self._count_shown(text, caption)

    @staticmethod
    def _count_shown(text: str, caption: str) -> bool:
        """A count of two or more in ``text`` is the caption's count too."""
        from humanoid_lmm.text.slots import read_slots

        count = read_slots(text).count
        return count is None or count < 2 or read_slots(caption).count == count

    def generate_checked(self, text: str, duration_s: float | None = None, seed: int | None = None,
                         wanted: tuple[str, ...] | None = None) -> CheckedMotion:
        """Motion for ``text`` whose caption shows ``wanted`` (default: what ``text`` reads as)."""
        wanted = tuple(wanted) if wanted is not None else self.reader.read(text).capabilities
        base = int(np.random.SeedSequence().entropy % 2**31) if seed is None else int(seed)
        captions = []
        for attempt in range(self.attempts):
            codes = self.generator.sample_codes(text, duration_s, (base + 104729 * attempt) % 2**31)
            caption = self.captioner(codes)
            captions.append(caption)
            if capabilities_match(wanted, self.reader.read(caption).shown, self._family) and (   # one reading
                    len(wanted) != 1 or self._count_shown(text, caption)):
                return CheckedMotion(self.generator._decode(codes, text), caption, attempt)
        raise MotionMismatch(f"{self.attempts} motions for {text!r} did not show {', '.join(wanted)} "
                             f"(they showed: {'; '.join(repr(c) for c in captions)}); nothing is sent", tuple(captions))

    def generate(self, text: str, duration_s: float | None = None, seed: int | None = None):
        """Like :meth:`MotionGenerator.generate`, but refuses mismatching motions (MotionMismatch)."""
        return self.generate_checked(text, duration_s, seed).motion

    def generate_steps(self, steps, wanted, seed: int | None = None, check: bool = True) -> CheckedMotion:
        """A chain of actions generated one at a time and joined ("wave then squat then jump").

        ``steps``: (corpus caption, duration [s] or None) per action; ``wanted``: the capability of each.
        Each action is sampled on its own caption (and, with ``check``, captioned and resampled up to
        ``attempts`` times until it shows its capability), decoded, and the motions are joined in the world
        by :func:`humanoid_lmm.lmm.chain.chain_motions` (each starts where and facing how the last ended)."""
        if len(steps) != len(wanted) or not steps:
            raise ValueError(f"{len(steps)} steps for {len(wanted)} wanted capabilities")
        base = int(np.random.SeedSequence().entropy % 2**31) if seed is None else int(seed)
        parts, captions, tries = [], [], 0
        for k, ((text, duration_s), want) in enumerate(zip(steps, wanted)):
            for attempt in range(self.attempts if check else 1):
                codes = self.generator.sample_codes(text, duration_s, (base + 7 * k + 104729 * attempt) % 2**31)
                caption = self.captioner(codes) if check else ""
                tries = max(tries, attempt)
                if not check or self.shows(text, want, caption):
                    break
                captions.append(caption)
            else:
                raise MotionMismatch(f"{self.attempts} motions for {text!r} (action {k + 1} of {len(steps)}) did not "
                                     f"show {want} (they showed: {'; '.join(repr(c) for c in captions[-self.attempts:])}); "
                                     "nothing is sent", tuple(captions))
            parts.append(codes)
            captions.append(caption)
        text = " then ".join(t for t, _ in steps)
        motions = [self.generator._decode(c, t) for c, (t, _) in zip(parts, steps)]
        return CheckedMotion(chain_motions(motions, text), " then ".join(captions), tries, tuple(m.n_frames for m in motions))
