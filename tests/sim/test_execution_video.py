"""The execution video shows the simulated (physics) states at >= 640x480, with the human skeleton beside."""

import numpy as np
import pytest

from humanoid_lmm.motion.synth import PRIMITIVES, build_clip
from humanoid_lmm.robots import build_mujoco_model
from humanoid_lmm.sim.logged_validation import validate_with_log
from humanoid_lmm.sim.execution_log import ExecutionLog
from humanoid_lmm.sim.execution_video import execution_qpos, render_execution_video


@pytest.fixture(scope="module")
def fallen(g1, sample):
    return validate_with_log(sample("lean_fall", g1))


def test_qpos_rebuilt_from_root_and_joints_matches_the_physics_state(fallen, g1):
    log = fallen.log
    fields = {k: getattr(log, k) for k in ExecutionLog.__dataclass_fields__}
    bare = ExecutionLog(**{**fields, "qpos": np.zeros((log.n_steps, 0))})  # an executor without MuJoCo state
    mj = build_mujoco_model(g1, actuators="none")
    assert np.allclose(execution_qpos(bare, mj), log.qpos, atol=1e-6)
    assert execution_qpos(log, mj) is log.qpos


@pytest.mark.slow
def test_video_is_640x480_of_the_execution_with_the_skeleton(fallen, tmp_path):
    import imageio.v2 as imageio

    wave = PRIMITIVES["wave_right"]
    motion = build_clip([(wave, wave.sample(np.random.default_rng(0)))])
    log = fallen.log
    path = render_execution_video(log, tmp_path / "exec.mp4", motion=motion, fps=4, verdict="fail")
    frames = imageio.mimread(path, memtest=False)
    assert len(frames) == len(np.arange(0.0, log.times[-1] + 1e-9, 0.25))
    assert frames[0].shape == (480, 640, 3)
    orange = lambda f: ((f[..., 0] > 180) & (f[..., 1] > 70) & (f[..., 1] < 150) & (f[..., 2] < 80)).sum()  # noqa: E731
    assert orange(frames[0]) > 200, "the human skeleton (orange) should be in the frame"
    # the robot falls in the physics run: the last frame differs clearly from the first (not a static plan)
    assert np.abs(frames[-1].astype(int) - frames[0].astype(int)).mean() > 3.0
