"""Training data: corpus motions tokenised once into (S, P) codes, then sampled as LM examples.

``encode_corpus`` turns a MotionLib split into :class:`PairRecord` s (codes + all texts) and caches
them as ``.npz``; :class:`ExampleBuilder` writes stage-1 (caption <-> motion) or stage-2
(instruction templates, durations) token sequences with the loss on the response only.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from humanoid_lmm.lmm.processing_lmm import MotionVocab, format_prompt
from humanoid_lmm.lmm.templates import M2T_QUESTIONS, instruction

__all__ = ["PairRecord", "encode_corpus", "save_records", "load_records", "record_source", "ExampleBuilder", "corpus_texts"]

IGNORE = -100


@dataclass
class PairRecord:
    """One corpus motion: its (S, P) codes, its descriptions and its duration [s]."""

    codes: np.ndarray      # (S, P) int64
    texts: list[str]
    duration_s: float


def _sample_texts(sample) -> list[str]:
    texts = [t for t in (getattr(sample, "texts", None) or []) if t and t.strip()]
    hier = getattr(sample, "hier", None)
    overall = getattr(hier, "overall", None) if hier is not None else None
    if overall and overall.strip() and overall not in texts:
        texts.append(overall)
    if not texts and getattr(sample.motion, "text", ""):
        texts = [sample.motion.text]
    return texts


def _encode_batched(tok, motions: list) -> list[np.ndarray] | None:
    """Encode motions of equal length in one forward pass (MotionBook internals); None if unavailable."""
    model = getattr(tok, "model", None)
    if model is None or not hasattr(model, "encode_ids") or not hasattr(model, "normalise"):
        return None
    from humanoid_lmm.motion import motion_to_d135

    x = torch.from_numpy(np.stack([motion_to_d135(m) for m in motions]).astype(np.float32)).to(tok.device)
    with torch.no_grad():
        ids = model.encode_ids(model.normalise(x))          # (B, S, P)
    return list(ids.cpu().numpy().astype(np.int64))


def encode_corpus(motion_tokenizer, root: str | Path, split: str, limit: int | None = None,
                  batch_size: int = 64) -> list[PairRecord]:
    """Tokenise every motion of a MotionLib split (same-length motions batched; checked against
    ``motion_tokenizer.encode`` on the first batch, falling back to one motion at a time)."""
    from humanoid_lmm.motion.dataset import MotionLibDataset

    ds = MotionLibDataset(root, split)
    n = len(ds) if limit is None else min(limit, len(ds))
    samples = [ds[i] for i in range(n)]
    samples = [(s, _sample_texts(s)) for s in samples]
    samples = [(s, t) for s, t in samples if t]
    alpha = int(motion_tokenizer.downsample)
    codes: dict[int, np.ndarray] = {}
    by_len: dict[int, list[int]] = {}
    for i, (s, _) in enumerate(samples):
        T = s.motion.n_frames
        by_len.setdefault(T if T % alpha == 0 else -1, []).append(i)   # -1: needs padding, one at a time
    batched_ok, verified = True, False
    for length, idx in sorted(by_len.items()):
        for lo in range(0, len(idx), batch_size):
            chunk = idx[lo: lo + batch_size]
            motions = [samples[i][0].motion for i in chunk]
            out = _encode_batched(motion_tokenizer, motions) if (batched_ok and length > 0) else None
            if out is not None and not verified:   # first batch: must equal the public encode
                ref = np.asarray(motion_tokenizer.encode(motions[0]))
                batched_ok = verified = ref.shape == out[0].shape and bool((ref == out[0]).all())
                out = out if batched_ok else None
            for j, i in enumerate(chunk):
                codes[i] = out[j] if out is not None else np.asarray(motion_tokenizer.encode(motions[j]), np.int64)
    return [PairRecord(codes[i], t, float(s.motion.duration_s)) for i, (s, t) in enumerate(samples)]


def save_records(records: list[PairRecord], path: str | Path, source: str = "") -> None:
    """Write records (codes as int16 when they fit) with a ``source`` fingerprint."""
    lens = np.array([len(r.codes) for r in records], dtype=np.int64)
    flat = np.concatenate([r.codes for r in records]) if records else np.zeros((0, 1), np.int64)
    if flat.size and flat.max() < 2**15:
        flat = flat.astype(np.int16)
    np.savez(path, codes=flat, lengths=lens, durations=np.array([r.duration_s for r in records]),
             texts=np.array(json.dumps([r.texts for r in records])), source=np.array(source))


def record_source(path: str | Path) -> str:
    with np.load(path, allow_pickle=False) as z:
        return str(z["source"]) if "source" in z.files else ""


def load_records(path: str | Path) -> list[PairRecord]:
    with np.load(path, allow_pickle=False) as z:
        flat, lens, durs = z["codes"].astype(np.int64), z["lengths"], z["durations"]
        texts = json.loads(str(z["texts"]))
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]]) if len(lens) else []
    return [PairRecord(flat[s:s + n], t, float(d)) for s, n, t, d in zip(starts, lens, texts, durs)]


def corpus_texts(records: list[PairRecord], rng: random.Random, n_instructions: int = 4) -> list[str]:
    """Text on which to train the built-in BPE: captions plus rendered instructions and questions."""
    out = []
    for r in records:
        out.extend(r.texts)
        for _ in range(n_instructions):
            out.append(format_prompt(instruction(rng.choice(r.texts), rng, r.duration_s, p_duration=0.5)))
    out.extend(M2T_QUESTIONS)
    return out


class ExampleBuilder:
    """Token sequences for training; ``response_only`` masks the prompt out of the labels."""

    def __init__(self, tokenizer, vocab: MotionVocab, stage: int, m2t_fraction: float = 0.25,
                 response_only: bool = True, max_len: int = 512, max_prompt_tokens: int = 64,
                 paraphrase_fraction: float = 0.0):
        self.tok, self.vocab, self.stage = tokenizer, vocab, stage
        self.paraphrase_fraction = paraphrase_fraction  # share of t2m prompts rewritten by paraphrase.augment
        self.m2t_fraction, self.response_only = m2t_fraction, response_only
        self.max_len, self.max_prompt_tokens = max_len, max_prompt_tokens

    def _text(self, s: str) -> list[int]:
        return self.tok(s, add_special_tokens=False)["input_ids"]

    def t2m(self, rec: PairRecord, rng: random.Random) -> tuple[list[int], list[int]]:
        """[bos] Human: {caption or instruction}\\nRobot: <mot> codes </mot> [eos]."""
        caption = rng.choice(rec.texts)
        if self.paraphrase_fraction and rng.random() < self.paraphrase_fraction:
            from humanoid_lmm.lmm.paraphrase import augment

            caption = augment(caption, rng)
        text = caption if self.stage == 1 else instruction(caption, rng, rec.duration_s)
        prompt = [self.vocab.eos_id] + self._text(format_prompt(text))[: self.max_prompt_tokens]
        return prompt, self.vocab.codes_to_ids(rec.codes) + [self.vocab.eos_id]

    def m2t(self, rec: PairRecord, rng: random.Random) -> tuple[list[int], list[int]]:
        """[bos] Human: <mot> codes </mot> {question}\\nRobot: {caption} [eos]."""
        prompt = ([self.vocab.eos_id] + self._text("Human: ") + self.vocab.codes_to_ids(rec.codes)
                  + self._text(" " + rng.choice(M2T_QUESTIONS) + "\nRobot:"))
        return prompt, self._text(" " + rng.choice(rec.texts)) + [self.vocab.eos_id]

    def example(self, rec: PairRecord, rng: random.Random) -> tuple[list[int], list[int]]:
        """(input_ids, labels) for one record, truncated to ``max_len``."""
        prompt, resp = self.m2t(rec, rng) if rng.random() < self.m2t_fraction else self.t2m(rec, rng)
        ids = (prompt + resp)[: self.max_len]
        labels = ([IGNORE] * len(prompt) if self.response_only else list(prompt)) + resp
        return ids, labels[: self.max_len]

    def batch(self, records: list[PairRecord], rng: random.Random) -> dict[str, torch.Tensor]:
        """Right-padded batch: input_ids / attention_mask / labels, each (B, L)."""
        pairs = [self.example(r, rng) for r in records]
        L = max(len(ids) for ids, _ in pairs)
        ids = torch.full((len(pairs), L), self.vocab.pad_id, dtype=torch.long)
        labels = torch.full((len(pairs), L), IGNORE, dtype=torch.long)
        mask = torch.zeros((len(pairs), L), dtype=torch.long)
        for b, (x, y) in enumerate(pairs):
            ids[b, : len(x)] = torch.tensor(x)
            labels[b, : len(y)] = torch.tensor(y)
            mask[b, : len(x)] = 1
        return {"input_ids": ids, "attention_mask": mask, "labels": labels}
