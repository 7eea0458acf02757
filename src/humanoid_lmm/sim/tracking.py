"""Physics-stepping core: per-joint PD + inverse-dynamics feed-forward on a `MujocoRobot`, torque-limited.

Reusable outside validation (e.g. a simulated robot process): build the robot with
`build_mujoco_model(cfg, actuators="position")`, make a `Tracker`, then call `step(q_ref, dq_ref, tau_ff)`
at the control rate. The PD runs inside MuJoCo every physics step (like the motor drivers at 500 Hz):

    tau = clip(kp * (q_ref - q) + kd * (dq_ref - dq) + tau_ff, -tau_max, tau_max)

implemented as a position actuator (kp, kd) plus `qfrc_applied = tau_ff + kd * dq_ref`, with the actuator's
force range shifted by that amount each control step so the total stays inside the torque limit.
"""

from __future__ import annotations

import mujoco
import numpy as np

from humanoid_lmm.robots import MujocoRobot, RobotConfig

__all__ = ["Tracker", "inverse_dynamics", "stand_gains"]


def stand_gains(cfg: RobotConfig, leg_kp_scale=1.0, leg_kd_scale=1.0, ankle_kp_scale=1.0, ankle_kd_scale=1.0):
    """(kp, kd) arrays (n,): the config gains with the legs (and ankles separately) scaled.

    The scales are the validation's sim-only stand assist (config/validate.yaml `balance`); 1.0 = real gains.
    """
    kp, kd = cfg.kp.copy(), cfg.kd.copy()
    legs = cfg.lower_body
    kp[legs] *= leg_kp_scale
    kd[legs] *= leg_kd_scale
    ankles = np.array([i for i in legs if "ankle" in cfg.joint_names[i]], dtype=np.int64)
    kp[ankles] = cfg.kp[ankles] * ankle_kp_scale
    kd[ankles] = cfg.kd[ankles] * ankle_kd_scale
    return kp, kd


def inverse_dynamics(mj: MujocoRobot, qpos: np.ndarray, dt: float, data: mujoco.MjData | None = None) -> np.ndarray:
    """Joint torques (T, n) in motor order that produce the motion `qpos` (T, nq) sampled every `dt` seconds.

    Velocities by `mj_differentiatePos`, accelerations by finite differences, `mj_inverse` with constraints
    (contacts, limits) disabled. Exact for joints whose subtree carries no contact; the free root's
    generalized force (the wrench the feet must supply) is dropped.
    """
    m = mj.model
    d = data if data is not None else mujoco.MjData(m)
    T = len(qpos)
    qvel = np.zeros((T, m.nv))
    for t in range(T - 1):
        mujoco.mj_differentiatePos(m, qvel[t], dt, qpos[t], qpos[t + 1])
    if T > 1:
        qvel[-1] = qvel[-2]
        # centre the one-sided differences: average the velocities of the two adjacent intervals
        qvel[1:-1] = 0.5 * (qvel[:-2] + qvel[1:-1])
    qacc = np.gradient(qvel, dt, axis=0) if T > 2 else np.zeros_like(qvel)
    tau = np.zeros((T, len(mj.qvel_index)))
    saved = m.opt.disableflags
    m.opt.disableflags = saved | mujoco.mjtDisableBit.mjDSBL_CONSTRAINT
    try:
        for t in range(T):
            d.qpos[:] = qpos[t]
            d.qvel[:] = qvel[t]
            d.qacc[:] = qacc[t]
            mujoco.mj_inverse(m, d)
            tau[t] = d.qfrc_inverse[mj.qvel_index]
    finally:
        m.opt.disableflags = saved
    return tau


class Tracker:
    """Torque-limited PD + feed-forward tracking at the control rate; the PD itself runs every physics step."""

    def __init__(self, mj: MujocoRobot, kp: np.ndarray, kd: np.ndarray, timestep: float = 0.002, substeps: int = 5):
        if mj.actuator_index is None:
            raise ValueError("Tracker needs a MujocoRobot built with actuators='position'")
        self.mj = mj
        self.kp, self.kd = np.asarray(kp, float), np.asarray(kd, float)
        self.tau_max = mj.config.tau_max.astype(float)
        self.substeps = int(substeps)
        m, a = mj.model, mj.actuator_index
        m.opt.timestep = timestep
        m.actuator_gainprm[a, 0] = self.kp
        m.actuator_biasprm[a, 0] = 0.0
        m.actuator_biasprm[a, 1] = -self.kp
        m.actuator_biasprm[a, 2] = -self.kd
        m.actuator_forcerange[a, 0] = -self.tau_max
        m.actuator_forcerange[a, 1] = self.tau_max
        self._extra = np.zeros_like(self.tau_max)

    @property
    def dt(self) -> float:
        """Control period [s]."""
        return self.mj.model.opt.timestep * self.substeps

    def reset(self, root_pos, root_quat_wxyz, q) -> None:
        d = self.mj.data
        mujoco.mj_resetData(self.mj.model, d)
        self.mj.set_state(root_pos, root_quat_wxyz, q)
        d.ctrl[self.mj.actuator_index] = q
        d.qfrc_applied[:] = 0.0

    def step(self, q_ref: np.ndarray, dq_ref: np.ndarray | None = None, tau_ff: np.ndarray | None = None) -> None:
        """Hold these targets for one control period (`substeps` physics steps)."""
        m, d, a = self.mj.model, self.mj.data, self.mj.actuator_index
        extra = self._extra
        extra[:] = 0.0
        if tau_ff is not None:
            extra += tau_ff
        if dq_ref is not None:
            extra += self.kd * dq_ref
        d.ctrl[a] = q_ref
        d.qfrc_applied[self.mj.qvel_index] = extra
        m.actuator_forcerange[a, 0] = -self.tau_max - extra
        m.actuator_forcerange[a, 1] = self.tau_max - extra
        mujoco.mj_step(m, d, self.substeps)

    def torque(self) -> np.ndarray:
        """Total joint torque (n,) of the last physics step: PD (clipped) + feed-forward."""
        return self.mj.data.actuator_force[self.mj.actuator_index] + self._extra

    def saturated(self, rel_tol: float = 1e-3) -> np.ndarray:
        """(n,) bool: joints whose torque sat at the limit in the last physics step."""
        return np.abs(self.torque()) >= self.tau_max * (1.0 - rel_tol)
