"""The Executor decides nothing about modes: it runs the plan's mode, or refuses it with the reason."""

import numpy as np
import pytest

from humanoid_lmm.errors import SafetyError
from humanoid_lmm.execution import ExecutionPlan, Executor, RobotState
from humanoid_lmm.execution.executor import sample_rows, transition_s


def _state(cfg, q=None):
    q = cfg.default_q.copy() if q is None else q
    return RobotState(q=q, dq=np.zeros(cfg.num_joints), quat=np.array([1.0, 0, 0, 0]), gyro=np.zeros(3))


def _plan(cfg, traj, mode="upper_body", **kw):
    T = traj.n_frames
    extra = {"velocity": np.zeros((T, 3))} if mode == "locomotion" else {}
    if mode == "whole_body":
        extra = {"torso_quat": np.tile([1.0, 0, 0, 0], (T, 1))}
    return ExecutionPlan(mode=mode, reason="test", reference=traj, **extra, **kw)


def test_arm_sdk_runs_upper_body_only(g1, ec, wave):
    ex = Executor(g1, ec, "arm_sdk")
    ex.start(_state(g1))
    with pytest.raises(SafetyError, match="arm_sdk mode.*upper_body plans only"):
        ex.play(_plan(g1, wave(g1), "whole_body"), _state(g1), 0.0)
    ex.play(_plan(g1, wave(g1)), _state(g1), 0.0)
    cmd = ex.step(_state(g1), 0.02)
    assert np.all(cmd.kp[g1.lower_body] == 0) and np.all(cmd.kp[g1.upper_body] == ec.controllers["g1"].arm_kp)
    assert 0.0 < cmd.weight < 0.1  # the weight ramps in over the soft start


def test_no_balancing_controller_refuses_free_standing_plans(h1, ec, wave):
    ex = Executor(h1, ec, "lowcmd", free_standing=True)
    ex.start(_state(h1))
    with pytest.raises(SafetyError, match="no balancing controller for h1"):
        ex.play(_plan(h1, wave(h1)), _state(h1), 0.0)
    on_gantry = Executor(h1, ec, "lowcmd", free_standing=False)
    on_gantry.start(_state(h1))
    on_gantry.play(_plan(h1, wave(h1), assist="gantry"), _state(h1), 0.0)  # simulation on the gantry: runs


def test_gantry_plan_is_refused_on_a_free_standing_robot(g1, ec, wave):
    ex = Executor(g1, ec, "lowcmd")
    ex.start(_state(g1))
    with pytest.raises(SafetyError, match="gantry"):
        ex.play(_plan(g1, wave(g1), assist="gantry"), _state(g1), 0.0)
    with pytest.raises(SafetyError, match="plan is for 'h1'"):
        from humanoid_lmm.robots import load_robot_config

        h1 = load_robot_config("h1")
        ex.play(_plan(h1, wave(h1)), _state(g1), 0.0)


def test_timeline_soft_start_track_return_release(g1, ec, wave):
    """Kinematic walk through the stages (the state follows the command exactly): weight ramps in and out,
    the plan's joints come back to where they started, every step stays inside the filter."""
    ex = Executor(g1, ec, "lowcmd")
    state = _state(g1, ex.stand.stand_pose())
    ex.start(state)
    traj = wave(g1, seconds=1.0, amp=0.2, freq=1.0, start=ex.stand.stand_pose())
    t0 = traj.times
    bump = np.outer(0.2 * (1 - np.cos(2 * np.pi * t0)), np.ones(len(g1.upper_body)))  # starts and ends at rest
    q = np.tile(ex.stand.stand_pose(), (traj.n_frames, 1))
    q[:, g1.upper_body] += bump
    ex.play(_plan(g1, traj.replace(q=q)), state, 0.0)
    t, phases, weights = 0.0, [], []
    while ex.busy and t < 20.0:
        cmd = ex.step(state, t)
        phases.append(ex.phase)
        if ex.busy:
            weights.append(cmd.weight)
        state = _state(g1, cmd.q)
        t += ex.dt
    assert not ex.busy and ex.completed
    order = [p for i, p in enumerate(phases) if i == 0 or p != phases[i - 1]]
    assert order[:4] == ["soft_start", "tracking", "soft_stop", "return"] and "release" in order
    assert weights[0] < 0.05 and max(weights) == 1.0 and weights[-1] < 0.05
    assert not [k for k in ex.events.counters() if k.startswith("clip_")], ex.events.counters()


def test_transition_is_long_enough_for_the_limits(g1, ec):
    a, b = g1.default_q.copy(), g1.default_q.copy()
    b[g1.joint_index("left_shoulder_pitch_joint")] -= 2.5
    T = transition_s(a, b, g1.upper_body, ec.safety, g1, 2.0)
    assert T > 2.0 and 1.875 * 2.5 / T <= 0.5 * 3.0 + 1e-9  # half the 3 rad/s cap at the min-jerk peak
    assert transition_s(a, a, g1.upper_body, ec.safety, g1, 2.0) == 2.0


def test_sample_rows_interpolates_and_clamps():
    a = np.array([[0.0], [1.0], [2.0]])
    assert sample_rows(a, 10.0, 0.05)[0] == pytest.approx(0.5)
    assert sample_rows(a, 10.0, -1.0)[0] == 0.0 and sample_rows(a, 10.0, 9.0)[0] == 2.0
