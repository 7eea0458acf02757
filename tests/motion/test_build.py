"""Quality filters, folder -> MotionLib build, and the `data` CLI group."""

from __future__ import annotations

import argparse
import shutil

import numpy as np
import pytest

from humanoid_lmm.motion import REST_PELVIS_HEIGHT, Motion, MotionLibDataset
from humanoid_lmm.motion.build import build_motionlib, read_texts
from humanoid_lmm.motion.cli import register
from humanoid_lmm.motion.filters import FilterConfig, check_arrays, check_motion
from humanoid_lmm.motion.io.bvh import save_bvh
from humanoid_lmm.motion.synth import sample_clip
from humanoid_lmm.robots.assets import demo_data_dir


def _standing(T=60, fps=20.0, vx=0.0, dz=0.0, noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    root = np.zeros((T, 3))
    root[:, 0] = np.arange(T) / fps * vx
    root[:, 2] = REST_PELVIS_HEIGHT + dz
    rot = np.zeros((T, 22, 3))
    rot[:, 0] = [0.0, 0.0, 0.0]
    rot[:, [3, 6, 9]] += rng.normal(scale=noise, size=(T, 3, 3))
    root += rng.normal(scale=noise * 0.1, size=root.shape)
    return Motion(fps, root, rot)


def test_filter_keeps_clean_motions():
    assert check_motion(_standing()).ok
    m, *_ = sample_clip(np.random.default_rng(1))
    assert check_motion(m).ok


@pytest.mark.parametrize(
    "motion, reason",
    [
        (_standing(T=10), "too_short"),
        (_standing(vx=1.0), "skating"),
        (_standing(dz=-0.1), "penetration"),
        (_standing(dz=0.5), "floating"),
        (_standing(noise=0.2), "jitter"),
        (_standing(T=500, fps=20.0), "too_long"),
    ],
)
def test_filter_rejects_with_reason(motion, reason):
    res = check_motion(motion, FilterConfig(max_seconds=20.0))
    assert reason in res.reasons, (res.reasons, res.values)


def test_nan_is_rejected():
    root, rot = np.zeros((5, 3)), np.zeros((5, 22, 3))
    assert check_arrays(root, rot) == ()
    rot[2, 4, 1] = np.nan
    assert check_arrays(root, rot) == ("nan",)


def test_read_texts(tmp_path):
    (tmp_path / "a.txt").write_text("a man walks#a/DET man/NOUN#0.0#0.0\n\nhe waves\n")
    assert read_texts(tmp_path / "a.txt") == ["a man walks", "he waves"]


def test_build_folder(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    omomo = sorted(demo_data_dir().glob("OMOMO_new/*.pt"))[1]
    shutil.copy(omomo, src / omomo.name)
    (src / omomo.with_suffix(".txt").name).write_text("a person carries a box\n")
    clean, *_ = sample_clip(np.random.default_rng(2))
    clean.save_npz(src / "synth.npz")
    save_bvh(_standing(T=8), src / "short.bvh")
    (src / "broken.npz").write_bytes(b"not a zip")
    report = build_motionlib(src, tmp_path / "lib", fps=20.0, clip_seconds=5.0, refine_steps=5)
    assert report.n_files == 4
    assert "broken.npz" in report.errors
    assert report.rejected.get("short.bvh") == ("too_short",)
    assert report.ik_residual_mm[omomo.name] < 40.0
    ds = MotionLibDataset(tmp_path / "lib", split=None)
    assert len(ds) == report.n_kept >= 3
    ids = [ds[i].id for i in range(len(ds))]
    box = [i for i, s in enumerate(ids) if s.startswith(omomo.name)]
    assert box and ds[box[0]].texts == ["a person carries a box"]
    syn = [i for i, s in enumerate(ids) if s.startswith("synth.npz")]
    assert ds[syn[0]].hier is not None  # annotated by the rule annotator
    assert "rejected too_short: 1" in report.summary()


def test_cli_register_and_synth(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["data", "synth", "--n", "3", "-o", str(tmp_path / "c"), "--quiet"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "jerk_mean" in out and "filter rejections" in out
    args = parser.parse_args(["data", "convert", str(tmp_path / "x.npz"), "-o", str(tmp_path / "y.bvh")])
    _standing().save_npz(tmp_path / "x.npz")
    assert args.func(args) == 0 and (tmp_path / "y.bvh").is_file()
