import json

import numpy as np
import torch

from humanoid_lmm.motion import d135_to_positions_torch, motion_to_d135
from humanoid_lmm.motion.dataset import MotionLibDataset
from humanoid_lmm.tokenizer.data import WindowSampler, rotate_heading
from humanoid_lmm.tokenizer.ik_copy import ik_copy_corpus

from tokenizer_testutils import smooth_motion


def test_rotate_heading_turns_the_whole_motion_about_z():
    x = motion_to_d135(smooth_motion(24, seed=2))[None]
    yaw = np.array([0.7])
    y = rotate_heading(x, yaw)
    assert np.array_equal(y[..., 6:], x[..., 6:])  # velocity (heading frame), height, joints unchanged
    p = d135_to_positions_torch(torch.from_numpy(x).double(), 20.0)[0].numpy()  # (T, 22, 3), xy from 0
    q = d135_to_positions_torch(torch.from_numpy(y).double(), 20.0)[0].numpy()
    c, s = np.cos(0.7), np.sin(0.7)
    rz = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    assert np.allclose(q, p @ rz.T, atol=1e-5)


def test_sampler_yaw_augment_is_seeded():
    seqs = [motion_to_d135(smooth_motion(40, seed=i)) for i in range(3)]
    a, _ = WindowSampler(seqs, 16, seed=3, yaw_augment=True).sample(8)
    b, _ = WindowSampler(seqs, 16, seed=3, yaw_augment=True).sample(8)
    c, _ = WindowSampler(seqs, 16, seed=3).sample(8)
    assert np.array_equal(a, b) and not np.allclose(a[..., :6], c[..., :6])
    assert np.allclose(a[..., 6:], c[..., 6:])


def test_ik_copy_keeps_positions_ids_and_splits(tiny_corpus, tmp_path):
    ik_copy_corpus(tiny_corpus, tmp_path / "ik")
    src, dst = MotionLibDataset(tiny_corpus, None), MotionLibDataset(tmp_path / "ik", None)
    assert [s["id"] for s in src.samples] == [s["id"] for s in dst.samples]
    assert [s["split"] for s in src.samples] == [s["split"] for s in dst.samples]
    for i in (0, 7):
        a, b = src[i].motion, dst[i].motion
        assert np.allclose(a.positions(), b.positions(), atol=1e-4)
        assert not np.allclose(a.rotations, b.rotations, atol=1e-3)  # other twists, same positions
    assert json.loads((tmp_path / "ik/index.json").read_text())["fps"] == 20.0
