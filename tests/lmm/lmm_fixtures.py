"""Shared tiny helpers for the LMM tests: pre-tokenised motion codes and a tiny LMM (CPU, seconds)."""
import random

import numpy as np
import torch

from humanoid_lmm.lmm import LargeMotionModel, LMMConfig
from humanoid_lmm.lmm.data_lmm import PairRecord

torch.set_num_threads(1)

K, P = 16, 2  # codebook size, parts


def pattern_records() -> list[PairRecord]:
    """Two behaviours with distinct, deterministic code patterns (pre-tokenised, no motion tokenizer)."""
    up = np.stack([np.arange(6) % 4, np.arange(6) % 4 + 4], axis=1)          # (6, 2) codes 0..7
    down = np.stack([np.arange(8) % 4 + 8, 15 - np.arange(8) % 4], axis=1)   # (8, 2) codes 8..15
    return [PairRecord(up, ["raise your arms", "lift both arms"], 6 / 5.0),
            PairRecord(down, ["squat down", "do a squat"], 8 / 5.0)]


def tiny_config(arch: str = "gpt2", **kw) -> LMMConfig:
    base = dict(arch=arch, n_layer=2, n_embd=64, n_head=2, n_positions=128, text_vocab_size=300,
                codebook_size=K, num_parts=P, downsample=4, fps=20.0, max_motion_seconds=4.0,
                max_prompt_tokens=48)
    base.update(kw)
    return LMMConfig(**base)


def tiny_lmm(arch: str = "gpt2") -> LargeMotionModel:
    from humanoid_lmm.lmm.data_lmm import corpus_texts

    torch.manual_seed(0)
    return LargeMotionModel.create(tiny_config(arch), corpus_texts(pattern_records() * 5, random.Random(0)))


def synthetic_motion(kind: str, frames: int, phase: float = 0.0):
    """A real Motion: 'arms' raises both arms (shoulder roll), 'squat' lowers the pelvis and bends knees."""
    from humanoid_lmm.motion import Motion, joint_index, rest_positions

    t = np.linspace(0, 1, frames)
    s = np.sin(np.pi * t + phase) ** 2                       # 0 -> 1 -> 0
    rot = np.zeros((frames, 22, 3))
    root = np.tile(rest_positions()[0], (frames, 1))
    if kind == "arms":
        rot[:, joint_index("left_shoulder"), 0] = 1.2 * s
        rot[:, joint_index("right_shoulder"), 0] = -1.2 * s
    else:
        root[:, 2] -= 0.3 * s
        for side in ("left", "right"):
            rot[:, joint_index(f"{side}_hip"), 1] = -1.0 * s
            rot[:, joint_index(f"{side}_knee"), 1] = 1.6 * s
    return Motion(20.0, root, rot, kind)


def write_tiny_corpus(root, n: int = 12):
    """A MotionLib folder of ``n`` synthetic text-motion pairs (two behaviours) with the real writer."""
    from humanoid_lmm.motion.dataset import MotionLibWriter

    texts = {"arms": ["raise both arms", "lift your arms up"], "squat": ["squat down", "do a squat"]}
    with MotionLibWriter(root, shard_size=8, val_frac=0.2, test_frac=0.0) as w:
        for i in range(n):
            kind = ("arms", "squat")[i % 2]
            w.add(synthetic_motion(kind, 24 + 4 * (i % 3), phase=0.1 * i), texts[kind], {"kind": kind})
    return root


def tiny_motion_tokenizer(directory=None):
    """A randomly initialised real MotionTokenizer (LFQ, 16 codes, 6 parts); saved when ``directory``."""
    from humanoid_lmm.tokenizer.configuration import MotionTokenizerConfig
    from humanoid_lmm.tokenizer.modeling import MotionBook
    from humanoid_lmm.tokenizer.tokenizer import MotionTokenizer

    torch.manual_seed(0)
    tok = MotionTokenizer(MotionBook(MotionTokenizerConfig(codebook_bits=4, width=8, res_blocks=0)))
    if directory is not None:
        tok.save_pretrained(directory)
    return tok
