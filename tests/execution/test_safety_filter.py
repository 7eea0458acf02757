import numpy as np
import pytest

from humanoid_lmm.execution import EventLog, SafetyFilter
from humanoid_lmm.execution.config import LimitConfig, PolicyLimitConfig, SafetyConfig

DT = 0.002


def make(cfg, limits=None, **kw):
    ev = EventLog()
    f = SafetyFilter(cfg, SafetyConfig(reference=limits or LimitConfig(), **kw), ev)
    f.reset(cfg.default_q)
    return f, ev


def test_clamps_to_limits_minus_margin(g1):
    f, ev = make(g1, joint_margin=0.05)
    target = g1.q_upper + 1.0
    for _ in range(5000):
        r = f.step(target, DT)
    assert np.all(r.q <= g1.q_upper - 0.05 + 1e-9)
    np.testing.assert_allclose(r.q, g1.q_upper - np.minimum(0.05, 0.49 * (g1.q_upper - g1.q_lower) / 2), atol=1e-6)
    assert ev.count("clip_position") > 0 and "position" in r.clipped


def test_policy_joints_get_their_own_margin_and_limits(g1):
    ev = EventLog()
    f = SafetyFilter(g1, SafetyConfig(joint_margin=0.05, policy_joint_margin=0.0,
                                      policy=PolicyLimitConfig(max_velocity=10.0, max_acceleration=1000.0)), ev)
    f.set_sources(np.ones(g1.num_joints, bool))
    assert np.allclose(f.upper, g1.q_upper) and np.all(f.v_max <= 10.0) and np.all(f.a_max == 1000.0)
    f.set_sources(np.zeros(g1.num_joints, bool))
    assert np.all(f.upper < g1.q_upper) and np.all(f.v_max <= 3.0)


def test_velocity_and_acceleration_limits_and_no_overshoot(g1):
    f, ev = make(g1, LimitConfig(max_acceleration=20.0))
    goal = g1.default_q.copy()
    goal[18] += 1.0  # step of 1 rad on the left elbow
    qs, vs = [], []
    for _ in range(1500):
        r = f.step(goal, DT)
        qs.append(r.q[18])
        vs.append(r.dq[18])
    qs, vs = np.array(qs), np.array(vs)
    assert np.max(np.abs(vs)) <= f.v_max[18] + 1e-9
    assert np.max(np.abs(np.diff(vs))) / DT <= 20.0 * 1.2  # the last (fractional) step may stop ~1 tick early
    assert np.max(qs) <= goal[18] + 1e-9  # the braking limit prevents overshoot
    assert abs(qs[-1] - goal[18]) < 1e-6
    assert ev.count("clip_velocity") > 0 and ev.count("clip_acceleration") > 0


@pytest.mark.parametrize("dt", [0.002, 0.02])
def test_a_feasible_moving_target_passes_unchanged(g1, dt):
    """A sine inside the velocity and acceleration limits is followed without lag and without a clip (a limiter
    that brakes toward every sample as if it were a resting target clips it: that was a real bug)."""
    f, ev = make(g1)
    t = np.arange(0, 4, dt)
    j = g1.joint_index("left_shoulder_pitch_joint")
    wanted = np.tile(g1.default_q, (len(t), 1))
    wanted[:, j] += 0.5 * (1 - np.cos(2 * np.pi * 0.5 * t))  # peak 1.6 rad/s, 4.9 rad/s^2
    out = np.array([f.step(w, dt).q for w in wanted])
    assert ev.counters() == {}
    assert np.max(np.abs(out[:, j] - wanted[:, j])) < 1e-9


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_target_holds_last_safe(g1, bad):
    f, ev = make(g1)
    r0 = f.step(g1.default_q + 0.01, DT)
    target = g1.default_q.copy()
    target[3] = bad
    r = f.step(target, DT)
    assert r.fault == "non_finite"
    np.testing.assert_array_equal(r.q, r0.q)
    assert np.all(r.dq == 0) and np.all(np.isfinite(r.q))
    assert ev.count("non_finite") == 1


def test_wrong_shape_and_bad_feed_forward_rejected(g1):
    f, _ = make(g1)
    assert f.step(np.zeros(3), DT).fault == "non_finite"
    assert f.step(g1.default_q, DT, tau_ff=np.full(g1.num_joints, np.nan)).fault == "non_finite"


def test_torque_window_moves_target_toward_measured_and_feeds_back(g1):
    f, ev = make(g1, LimitConfig(max_velocity_cap=100.0, max_velocity_scale=1.0, max_acceleration=1e6),
                 torque_scale=0.5)
    q_meas = g1.default_q.copy()
    dq_meas = np.zeros_like(q_meas)
    goal = g1.default_q.copy()
    goal[20] += 0.5  # wrist pitch: kp 20, tau_max 5 -> 0.5 rad would need 10 N*m
    for _ in range(100):
        r = f.step(goal, DT, q_meas, dq_meas, g1.kp, g1.kd)
    tau = g1.kp * (r.q - q_meas) - g1.kd * dq_meas
    assert np.all(np.abs(tau) <= 0.5 * g1.tau_max + 1e-6)
    assert abs(tau[20] - 0.5 * g1.tau_max[20]) < 1e-6
    assert "torque" in r.clipped and ev.count("clip_torque") > 0
    # the measured joint jumps away: the window moves, the output follows it, and the limiter's velocity
    # state is what was really output (no hidden state left behind)
    q_far = q_meas.copy()
    q_far[20] -= 0.5
    before = f.last
    r = f.step(goal, DT, q_far, dq_meas, g1.kp, g1.kd)
    np.testing.assert_allclose(r.dq, (r.q - before) / DT, atol=1e-9)
    assert abs(g1.kp[20] * (r.q[20] - q_far[20])) <= 0.5 * g1.tau_max[20] + 1e-6


def test_feed_forward_enters_the_torque_window(g1):
    f, _ = make(g1, LimitConfig(max_velocity_cap=100.0, max_velocity_scale=1.0, max_acceleration=1e6),
                torque_scale=0.5)
    tau = np.zeros(g1.num_joints)
    tau[20] = 2.0
    r = f.step(g1.default_q, DT, g1.default_q, np.zeros(g1.num_joints), g1.kp, g1.kd, tau_ff=tau)
    assert abs(g1.kp[20] * (r.q[20] - g1.default_q[20]) + 2.0) <= 0.5 * g1.tau_max[20] + 1e-9


def test_step_before_reset_is_error(g1):
    f = SafetyFilter(g1)
    with pytest.raises(RuntimeError):
        f.step(g1.default_q, DT)
