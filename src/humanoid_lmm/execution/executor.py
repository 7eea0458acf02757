"""Executor: the robot side of a plan - timeline, controller, safety filter - stepped at the controller rate.

Pure (the caller passes time and the measured state), so the bridge on the robot and dynamic validation run
the very same object: what was validated is what is sent.

Transport "lowcmd" (the stack drives every joint on rt/lowcmd; a policy balances): between plans the stand
controller holds the robot; an upper_body plan blends its waist + arm targets over the stand policy
(arm_sdk semantics: weight ramped in over the soft start and out after the return), a locomotion plan
also sends the velocity commands, a whole_body plan hands the robot to the tracking controller, entered from
the standing pose, and back to the stand controller after the return to the stand pose.
Transport "arm_sdk" (G1: the robot's own controller balances): only upper_body plans; the command carries the
upper-body targets at the arm gains and the weight.

Timeline of a plan: soft_start (measured pose -> frame 0, min-jerk) -> tracking -> soft_stop -> return (the
plan's joints back to where they started, or to the stand pose after whole_body) -> release (weight 1 -> 0)
-> standing. A plan for the same controller preempts with a blend; another one waits until this one is out.
"""

from __future__ import annotations

import numpy as np

from humanoid_lmm.errors import SafetyError
from humanoid_lmm.execution.config import ExecutionConfig, SafetyConfig
from humanoid_lmm.execution.controllers import Controller, build_controller
from humanoid_lmm.execution.controllers.body_model import BodyModel
from humanoid_lmm.execution.events import EventLog
from humanoid_lmm.execution.interpolation import min_jerk
from humanoid_lmm.execution.odometry import LegOdometry
from humanoid_lmm.execution.plan import ExecutionMode, ExecutionPlan
from humanoid_lmm.execution.safety_filter import FilterResult, SafetyFilter
from humanoid_lmm.execution.streamer import Streamer
from humanoid_lmm.execution.types import JointCommand, Reference, RobotState
from humanoid_lmm.motion.rotations import quat_slerp
from humanoid_lmm.robots import RobotConfig, RobotTrajectory

__all__ = ["ROLE_OF_MODE", "TRANSPORTS", "Executor", "sample_rows", "transition_s"]

TRANSPORTS = ("lowcmd", "arm_sdk")
ROLE_OF_MODE = {ExecutionMode.UPPER_BODY: "stand", ExecutionMode.LOCOMOTION: "locomotion",
                ExecutionMode.WHOLE_BODY: "whole_body"}
ARM_SDK_RATE_HZ = 50.0  # unitree_sdk2_python g1_arm7_sdk_dds_example
PATH_GAIN = 1.5  # [1/s] locomotion: velocity correction per metre of path error (leg odometry) ...
HEADING_GAIN = 1.0  # [1/s] ... and yaw-rate correction per radian of heading error (IMU)
MAX_CORRECTION = (0.3, 0.4, 0.5)  # [m/s, m/s, rad/s] at most this much correction on top of the plan's command
STAND_DEADBAND_CMD = 0.05  # [m/s, rad/s] after the path: smaller corrections are dropped (stand, do not shuffle)


def transition_s(q_from: np.ndarray, q_to: np.ndarray, joints: np.ndarray, safety: SafetyConfig,
                 robot: RobotConfig, minimum: float) -> float:
    """Duration [s] of a min-jerk move q_from -> q_to that stays at half the reference velocity and acceleration
    limits (peak velocity 1.875 d / T, peak acceleration 5.77 d / T^2), and at least `minimum`."""
    d = np.abs(np.asarray(q_to) - np.asarray(q_from))[joints]
    if d.size == 0:
        return minimum
    ref = safety.reference
    v = np.minimum(ref.max_velocity_scale * robot.dq_max, ref.max_velocity_cap)[joints]
    return float(max(minimum, np.max(1.875 * d / (0.5 * v)), np.sqrt(np.max(5.77 * d / (0.5 * ref.max_acceleration)))))


def _yaw(quat_wxyz: np.ndarray) -> float:
    w, x, y, z = quat_wxyz
    return float(np.arctan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z)))


def sample_rows(a: np.ndarray, fps: float, tau: float) -> np.ndarray:
    """Row of (T, k) array `a` at time tau [s] (linear interpolation, clamped at both ends)."""
    s = float(np.clip(tau * fps, 0.0, len(a) - 1))
    i = min(int(s), len(a) - 2) if len(a) > 1 else 0
    u = s - i
    return a[i] if len(a) == 1 else (1 - u) * a[i] + u * a[i + 1]


class Executor:
    def __init__(self, robot: RobotConfig, cfg: ExecutionConfig, transport: str = "lowcmd",
                 events: EventLog | None = None, safety: SafetyConfig | None = None, free_standing: bool = True,
                 controller_override: str | None = None):
        if transport not in TRANSPORTS:
            raise SafetyError(f"transport={transport!r}; valid choices: {list(TRANSPORTS)}")
        if transport == "arm_sdk" and robot.message_family != "hg":
            raise SafetyError(f"arm_sdk needs a unitree_hg robot (G1); {robot.name} is {robot.message_family!r}")
        self.robot, self.cfg, self.transport = robot, cfg, transport
        self.free_standing, self._override = free_standing, controller_override
        self.events = events if events is not None else EventLog()
        self.filter = SafetyFilter(robot, safety or cfg.safety, self.events)
        self.ctl_cfg = cfg.controllers_for(robot.name)
        n = robot.num_joints
        self.arm_kp, self.arm_kd = np.full(n, self.ctl_cfg.arm_kp), np.full(n, self.ctl_cfg.arm_kd)
        self._controllers: dict[str, Controller] = {}
        self.stand = self.controller("stand") if transport == "lowcmd" else None
        self.rate_hz = self.stand.rate_hz if self.stand else ARM_SDK_RATE_HZ
        self.dt = 1.0 / self.rate_hz
        self._body: BodyModel | None = None
        self.plan: ExecutionPlan | None = None
        self.pending: ExecutionPlan | None = None
        self.stage = "idle"  # idle | standing | plan | return | release
        self.last: JointCommand | None = None
        self.last_filter: FilterResult | None = None
        self.completed: list[str] = []  # command ids (or reasons) of plans run to their end
        self._reset_timeline()

    # ------------------------------------------------------------------ set-up
    def controller(self, role: str) -> Controller:
        if role not in self._controllers:
            self._controllers[role] = build_controller(self.robot, self.cfg, role, self._override)
        return self._controllers[role]

    @property
    def active(self) -> Controller | None:
        if self.transport == "arm_sdk":
            return None
        return self.controller(ROLE_OF_MODE[self.plan.mode]) if self.plan is not None else self.stand

    @property
    def phase(self) -> str:
        """Where the executor is: idle, standing, soft_start, tracking, blend, soft_stop, cancel, return, release."""
        if self.stage in ("plan",) and self.streamer.phase not in ("idle", "hold"):
            return self.streamer.phase
        return {"plan": "soft_stop"}.get(self.stage, self.stage)

    @property
    def busy(self) -> bool:
        return self.plan is not None

    def _reset_timeline(self) -> None:
        self.streamer = Streamer(self.robot.joint_names, self.cfg.streamer)
        self._t_play = self._t_release = 0.0
        self._soft_s, self._return_s = self.cfg.streamer.soft_start_s, self.cfg.streamer.return_s
        self._q_start = None
        self._torso_start = self._torso_end = None

    def refusal(self, plan: ExecutionPlan) -> str | None:
        """Why this executor cannot run `plan` (None: it can)."""
        if plan.robot != self.robot.name:
            return f"plan is for {plan.robot!r}, this robot is {self.robot.name!r}"
        if self.transport == "arm_sdk" and plan.mode is not ExecutionMode.UPPER_BODY:
            return (f"the bridge is in arm_sdk mode (the robot's own controller balances): it runs upper_body "
                    f"plans only, not {plan.mode.value}")
        if plan.assist == "gantry" and self.free_standing:
            return "the plan was validated on the gantry; this robot stands free"
        if self.transport == "lowcmd" and self.free_standing:
            for role in {"stand", ROLE_OF_MODE[plan.mode]}:
                if not self.controller(role).balances:
                    return (f"no balancing controller for {self.robot.name} ({role}: "
                            f"{self.controller(role).name}): it runs only on the gantry in simulation")
        return None

    # ------------------------------------------------------------------ commands
    def start(self, state: RobotState) -> None:
        """Take over at the measured state: standing (lowcmd) or idle with weight 0 (arm_sdk)."""
        self.filter.reset(state.q)
        if self.stand is not None:
            self.stand.reset(state)
        self.stage = "standing" if self.stand is not None else "idle"
        self.plan = self.pending = None
        self._reset_timeline()

    def play(self, plan: ExecutionPlan, state: RobotState, t: float) -> None:
        why = self.refusal(plan)
        if why:
            raise SafetyError(f"plan refused: {why}")
        if self.stage == "idle" and self.stand is not None:
            raise SafetyError("executor not started")
        if self.plan is None:
            self._begin(plan, state, t)
        elif ROLE_OF_MODE[plan.mode] == ROLE_OF_MODE[self.plan.mode] and self.stage == "plan":
            self.plan = plan  # same controller: blend into the new reference
            self.streamer.play(self._reference_traj(plan), t, state.q)
        else:
            self.pending = plan  # another controller: this plan winds down first
            self.cancel(t)

    def cancel(self, t: float) -> None:
        """Decelerate the current plan to rest; the timeline then returns and releases as at its end."""
        if self.plan is not None and self.stage == "plan":
            self.streamer.cancel(t)

    # ------------------------------------------------------------------ timeline
    def _reference_traj(self, plan: ExecutionPlan) -> RobotTrajectory:
        ref = plan.reference
        if tuple(ref.joint_names) != tuple(self.robot.joint_names):
            raise SafetyError("plan joints are not the robot's motor order")
        return ref

    def _begin(self, plan: ExecutionPlan, state: RobotState, t: float) -> None:
        role = ROLE_OF_MODE[plan.mode]
        self._reset_timeline()
        self.plan, self.stage, self._t_play = plan, "plan", t
        self._q_start = state.q.copy()
        ref = self._reference_traj(plan)
        # long enough to stay well inside the real (not the validation-tightened) limits: same on robot and in sim
        self._soft_s = transition_s(state.q, ref.q[0], plan.driven_joints(self.robot), self.cfg.safety, self.robot,
                                    self.cfg.streamer.soft_start_s)
        self.streamer.play(ref, t, state.q, soft_start_s=self._soft_s)
        if plan.mode is ExecutionMode.WHOLE_BODY:
            body = self._body_model()
            self._torso_start = body.torso_quat(state.quat, state.q)
            self.controller(role).reset(state, self.last)
        if plan.mode is ExecutionMode.LOCOMOTION:
            self._odometry = LegOdometry(self._body_model())
            self._odometry.reset(state)
            self._yaw0 = _yaw(state.quat)
            ref = plan.reference
            self._path = ref.root_pos[:, :2] - ref.root_pos[0, :2]
            w, x, y, z = ref.root_quat.T
            self._path_yaw = np.unwrap(np.arctan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z)))
            self._path_yaw -= self._path_yaw[0]
        self.events.record("plan_start", f"{plan.mode.value} plan {plan.command_id or '-'} ({plan.duration_s:.2f} s)")

    def _body_model(self) -> BodyModel:
        if self._body is None:
            self._body = BodyModel(self.robot)
        return self._body

    def _advance(self, state: RobotState, t: float) -> None:
        """Move the stage machine on: plan -> return -> release -> standing (-> the pending plan)."""
        if self.stage == "plan" and self.streamer.phase == "hold":
            goal = self._q_start.copy()
            if self.plan.mode is ExecutionMode.WHOLE_BODY:
                goal = self.stand.stand_pose() if self.stand is not None else self.robot.default_q.copy()
                last = self.plan.torso_quat[-1]
                yaw = np.arctan2(2 * (last[0] * last[3] + last[1] * last[2]), 1 - 2 * (last[2] ** 2 + last[3] ** 2))
                self._torso_end = np.array([np.cos(yaw / 2), 0.0, 0.0, np.sin(yaw / 2)])
                self._torso_start = last
            q_hold, _ = self.streamer.step(t)
            T = transition_s(q_hold, goal, self.plan.driven_joints(self.robot), self.cfg.safety, self.robot,
                             self.cfg.streamer.return_s)
            self._return_s = T
            back = RobotTrajectory(robot=self.robot.name, fps=1.0 / T, joint_names=self.robot.joint_names,
                                   q=np.stack([q_hold, goal]), root_pos=np.zeros((2, 3)),
                                   root_quat=np.tile([1.0, 0, 0, 0], (2, 1)), contacts=np.ones((2, 2), bool))
            self.streamer.play(back, t, q_hold)
            self.stage, self._t_play = "return", t
        elif self.stage == "return" and self.streamer.phase == "hold":
            self.stage, self._t_release = "release", t
        if self.stage == "release" and (self.plan.mode is ExecutionMode.WHOLE_BODY or self._weight(t) <= 0.0):
            self._finish(state)

    def _finish(self, state: RobotState) -> None:
        plan = self.plan
        self.completed.append(plan.command_id or plan.reason)
        self.events.record("plan_done", f"{plan.mode.value} plan {plan.command_id or '-'} done")
        if plan.mode is ExecutionMode.WHOLE_BODY and self.stand is not None:
            self.stand.reset(state, self.last)
        self.plan, self.stage = None, "standing" if self.stand is not None else "idle"
        self._reset_timeline()
        if self.pending is not None:
            nxt, self.pending = self.pending, None
            self._begin(nxt, state, 0.0 if self.last is None else self._now)

    def _weight(self, t: float) -> float:
        if self.plan is None:
            return 0.0
        if self.plan.mode is ExecutionMode.WHOLE_BODY:
            return 1.0
        if self.stage == "release":
            return max(0.0, 1.0 - (t - self._t_release) / self.cfg.streamer.soft_stop_s)
        if self.stage == "plan":
            return min(1.0, (t - self._t_play) / self._soft_s)
        return 1.0

    def _correction(self, tau: float) -> np.ndarray:
        """Closed loop on the plan's path: body-frame velocity toward where the plan says the pelvis should be
        (leg odometry) and yaw rate toward its heading (IMU), bounded by MAX_CORRECTION."""
        fps = self.plan.reference.fps
        err_xy = sample_rows(self._path, fps, tau) - self._pelvis_xy
        yaw = self._yaw - self._yaw0
        c, s = np.cos(yaw), np.sin(yaw)
        body = np.array([c * err_xy[0] + s * err_xy[1], -s * err_xy[0] + c * err_xy[1]])
        yaw_err = float(np.angle(np.exp(1j * (sample_rows(self._path_yaw[:, None], fps, tau)[0] - yaw))))
        out = np.array([PATH_GAIN * body[0], PATH_GAIN * body[1], HEADING_GAIN * yaw_err])
        return np.clip(out, -np.asarray(MAX_CORRECTION), np.asarray(MAX_CORRECTION))

    def _reference(self, t: float) -> Reference:
        plan, cfg = self.plan, self.robot
        q, dq = self.streamer.step(t)
        w = self._weight(t)
        play = self.streamer.playing
        tau = (t - play.t0) if (self.stage == "plan" and play is not None) else None
        velocity = np.zeros(3)
        if plan.mode is ExecutionMode.LOCOMOTION:
            if tau is not None and 0.0 <= tau <= plan.duration_s:
                velocity = sample_rows(plan.velocity, plan.reference.fps, tau) + self._correction(tau)
            elif (self.stage == "plan" and tau is not None and tau > plan.duration_s) or self.stage == "return":
                velocity = self._correction(plan.duration_s)  # close the remaining gap to where the path ends
                velocity[np.abs(velocity) < STAND_DEADBAND_CMD] = 0.0
        torso = None
        if plan.mode is ExecutionMode.WHOLE_BODY:
            if self.stage == "plan" and tau is not None and tau >= 0.0:
                torso = sample_rows(plan.torso_quat, plan.reference.fps, tau)
                torso = torso / np.linalg.norm(torso)
            else:  # soft start (from the robot's torso) or return (to an upright torso)
                T = self._soft_s if self.stage == "plan" else self._return_s
                s, _ = min_jerk((t - self._t_play) / T)
                a, b = (self._torso_start, plan.torso_quat[0]) if self.stage == "plan" else (self._torso_start, self._torso_end)
                torso = quat_slerp(a, b, s)
        return Reference(q=q, dq=dq, joints=plan.driven_joints(cfg), weight=w, velocity=velocity, torso_quat=torso)

    # ------------------------------------------------------------------ the step
    def step(self, state: RobotState, t: float) -> JointCommand:
        """The filtered command for the next control period, at time t [s]."""
        self._now = t
        if self.plan is not None and self.plan.mode is ExecutionMode.LOCOMOTION and self.stage in ("plan", "return"):
            self._pelvis_xy = self._odometry.update(state)[:2]
            self._yaw = _yaw(state.quat)
        if self.plan is not None:
            self._advance(state, t)
        n = self.robot.num_joints
        policy_joints = np.ones(n, dtype=bool)
        if self.transport == "arm_sdk":
            cmd = self._arm_sdk_command(state, t)
            policy_joints[:] = False
        else:
            ref = self._reference(t) if self.plan is not None else None
            cmd = self.active.step(state, ref)
            if ref is not None and ref.weight >= 1.0 and self.plan.mode is not ExecutionMode.WHOLE_BODY:
                policy_joints[ref.joints] = False
        if not np.array_equal(policy_joints, self.filter.policy_joints):
            self.filter.set_sources(policy_joints)
        res = self.filter.step(cmd.q, self.dt, state.q, state.dq, cmd.kp, cmd.kd, cmd.dq, cmd.tau)
        cmd.q = res.q
        self.last, self.last_filter = cmd, res
        return cmd

    def _arm_sdk_command(self, state: RobotState, t: float) -> JointCommand:
        n = self.robot.num_joints
        ub = self.robot.upper_body
        q = state.q.copy()  # idle: follow the arms where the robot's own controller holds them
        kp, kd = np.zeros(n), np.zeros(n)
        kp[ub], kd[ub] = self.arm_kp[ub], self.arm_kd[ub]
        w = 0.0
        if self.plan is not None:
            ref = self._reference(t)
            q[ub] = ref.q[ub]
            w = ref.weight
        legs = self.robot.lower_body
        q[legs] = state.q[legs]  # not sent: the robot's own controller has the legs
        kp[legs] = kd[legs] = 0.0
        return JointCommand(q, np.zeros(n), np.zeros(n), kp, kd, weight=w)
