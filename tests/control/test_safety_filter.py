import numpy as np
import pytest

from humanoid_lmm.control.config import SafetyConfig
from humanoid_lmm.control.events import EventLog
from humanoid_lmm.control.safety_filter import SafetyFilter

DT = 0.002


def make(cfg, **kw):
    ev = EventLog()
    f = SafetyFilter(cfg, SafetyConfig(**kw), ev)
    f.reset(cfg.default_q)
    return f, ev


def test_clamps_to_limits_minus_margin(g1):
    f, ev = make(g1, joint_margin=0.05)
    target = g1.q_upper + 1.0
    for _ in range(5000):
        r = f.step(target, DT)
    assert np.all(r.q <= g1.q_upper - 0.05 + 1e-9)
    np.testing.assert_allclose(r.q, np.minimum(g1.q_upper - 0.05, r.q), atol=1e-9)
    np.testing.assert_allclose(r.q, g1.q_upper - np.minimum(0.05, 0.49 * (g1.q_upper - g1.q_lower) / 2), atol=1e-6)
    assert ev.count("clip_position") > 0 and "position" in r.clipped


def test_velocity_and_acceleration_limits_and_no_overshoot(g1):
    f, ev = make(g1, max_acceleration=20.0)
    goal = g1.default_q.copy()
    goal[18] += 1.0  # step of 1 rad on the left elbow
    qs, vs = [], []
    for _ in range(1500):
        r = f.step(goal, DT)
        qs.append(r.q[18])
        vs.append(r.dq[18])
    qs, vs = np.array(qs), np.array(vs)
    vmax = f.v_max[18]
    assert np.max(np.abs(vs)) <= vmax + 1e-9
    assert np.max(np.abs(np.diff(vs))) / DT <= 20.0 * 1.2  # the last (fractional) step may stop up to ~1 tick early
    assert np.max(qs) <= goal[18] + 1e-9  # the braking limit prevents overshoot
    assert abs(qs[-1] - goal[18]) < 1e-6
    assert ev.count("clip_velocity") > 0 and ev.count("clip_acceleration") > 0


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


def test_wrong_shape_rejected(g1):
    f, _ = make(g1)
    assert f.step(np.zeros(3), DT).fault == "non_finite"


def test_torque_cap_moves_target_toward_measured(g1):
    f, ev = make(g1, torque_scale=0.5, max_velocity_cap=100.0, max_velocity_scale=1.0, max_acceleration=1e6)
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


def test_step_before_reset_is_error(g1):
    f = SafetyFilter(g1)
    with pytest.raises(RuntimeError):
        f.step(g1.default_q, DT)
