import dataclasses
import sys

import numpy as np
import pytest

from humanoid_lmm.control.config import load_control_config
from humanoid_lmm.execution import ExecutionPlan, load_execution_config
from humanoid_lmm.robots import RobotTrajectory

from control_domain import DOMAIN  # noqa: E402,F401  (one DDS domain per test process)


@pytest.fixture
def control(request):
    """Control config for the tests; ``parametrize("control", [{"state_timeout_s": ...}], indirect=True)``
    overrides watchdog fields for one test (the bridge and sim fixtures then use it too)."""
    c = load_control_config()
    return dataclasses.replace(c, watchdog=dataclasses.replace(c.watchdog, **getattr(request, "param", {})))


@pytest.fixture(scope="session")
def execution():
    """config/execution.yaml with short soft start / stop / return (test time)."""
    c = load_execution_config()
    return dataclasses.replace(c, streamer=dataclasses.replace(c.streamer, soft_start_s=0.5, soft_stop_s=0.3, return_s=0.5))


@pytest.fixture
def wave():
    return arm_wave


STAND = np.array([-0.312, 0, 0, 0.669, -0.363, 0] * 2 + [0, 0, 0] + [0.2, 0.2, 0, 0.6, 0, 0, 0] + [0.2, -0.2, 0, 0.6, 0, 0, 0])


def arm_wave(cfg, seconds=2.0, fps=50.0, amp=0.3, freq=0.5, offset=0.0):
    """An upper_body plan: the stand pose with 1 - cos swings on both shoulders' pitch and elbows (at rest at
    both ends, inside the safety filter's reference limits)."""
    t = np.arange(int(seconds * fps) + 1) / fps
    q = np.tile(STAND, (len(t), 1))
    for name in ("left_shoulder_pitch_joint", "right_shoulder_pitch_joint", "left_elbow_joint", "right_elbow_joint"):
        q[:, cfg.joint_index(name)] += offset * np.clip(t / 0.5, 0, 1) + amp * (1 - np.cos(2 * np.pi * freq * t))
    T = len(t)
    ref = RobotTrajectory(robot=cfg.name, fps=fps, joint_names=tuple(cfg.joint_names), q=q,
                          root_pos=np.tile([0.0, 0.0, 0.76], (T, 1)), root_quat=np.tile([1.0, 0, 0, 0], (T, 1)),
                          contacts=np.ones((T, 2), bool))
    return ExecutionPlan(mode="upper_body", reason="test wave", reference=ref)


# The bridge's 500 Hz loop and the test threads share this process (the simulated robot runs in its own, see
# sim_process.py); a short GIL switch interval (default 5 ms) keeps them all responsive.
sys.setswitchinterval(2e-4)
