"""The reusable PD + feed-forward core: torque limits hold, feed-forward helps, ID matches gravity at rest."""

import mujoco
import numpy as np

from humanoid_lmm.sim import Tracker, inverse_dynamics, load_validate_config, simulate, stand_gains
from humanoid_lmm.sim.model import set_self_collision, validation_robot


def test_inverse_dynamics_at_rest_is_gravity_torque(g1):
    mj = validation_robot(g1)
    mj.set_state([0, 0, 0.8], [1, 0, 0, 0], g1.default_q)
    qpos = np.tile(mj.data.qpos, (3, 1))
    tau = inverse_dynamics(mj, qpos, 0.02)
    d = mujoco.MjData(mj.model)
    d.qpos[:] = qpos[0]
    mujoco.mj_forward(mj.model, d)
    np.testing.assert_allclose(tau[1], d.qfrc_bias[mj.qvel_index], atol=1e-6)
    assert np.abs(tau[1][g1.upper_body]).max() > 0.1  # the arms do need holding torque


def test_torque_never_exceeds_limit(g1):
    mj = validation_robot(g1)
    set_self_collision(mj, False)
    kp, kd = stand_gains(g1)
    tr = Tracker(mj, kp, kd, 0.002, 5)
    tr.reset([0, 0, 0.8], [1, 0, 0, 0], g1.default_q)
    far = g1.q_upper.copy()  # demand a jump to the upper limits + a huge feed-forward
    peak = np.zeros(g1.num_joints)
    for _ in range(20):
        tr.step(far, np.zeros(g1.num_joints), 5.0 * g1.tau_max)
        peak = np.maximum(peak, np.abs(tr.torque()))
    assert np.all(peak <= g1.tau_max + 1e-6)
    assert tr.saturated().any()


def test_feedforward_reduces_tracking_error(g1, sample):
    from humanoid_lmm.sim.modes import upper_body_execution

    wave = upper_body_execution(sample("wave", g1, seconds=2.0), g1)
    mj = validation_robot(g1)
    vc = load_validate_config()
    with_ff = simulate(wave, mj, vc).metrics["tracking_rms_max"]
    vc.dynamic.feedforward = False
    without = simulate(wave, mj, vc).metrics["tracking_rms_max"]
    assert with_ff < 0.7 * without, (with_ff, without)
