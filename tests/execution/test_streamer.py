from types import SimpleNamespace

import numpy as np
import pytest

from humanoid_lmm.execution.config import StreamerConfig
from humanoid_lmm.execution.interpolation import Play
from humanoid_lmm.execution.streamer import Streamer
from humanoid_lmm.errors import SafetyError

DT = 0.002


def run(s, t0, t1):
    ts = np.arange(t0, t1, DT)
    qs, phases = [], []
    for t in ts:
        qs.append(s.step(t)[0])
        phases.append(s.phase)
    return ts, np.array(qs), phases


def test_hermite_passes_through_samples(g1, wave):
    traj = wave(g1)
    p = Play(traj, 10.0)
    for k in (0, 7, 50, len(traj.q) - 1):
        np.testing.assert_allclose(p.sample(10.0 + k / traj.fps)[0], traj.q[k], atol=1e-9)


def test_soft_start_from_measured_then_track_then_hold(g1, wave):
    cfg = StreamerConfig(soft_start_s=1.0, soft_stop_s=0.5)
    s = Streamer(g1.joint_names, cfg)
    traj = wave(g1, seconds=1.0, offset=0.4)
    q_meas = g1.default_q - 0.1
    s.play(traj, 0.0, q_meas)
    ts, qs, phases = run(s, 0.0, 3.0)
    np.testing.assert_allclose(qs[0], q_meas, atol=1e-9)
    i1 = int(round(1.0 / DT))
    np.testing.assert_allclose(qs[i1], traj.q[0], atol=1e-6)
    assert np.max(np.abs(np.diff(qs, axis=0))) < 0.02  # no jump anywhere (0.02 rad per 2 ms = 10 rad/s)
    assert phases[0] == "soft_start" and "tracking" in phases and "soft_stop" in phases and phases[-1] == "hold"
    np.testing.assert_allclose(qs[-1], qs[-2], atol=1e-12)


def test_preemption_blends_without_jump_and_cancel_holds(g1, wave):
    s = Streamer(g1.joint_names, StreamerConfig(soft_start_s=0.5, blend_s=0.5, cancel_s=0.4))
    s.play(wave(g1, seconds=4.0), 0.0, g1.default_q)
    _, qa, _ = run(s, 0.0, 1.2)
    s.play(wave(g1, seconds=4.0, offset=-0.3, freq=1.0), 1.2, g1.default_q)  # preempt mid-motion
    assert s.phase == "blend"
    _, qb, _ = run(s, 1.2, 2.5)
    assert np.max(np.abs(qb[0] - qa[-1])) < 0.02
    assert np.max(np.abs(np.diff(qb, axis=0))) < 0.02
    s.cancel(2.5)
    _, qc, ph = run(s, 2.5, 3.2)
    assert np.max(np.abs(qc[0] - qb[-1])) < 0.02 and ph[-1] == "hold"
    np.testing.assert_allclose(qc[-1], qc[-5], atol=1e-12)


def test_rejects_wrong_joint_order_and_nan(g1, wave):
    s = Streamer(g1.joint_names)
    traj = wave(g1)
    with pytest.raises(SafetyError):
        s.play(traj.replace(joint_names=tuple(reversed(g1.joint_names))), 0.0, g1.default_q)
    q = traj.q.copy()
    q[3, 2] = np.nan  # RobotTrajectory itself refuses NaN: the streamer must too for duck-typed inputs
    with pytest.raises(SafetyError):
        s.play(SimpleNamespace(joint_names=traj.joint_names, q=q, fps=traj.fps), 0.0, g1.default_q)
