"""Fixtures for the tokenizer tests: a tiny MotionLib corpus written by the real writer."""

from __future__ import annotations

import pytest
import torch

from humanoid_lmm.motion.dataset import MotionLibWriter
from tokenizer_testutils import smooth_motion

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory):
    """A MotionLib dataset of 40 short motions with non-empty train / val / test splits."""
    root = tmp_path_factory.mktemp("corpus")
    with MotionLibWriter(root, shard_size=16, val_frac=0.2, test_frac=0.2) as w:
        for i in range(40):
            w.add(smooth_motion(20 + 3 * i, seed=i), f"motion {i}")
    return root
