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
from humanoid_lmm.motion.foot_lock import FootLock
from humanoid_lmm.motion.ops import change_speed, retime_hold


def read_count(text: str) -> int | None:
    """The repetition count a caption asks for (None: not said)."""
    from humanoid_lmm.text.slots import read_slots

    return read_slots(text).count

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

    def __init__(self, generator, reader, attempts: int = 3, repeat_above: int | None = None,
                 split_on_mismatch: bool = True, fill_durations: bool = False, retime_holds: bool = False,
                 retime_speed: bool = False):
        """``repeat_above``: an action asked for more repetitions than this is generated one repetition at
        a time and the repetitions are joined (None: first as one counted caption); ``split_on_mismatch``:
        so is one whose counted caption did not show its count in ``attempts`` samples (else: refused);
        ``fill_durations``: a duration asked of a movement that is not a held pose is filled with clips of
        the movement's own length (else: one clip forced to that length); ``retime_holds``: a duration asked
        of a held pose is met by holding the pose of a clip of the model's own length longer or shorter
        (else: one clip forced to that length); ``retime_speed``: "quickly" / "slowly" is a clip asked for
        without the speed word, played at the corpus's speed factor (else: the speed word in the caption)."""
        if not 1 <= int(attempts) <= 20:
            raise ValueError(f"attempts={attempts!r}: must be an integer in [1, 20]")
        if repeat_above is not None and not (isinstance(repeat_above, int) and repeat_above >= 1):
            raise ValueError(f"repeat_above={repeat_above!r}: must be None or an integer >= 1")
        self.generator, self.reader, self.attempts = generator, reader, int(attempts)
        self.repeat_above, self.split_on_mismatch = repeat_above, bool(split_on_mismatch)
        self.fill_durations, self.retime_holds = bool(fill_durations), bool(retime_holds)
        self.retime_speed = bool(retime_speed)
        self.captioner = MotionCaptioner(generator.lmm)

    @classmethod
    def from_config(cls, generator, reader, language) -> "CheckedGenerator":
        """With the ``check`` settings of a :class:`humanoid_lmm.speech.gate.LanguageConfig`."""
        return cls(generator, reader, language.check_attempts, language.check_repeat_above,
                   fill_durations=language.check_fill_durations, retime_holds=language.check_retime_holds,
                   retime_speed=language.check_retime_speed)

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
        count = read_count(text)
        return count is None or count < 2 or read_count(caption) == count

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

    def _repetitions(self, text: str, want: str, count: int, size: int | None) -> list[str]:
        """Captions of the clips that make ``count`` repetitions of ``want``: the caption itself ``count`` times
        when it cannot carry a count ("salute three times"), else chunks of at most ``size`` repetitions as
        equal as can be ("clap 8 times" with size 4: "clap your hands four times" twice; size 1: one at a time)."""
        from humanoid_lmm.text.slots import read_slots

        cap = self.reader.catalogue[want]
        if not cap.counts:          # the caption has no count ("salute"): it is one repetition already
            return [text] * count
        slots = read_slots(text)
        n = -(-count // max(1, size or count))
        return [cap.caption(count // n + (i < count % n), slots.speed, None, slots.degrees) for i in range(n)]

    def _without_speed(self, text: str, want: str, count: int | None, duration_s: float | None) -> tuple[str, float]:
        """(caption, speed factor): with ``retime_speed``, "clap your hands quickly" -> ("clap your hands three
        times"..., 1.45), the corpus's factors (motion.synth SPEEDS); unchanged (factor 1) otherwise."""
        from humanoid_lmm.motion.synth.base import SPEEDS
        from humanoid_lmm.text.slots import read_slots

        slots = read_slots(text)
        if not (self.retime_speed and slots.speed in SPEEDS and slots.speed and duration_s is None):
            return text, 1.0
        return self.reader.catalogue[want].caption(count, "", None, slots.degrees), SPEEDS[slots.speed]

    def _held(self, text, want, duration_s, seed, check, captions) -> tuple[str, np.ndarray, int] | None:
        """A held pose for ``duration_s``: (caption, codes, attempt) of a clip of the model's own length whose
        hold :func:`humanoid_lmm.motion.ops.retime_hold` can stretch (or shorten) to it, else None."""
        from humanoid_lmm.text.slots import read_slots

        slots = read_slots(text)
        free = self.reader.catalogue[want].caption(slots.count, slots.speed, None, slots.degrees)
        got = self._sample(free, None, want, seed, check, captions)
        if got is None or retime_hold(self.generator._decode(got[0], free), duration_s) is None:
            return None
        return free, got[0], got[1]

    def _sample(self, text, duration_s, want, seed, check, captions) -> tuple[np.ndarray, int] | None:
        """Codes of the first of ``attempts`` samples whose caption shows ``want`` (and the attempt), else None."""
        for attempt in range(self.attempts if check else 1):
            codes = self.generator.sample_codes(text, duration_s, (seed + 104729 * attempt) % 2**31)
            caption = self.captioner(codes) if check else ""
            captions.append(caption)
            if not check or self.shows(text, want, caption):
                return codes, attempt
        return None

    def generate_steps(self, steps, wanted, seed: int | None = None, check: bool = True,
                       counts=None) -> CheckedMotion:
        """A chain of actions generated one at a time and joined ("wave then squat then jump").

        ``steps``: (corpus caption, duration [s] or None) per action; ``wanted``: the capability of each;
        ``counts``: the repetitions each action was asked for (None: as its caption says). Each action is
        sampled on its own caption (and, with ``check``, captioned and resampled up to ``attempts`` times
        until it shows its capability), decoded, and the motions are joined in the world by
        :func:`humanoid_lmm.lmm.chain.chain_motions` (each starts where and facing how the last ended); the
        joined motion's planted feet are pinned again across the joins (``foot_lock``). An action is made of
        several clips when:

        - it asks for N >= 2 repetitions and its caption cannot carry a count ("salute three times"): the
          caption N times;
        - N > ``repeat_above``: chunks of at most ``repeat_above`` repetitions ("clap 8 times": "clap your
          hands four times" twice; a single "clap once" clip claps twice), each checked for its count by its
          caption; a chunk no sample of which showed its count is made one repetition at a time, and so is an
          N <= ``repeat_above`` whose counted caption never showed it;
        - ``fill_durations`` and it is a movement asked for a duration: one clip of free length, then as many
          more as bring the total nearest to it ("keep clapping for 6 seconds": the motion model makes poor
          clips when forced to an unnatural length);
        - a duration longer than the model's longest clip: that many equal stretches (the gate lets such a
          duration through only for movements that are not held poses).

        With ``retime_holds``, a held pose asked for a duration is one clip of the model's own length whose
        hold is retimed to it (:func:`humanoid_lmm.motion.ops.retime_hold`); else one clip of that length.
        With ``retime_speed``, an action asked "quickly" or "slowly" (and no duration) is made as above from
        its caption without the speed word and then played at the corpus's speed factor
        (:func:`humanoid_lmm.motion.ops.change_speed`)."""
        if len(steps) != len(wanted) or not steps:
            raise ValueError(f"{len(steps)} steps for {len(wanted)} wanted capabilities")
        counts = tuple(counts) if counts is not None else (None,) * len(steps)
        if len(counts) != len(steps):
            raise ValueError(f"{len(counts)} counts for {len(steps)} steps")
        base = int(np.random.SeedSequence().entropy % 2**31) if seed is None else int(seed)
        longest = float(self.generator.lmm.config.max_motion_seconds)
        pieces, captions, tries = [], [], 0     # pieces: (action index, caption text, codes, hold [s] or None)
        pace = [1.0] * len(steps)               # speed factor each action's clips are played at

        def mismatch(text, what, want):
            return MotionMismatch(f"{self.attempts} motions for {text!r} ({what}) did not show {want} (they showed: "
                                  f"{'; '.join(repr(c) for c in captions[-self.attempts:])}); nothing is sent",
                                  tuple(captions))

        for k, ((text, duration_s), want, count) in enumerate(zip(steps, wanted, counts)):
            where = f"action {k + 1} of {len(steps)}"
            text, pace[k] = self._without_speed(text, want, count, duration_s)
            parts, part_s = None, None   # captions of the clips the action is made of, when more than one
            counted = self.reader.catalogue[want].counts
            if count is not None and count >= 2 and (not counted or (self.repeat_above is not None
                                                                     and count > self.repeat_above)):
                parts = self._repetitions(text, want, count, self.repeat_above)
            elif duration_s is not None and self.fill_durations and not self.reader.catalogue[want].holds:
                free = self._sample(text, None, want, base + 7 * k, check, captions)   # "keep clapping for 6 s"
                if free is not None:   # as many clips of its own length as fill the duration (nearest count)
                    seconds = self.generator._decode(free[0], text).duration_s
                    parts = [text] * max(1, int(round(duration_s / seconds)))
            if parts is None and duration_s is not None and self.retime_holds and self.reader.catalogue[want].holds:
                held = self._held(text, want, duration_s, base + 7 * k, check, captions)   # "hold it for 8 s"
                if held is not None:
                    pieces.append((k, held[0], held[1], duration_s))
                    tries = max(tries, held[2])
                    continue
            if parts is None and duration_s is not None and duration_s > longest:   # "march in place for 20 s"
                n = int(np.ceil(duration_s / longest))
                parts, part_s = [text] * n, duration_s / n
            if parts is None:
                got = self._sample(text, duration_s, want, base + 7 * k, check, captions)
                if got is not None:
                    pieces.append((k, text, got[0], None))
                    tries = max(tries, got[1])
                    continue
                if count is None or count < 2 or not self.split_on_mismatch:
                    raise mismatch(text, where, want)
                parts = self._repetitions(text, want, count, 1)   # no sample showed the count: one at a time
            for j, part in enumerate(parts):
                got = self._sample(part, part_s, want, base + 7 * k + 7919 * (j + 1), check, captions)
                if got is None and counted and (read_count(part) or 1) >= 2:   # this chunk one at a time
                    singles = self._repetitions(part, want, read_count(part), 1)
                    got = [self._sample(one, None, want, base + 7 * k + 7919 * (j + 1) + 31 * (i + 1), check,
                                        captions) for i, one in enumerate(singles)]
                    if all(g is not None for g in got):
                        pieces.extend((k, one, g[0], None) for one, g in zip(singles, got))
                        tries = max([tries] + [g[1] for g in got])
                        continue
                    got = None
                if got is None:
                    raise mismatch(part, f"part {j + 1} of {len(parts)} of {where}", want)
                pieces.append((k, part, got[0], None))
                tries = max(tries, got[1])
        motions = [self.generator._decode(c, t) if hold is None else retime_hold(self.generator._decode(c, t), hold)
                   for _, t, c, hold in pieces]
        motions = [m if pace[k] == 1.0 else change_speed(m, pace[k]) for (k, _, _, _), m in zip(pieces, motions)]
        frames = [0] * len(steps)
        for (k, _, _, _), m in zip(pieces, motions):
            frames[k] += m.n_frames
        joined = chain_motions(motions, " then ".join(t for t, _ in steps))
        if len(motions) > 1 and self.generator.sampling.foot_lock:   # a planted foot stays put across the joins
            joined = FootLock()(joined)
        return CheckedMotion(joined, " then ".join(captions), tries, tuple(frames))
