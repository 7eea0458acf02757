"""Helpers of the fault suite, importable by name (`from fault_helpers import ...`): a bare `from conftest import`
picks whichever conftest was imported last when several test folders run together."""

import time

import numpy as np

HOLD_OR_DAMPING_MS = 50.0  # the bound, from the moment the fault is detectable


def wait_for(pred, timeout_s, poll_s=0.002):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if pred():
            return time.monotonic()
        time.sleep(poll_s)
    return None


def upper_body_wave(cfg, seconds=6.0, amp=0.2, freq=0.5):
    """A validated-style upper_body plan: the stand pose with a slow 1 - cos swing of both arms."""
    from humanoid_lmm.execution import ExecutionPlan
    from humanoid_lmm.robots import RobotTrajectory

    stand = np.array([-0.312, 0, 0, 0.669, -0.363, 0] * 2 + [0, 0, 0] + [0.2, 0.2, 0, 0.6, 0, 0, 0]
                     + [0.2, -0.2, 0, 0.6, 0, 0, 0])
    t = np.arange(int(seconds * 50) + 1) / 50.0
    q = np.tile(stand, (len(t), 1))
    for name in ("left_shoulder_pitch_joint", "right_shoulder_pitch_joint", "left_elbow_joint", "right_elbow_joint"):
        q[:, cfg.joint_index(name)] += amp * (1 - np.cos(2 * np.pi * freq * t))
    T = len(t)
    ref = RobotTrajectory(robot=cfg.name, fps=50.0, joint_names=cfg.joint_names, q=q,
                          root_pos=np.tile([0.0, 0, 0.76], (T, 1)), root_quat=np.tile([1.0, 0, 0, 0], (T, 1)),
                          contacts=np.ones((T, 2), bool))
    return ExecutionPlan(mode="upper_body", reason="fault-suite wave", reference=ref, controller="g1_loco_ppo")
