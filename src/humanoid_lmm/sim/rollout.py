"""Rollout: execute a plan in MuJoCo exactly as the robot side would, and log what physics did.

The loop is the bridge's, in simulated time: at the controller rate the `Executor` (controllers, gains,
timeline, safety filter of config/execution.yaml) reads the plant's state and returns the command, which the
`Plant` holds for one control period at the physics rate (the motor drivers' PD). With the arm_sdk transport
the command goes through the simulated built-in controller (`BuiltinStandIn`), as on the simulated robot.
The robot first stands `settle_s`, then the plan starts; the rollout ends when the executor is standing
again (plus `tail_s`), or at a fall.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mujoco
import numpy as np

from humanoid_lmm.execution import (
    BuiltinStandIn, EventLog, ExecutionConfig, ExecutionPlan, Executor, Plant, SafetyConfig,
)
from humanoid_lmm.robots import RobotConfig, build_sim_model
from humanoid_lmm.sim.log_events import support_polygon

__all__ = ["STOP_HEIGHT_M", "STOP_TILT_RAD", "RolloutLog", "rollout"]

STOP_HEIGHT_M = 0.5  # the rollout stops (robot down) when the pelvis is this far below where it stood, or ...
SUPPORT_POINTS = 16  # vertices kept of each step's support polygon
STOP_TILT_RAD = 1.2  # ... tilted this far from upright (fall verdicts use the reference: sim.dynamics)


@dataclass
class RolloutLog:
    """Per control step k (K steps): times t_k [s] from the plan's start (negative while settling)."""

    times: np.ndarray  # (K,)
    plan_time: np.ndarray  # (K,) time into the plan's reference [s] (NaN outside tracking)
    phase: list  # (K,) executor phase
    q: np.ndarray  # (K, n) measured joints
    q_cmd: np.ndarray  # (K, n) commanded targets (after the safety filter)
    weight: np.ndarray  # (K,) reference weight
    tau: np.ndarray  # (K, n) applied torque (last physics step)
    saturated: np.ndarray  # (K, n) bool: torque at the limit
    base_pos: np.ndarray  # (K, 3) pelvis position (ground truth)
    base_quat: np.ndarray  # (K, 4)
    qpos: np.ndarray  # (K, nq) full MuJoCo state (replay, rendering)
    feet: np.ndarray  # (K, 2, 3) foot positions
    foot_contact: np.ndarray  # (K, 2) bool: foot touching the floor
    com: np.ndarray  # (K, 3) whole-body centre of mass
    support: np.ndarray  # (K, P, 2) support polygon: convex hull of the foot-floor contact points (NaN-padded)
    events_at: list  # (time [s], kind, message) of every safety-filter event, on the rollout's clock
    fall_k: int | None
    events: EventLog
    controller: str
    assist: str
    clip_counts: dict = field(default_factory=dict)

    @property
    def tilt(self) -> np.ndarray:
        x, y = self.base_quat[:, 1], self.base_quat[:, 2]
        return np.arccos(np.clip(1.0 - 2.0 * (x * x + y * y), -1.0, 1.0))


def _foot_geoms(mj) -> list[np.ndarray]:
    m = mj.model
    out = []
    for foot in mj.config.links.feet:
        b = mj.body_id(foot)
        out.append(np.array([g for g in range(m.ngeom) if m.geom_bodyid[g] == b]))
    return out


def rollout(plan: ExecutionPlan | None, robot: RobotConfig, cfg: ExecutionConfig, transport: str = "lowcmd",
            safety: SafetyConfig | None = None, settle_s: float = 1.0, tail_s: float = 0.5,
            hold_s: float = 0.0, controller_override: str | None = None, max_s: float = 120.0) -> RolloutLog:
    """Simulate `plan` (None: just stand `hold_s`) and log every control step."""
    gantry = plan is not None and plan.assist == "gantry"
    mj = build_sim_model(robot, gantry=gantry)
    plant = Plant(mj)
    events = EventLog(log_interval_s=1e9)
    # an override (tests, benches: "switch the policy off") runs even a controller that cannot balance, so the
    # fall is measured; without one the executor refuses that, as on the robot
    ex = Executor(robot, cfg, transport, events=events, safety=safety,
                  free_standing=not gantry and controller_override is None, controller_override=controller_override)
    builtin = BuiltinStandIn(robot, cfg) if transport == "arm_sdk" else None
    stand_q = ex.stand.stand_pose() if ex.stand is not None else builtin.controller.stand_pose()
    plant.place(stand_q)  # on the floor in the stand controller's pose
    state = plant.state()
    ex.start(state)
    if builtin is not None:
        builtin.reset(state)
    dt, m, d = ex.dt, mj.model, mj.data
    floor = mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_GEOM, "floor")
    foot_geoms = _foot_geoms(mj)
    feet_ids = [mj.body_id(f) for f in robot.links.feet]
    pelvis = mj.body_id(robot.links.pelvis)
    z0 = float(d.xpos[pelvis, 2])
    rows: dict[str, list] = {k: [] for k in ("t", "pt", "ph", "q", "qc", "w", "tau", "sat", "bp", "bq", "qpos",
                                              "feet", "fc", "com", "sup")}
    events_at: list = []
    t, started, end_t, fall_k = -settle_s, False, None, None
    while t < max_s:
        if plan is not None and not started and t >= -1e-9:
            ex.play(plan, state, t)
            started = True
        if end_t is None and (started or plan is None) and not ex.busy:
            end_t = t + (tail_s if plan is not None else hold_s)
        if end_t is not None and t >= end_t:
            break
        seen = sum(events.counters().values())
        cmd = ex.step(state, t)
        new = sum(events.counters().values()) - seen
        if new:
            events_at += [(t, e.kind, e.message) for e in events.events()[-new:]]
        applied = builtin.step(state, cmd) if builtin is not None else cmd
        play = ex.streamer.playing
        rows["t"].append(t)
        rows["pt"].append(t - play.t0 if (ex.stage == "plan" and play is not None and t >= play.t0) else np.nan)
        rows["ph"].append(ex.phase)
        rows["q"].append(state.q)  # the state at t_k, where the command of t_k starts from ...
        rows["qc"].append(cmd.q.copy())
        rows["w"].append(cmd.weight if ex.plan is not None else 0.0)
        rows["bp"].append(state.base_pos)
        rows["bq"].append(state.quat)
        rows["qpos"].append(d.qpos.copy())
        rows["feet"].append(d.xpos[feet_ids].copy())
        rows["com"].append(d.subtree_com[pelvis].copy())
        touching = np.zeros(2, dtype=bool)
        points = []
        for c in d.contact[: d.ncon]:
            for s in (0, 1):
                if (c.geom1 == floor and c.geom2 in foot_geoms[s]) or (c.geom2 == floor and c.geom1 in foot_geoms[s]):
                    touching[s] = True
                    points.append(c.pos[:2].copy())
        rows["fc"].append(touching)
        rows["sup"].append(support_polygon(np.array(points), SUPPORT_POINTS))
        plant.apply(applied, dt)
        state = plant.state()
        rows["tau"].append(plant.tau.copy())  # ... and the torque applied over [t_k, t_k + dt]
        rows["sat"].append(plant.saturated.copy())
        t += dt
        if not gantry:
            x, y = state.quat[1], state.quat[2]
            tilt = np.arccos(np.clip(1.0 - 2.0 * (x * x + y * y), -1.0, 1.0))
            if z0 - state.base_pos[2] > STOP_HEIGHT_M or tilt > STOP_TILT_RAD:
                fall_k = len(rows["t"]) - 1
                break
    a = {k: np.array(v) for k, v in rows.items() if k != "ph"}
    name = "arm_sdk over " + builtin.name if builtin is not None else ex.active.name if ex.active else "-"
    if plan is not None and transport == "lowcmd":
        name = ex.controller({"upper_body": "stand", "locomotion": "locomotion", "whole_body": "whole_body"}[plan.mode.value]).name
    clips = {k: v for k, v in events.counters().items() if k.startswith("clip_") or k == "non_finite"}
    return RolloutLog(times=a["t"], plan_time=a["pt"], phase=rows["ph"], q=a["q"], q_cmd=a["qc"], weight=a["w"],
                      tau=a["tau"], saturated=a["sat"], base_pos=a["bp"], base_quat=a["bq"], qpos=a["qpos"],
                      feet=a["feet"], foot_contact=a["fc"], com=a["com"], support=a["sup"], events_at=events_at,
                      fall_k=fall_k, events=events,
                      controller=name, assist="gantry" if gantry else "none", clip_counts=clips)
