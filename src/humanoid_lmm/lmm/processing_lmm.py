"""Text tokenizer and motion vocabulary: `<mot> <motion_k> ... </mot>` inside an LLM's vocabulary.

The LM vocabulary is the base text tokenizer's vocabulary followed by ``<mot>``, ``</mot>`` and the
``codebook_size`` motion tokens ``<motion_0> ... <motion_{K-1}>`` (contiguous ids). A motion of S time
steps and P parts is written time-major, part-minor: ``<mot> m[0,0] .. m[0,P-1] m[1,0] .. </mot>``.

Prompt format (same for every base model)::

    Human: {instruction}\\nRobot: <mot> ... </mot><eos>          (text -> motion)
    Human: <mot> ... </mot> {question}\\nRobot: {caption}<eos>    (motion -> text)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from humanoid_lmm.errors import CommandRejected, GenerationError

__all__ = [
    "MOT", "EOT", "PAD", "EOS", "motion_token", "train_text_tokenizer", "add_motion_tokens", "MotionVocab",
    "format_prompt",
]

MOT, EOT = "<mot>", "</mot>"
EOS, PAD = "<|endoftext|>", "<|pad|>"


def motion_token(k: int) -> str:
    return f"<motion_{k}>"


def train_text_tokenizer(texts: Iterable[str], vocab_size: int = 1024):
    """Train a byte-level BPE text tokenizer on ``texts``; returns a ``PreTrainedTokenizerFast``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=2, special_tokens=[EOS, PAD],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
    )
    tok.train_from_iterator(list(texts), trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=EOS, eos_token=EOS, pad_token=PAD,
                                   unk_token=None, model_max_length=4096)


def add_motion_tokens(tokenizer, codebook_size: int) -> None:
    """Append ``<mot>``, ``</mot>`` and ``<motion_k>`` (k < codebook_size) as special tokens; idempotent."""
    names = [MOT, EOT] + [motion_token(k) for k in range(codebook_size)]
    missing = [n for n in names if tokenizer.convert_tokens_to_ids(n) in (None, tokenizer.unk_token_id)]
    if missing:
        tokenizer.add_tokens(missing, special_tokens=True)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token


@dataclass(frozen=True)
class MotionVocab:
    """Id bookkeeping between motion codes (S, P) and LM token ids."""

    mot_id: int
    eot_id: int
    motion_base: int      # id of <motion_0>; <motion_k> = motion_base + k
    codebook_size: int
    num_parts: int
    eos_id: int
    pad_id: int
    vocab_size: int       # len(tokenizer): rows the embedding matrix must have

    @classmethod
    def from_tokenizer(cls, tokenizer, codebook_size: int, num_parts: int) -> "MotionVocab":
        ids = tokenizer.convert_tokens_to_ids([motion_token(k) for k in range(codebook_size)])
        base = ids[0]
        if ids != list(range(base, base + codebook_size)):
            raise GenerationError("motion tokens are not contiguous in the tokenizer; rebuild it with add_motion_tokens")
        eos = tokenizer.eos_token_id
        if eos is None:
            raise GenerationError("the text tokenizer has no eos token")
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos
        return cls(tokenizer.convert_tokens_to_ids(MOT), tokenizer.convert_tokens_to_ids(EOT), base,
                   codebook_size, num_parts, eos, pad, len(tokenizer))

    def is_motion(self, token_id: int) -> bool:
        return self.motion_base <= token_id < self.motion_base + self.codebook_size

    def codes_to_ids(self, codes: np.ndarray) -> list[int]:
        """(S, P) codes -> [<mot>, S*P motion ids, </mot>]."""
        codes = np.asarray(codes)
        if codes.ndim != 2 or codes.shape[1] != self.num_parts:
            raise ValueError(f"motion codes must be (S, {self.num_parts}), got {codes.shape}")
        if codes.size and (codes.min() < 0 or codes.max() >= self.codebook_size):
            raise ValueError(f"motion codes must be in [0, {self.codebook_size}), got [{codes.min()}, {codes.max()}]")
        return [self.mot_id] + (codes.reshape(-1) + self.motion_base).tolist() + [self.eot_id]

    def ids_to_codes(self, ids: Sequence[int]) -> np.ndarray:
        """Motion token ids (no markers) -> (S, P) codes; raises GenerationError on bad ids or length."""
        arr = np.asarray(list(ids), dtype=np.int64)
        bad = arr[(arr < self.motion_base) | (arr >= self.motion_base + self.codebook_size)]
        if bad.size:
            raise GenerationError(f"{bad.size} out-of-vocabulary id(s) inside <mot>...</mot> (e.g. {int(bad[0])}); "
                                  f"motion ids are [{self.motion_base}, {self.motion_base + self.codebook_size})")
        if arr.size == 0:
            raise GenerationError("empty motion: <mot> was directly followed by </mot>")
        if arr.size % self.num_parts:
            raise GenerationError(f"truncated motion: {arr.size} tokens is not a whole number of time steps "
                                  f"of {self.num_parts} part tokens")
        return (arr - self.motion_base).reshape(-1, self.num_parts)

    def extract_motion(self, generated: Sequence[int]) -> np.ndarray:
        """Find ``<mot> ... </mot>`` in a generated id sequence and return its (S, P) codes."""
        gen = list(generated)
        if self.mot_id not in gen:
            raise GenerationError("the model produced no <mot> token")
        start = gen.index(self.mot_id) + 1
        if self.eot_id not in gen[start:]:
            raise GenerationError("truncated motion: no </mot> before the length limit")
        end = gen.index(self.eot_id, start)
        return self.ids_to_codes(gen[start:end])


def format_prompt(instruction: str, max_chars: int | None = None) -> str:
    """The text-to-motion prompt for one user instruction; refuses empty or over-long input."""
    text = " ".join(str(instruction).split())
    if not text:
        raise CommandRejected("empty command: say what the robot should do, e.g. 'wave your right hand'")
    if max_chars is not None and len(text) > max_chars:
        raise CommandRejected(f"command is {len(text)} characters long; the limit is {max_chars}")
    return f"Human: {text}\nRobot:"
