import dataclasses
import sys
import os
import random

import numpy as np
import pytest

from humanoid_lmm.control.config import load_control_config
from humanoid_lmm.robots import RobotTrajectory, load_robot_config

from control_domain import DOMAIN  # noqa: E402,F401  (one DDS domain per test process)


@pytest.fixture(scope="session")
def g1():
    return load_robot_config("g1")


@pytest.fixture(scope="session")
def h1():
    return load_robot_config("h1")


@pytest.fixture
def control(request):
    """Control config for the tests; ``parametrize("control", [{"state_timeout_s": ...}], indirect=True)``
    overrides watchdog fields for one test (the bridge and sim fixtures then use it too)."""
    c = load_control_config()
    c = dataclasses.replace(c, streamer=dataclasses.replace(c.streamer, soft_start_s=0.5, soft_stop_s=0.3))
    return dataclasses.replace(c, watchdog=dataclasses.replace(c.watchdog, **getattr(request, "param", {})))


@pytest.fixture
def wave():
    return arm_wave


def arm_wave(cfg, seconds=2.0, fps=50.0, amp=0.3, freq=0.5, offset=0.0):
    """Default pose with a sine on both shoulders' pitch and elbows (motor order)."""
    t = np.arange(int(seconds * fps) + 1) / fps
    q = np.tile(cfg.default_q, (len(t), 1))
    for name in ("left_shoulder_pitch_joint", "right_shoulder_pitch_joint", "left_elbow_joint", "right_elbow_joint"):
        if name in cfg.joint_names:
            q[:, cfg.joint_index(name)] += offset + amp * np.sin(2 * np.pi * freq * t)
    T = len(t)
    return RobotTrajectory(robot=cfg.name, fps=fps, joint_names=tuple(cfg.joint_names), q=q,
                           root_pos=np.zeros((T, 3)), root_quat=np.tile([1.0, 0, 0, 0], (T, 1)),
                           contacts=np.ones((T, 2), bool))


# The bridge's 500 Hz loop, its DDS listener and the test threads share this process (the simulated robot runs
# in its own, see sim_process.py); a short GIL switch interval (default 5 ms) keeps them all responsive.
sys.setswitchinterval(2e-4)
