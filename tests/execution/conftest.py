import numpy as np
import pytest

from humanoid_lmm.execution import load_execution_config
from humanoid_lmm.robots import RobotTrajectory


@pytest.fixture(scope="session")
def ec():
    return load_execution_config()


def arm_wave(cfg, seconds=2.0, fps=50.0, amp=0.3, freq=0.5, offset=0.0, start=None):
    """A pose (default: the config's) with a sine on both shoulders' pitch and elbows (motor order)."""
    t = np.arange(int(seconds * fps) + 1) / fps
    q = np.tile(cfg.default_q if start is None else start, (len(t), 1))
    for name in ("left_shoulder_pitch_joint", "right_shoulder_pitch_joint", "left_elbow_joint", "right_elbow_joint"):
        if name in cfg.joint_names:
            q[:, cfg.joint_index(name)] += offset + amp * np.sin(2 * np.pi * freq * t)
    T = len(t)
    return RobotTrajectory(robot=cfg.name, fps=fps, joint_names=tuple(cfg.joint_names), q=q,
                           root_pos=np.tile([0.0, 0.0, 0.76], (T, 1)), root_quat=np.tile([1.0, 0, 0, 0], (T, 1)),
                           contacts=np.ones((T, 2), bool))


@pytest.fixture
def wave():
    return arm_wave
