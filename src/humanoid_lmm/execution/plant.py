"""Plant: a simulated robot's physics - joint PD commands in, measured state out (MuJoCo, torque motors).

The same class is the simulated robot on DDS (control.SimRobot) and the robot in dynamic validation
(sim.validate), so both apply a command exactly as the motor drivers would:

    tau = clip(tau_ff + kp (q_cmd - q) + kd (dq_cmd - dq), -tau_max, tau_max)   at every physics step.

    plant = Plant(build_sim_model(load_robot_config("g1")))
    plant.apply(command, duration_s=0.02)       # hold one command for 20 ms of simulated time
    state = plant.state()                        # RobotState: joints, pelvis IMU, ground-truth base
"""

from __future__ import annotations

import mujoco
import numpy as np

from humanoid_lmm.execution.types import JointCommand, RobotState
from humanoid_lmm.robots import MujocoRobot

__all__ = ["Plant"]


class Plant:
    def __init__(self, mj: MujocoRobot):
        if mj.actuator_index is None:
            raise ValueError("Plant needs a MujocoRobot with torque motors (build_sim_model)")
        self.mj = mj
        self.cfg = mj.config
        self.dt = float(mj.model.opt.timestep)
        self.tau_max = self.cfg.tau_max.astype(float)
        self.tau = np.zeros(self.cfg.num_joints)  # torque applied in the last physics step [N*m]
        self.saturated = np.zeros(self.cfg.num_joints, dtype=bool)
        self._pelvis = mj.body_id(self.cfg.links.pelvis)
        self.time = 0.0  # simulated time [s]

    def reset(self, root_pos=None, root_quat=None, q=None) -> None:
        mujoco.mj_resetData(self.mj.model, self.mj.data)
        cfg = self.cfg
        self.mj.set_state(root_pos if root_pos is not None else [0.0, 0.0, self.mj.data.qpos[2]],
                          root_quat if root_quat is not None else [1.0, 0.0, 0.0, 0.0],
                          cfg.default_q if q is None else q)
        self.time = 0.0

    def place(self, q: np.ndarray) -> None:
        """Reset standing in pose q at the origin, feet just touching the floor (free base)."""
        from humanoid_lmm.robots.sim_model import floor_height_offset

        self.reset([0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0], q)
        if not self.mj.fixed_base:
            self.reset([0.0, 0.0, 1.0 + floor_height_offset(self.mj)], [1.0, 0.0, 0.0, 0.0], q)

    def step(self, c: JointCommand) -> None:
        """One physics step under command c."""
        m, d = self.mj.model, self.mj.data
        qi, vi = self.mj.qpos_index, self.mj.qvel_index
        tau = c.tau + c.kp * (c.q - d.qpos[qi]) + c.kd * (c.dq - d.qvel[vi])
        np.clip(tau, -self.tau_max, self.tau_max, out=self.tau)
        self.saturated = np.abs(self.tau) >= self.tau_max * (1.0 - 1e-3)
        d.ctrl[self.mj.actuator_index] = self.tau
        mujoco.mj_step(m, d)
        self.time += self.dt

    def apply(self, c: JointCommand, duration_s: float) -> None:
        """Hold command c for duration_s [s] (rounded to whole physics steps, at least one)."""
        for _ in range(max(1, int(round(duration_s / self.dt)))):
            self.step(c)

    def state(self) -> RobotState:
        d, mj = self.mj.data, self.mj
        if mj.fixed_base:
            pos, quat, gyro, vel = d.xpos[self._pelvis].copy(), d.xquat[self._pelvis].copy(), np.zeros(3), np.zeros(3)
        else:  # the pelvis' free joint itself (xpos lags it by one physics step after mj_step); local ang. vel
            pos, quat, gyro, vel = d.qpos[0:3].copy(), d.qpos[3:7].copy(), d.qvel[3:6].copy(), d.qvel[0:3].copy()
        return RobotState(q=d.qpos[mj.qpos_index].copy(), dq=d.qvel[mj.qvel_index].copy(), quat=quat, gyro=gyro,
                          tau=self.tau.copy(), base_pos=pos, base_vel=vel)
