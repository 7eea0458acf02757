"""`humanoid-lmm replay out.mcap` (registered in ros/cli.py): a recording of the graph, plan by plan, into the 3D preview.

From the recorded topics, per command id (the header stamp every stage copies): the text (accepted
command), the human motion (/humanoid/motion), the plan the streamer was sent (/humanoid/validated_trajectory,
completed with the base of /humanoid/retargeted_trajectory; the retargeted plan if nothing passed), the
verdict and mode (/humanoid/status, stage "validate"), and what the robot did: the measured joint states
(/humanoid/joint_states, the simulated robot's rt/lowstate via the streamer) against the targets sent
(/humanoid/joint_targets) between the streamer's start and done statuses, as an `ExecutionLog`. The base
pose is not on ROS yet, so the replayed execution stands at the robot's standing pose.

Examples:
  humanoid-lmm replay out.mcap                     # the last plan; serves http://127.0.0.1:8080
  humanoid-lmm replay bags/run1 --list             # the plans in a bag folder
  humanoid-lmm replay out.mcap --command 1733140000.000000001 --screenshot replay.png
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from humanoid_lmm.preview.plan import PreviewPlan
from humanoid_lmm.robots import load_robot_config, standing_root_height
from humanoid_lmm.ros import topics
from humanoid_lmm.ros.mcap_bag import read_messages
from humanoid_lmm.sim.execution_log import ExecutionLog, LogEvent

__all__ = ["plans_from_recording", "run"]


def _robot_of(joint_names) -> str:
    names = set(joint_names)
    for robot in ("g1", "h1"):
        if set(load_robot_config(robot).joint_names) <= names:
            return robot
    raise ValueError(f"recorded joints match no known robot: {sorted(names)[:4]}...")


def _execution(robot: str, mode: str, states, targets, start_ns: int, end_ns: int, estops) -> ExecutionLog | None:
    """ExecutionLog of the joint states logged in [start_ns, end_ns] (targets: the latest sent before each)."""
    rows = [(t, s) for t, s in states if start_ns <= t <= end_ns]
    if len(rows) < 2:
        return None
    cfg = load_robot_config(robot)
    col = {n: i for i, n in enumerate(rows[0][1].name)}
    order = [col[n] for n in cfg.joint_names]
    times = np.array([(t - start_ns) * 1e-9 for t, _ in rows])
    keep = np.concatenate([[True], np.diff(times) > 0])
    q = np.array([[s.position[i] for i in order] for _, s in rows])
    tau = np.array([[s.effort[i] for i in order] if len(s.effort) else [0.0] * len(order) for _, s in rows])
    q_ref = q.copy()
    target_t = np.array([t for t, _ in targets])
    for k, (t, _) in enumerate(rows):
        j = int(np.searchsorted(target_t, t, side="right")) - 1
        if j >= 0:
            tcol = {n: i for i, n in enumerate(targets[j][1].name)}
            q_ref[k] = [targets[j][1].position[tcol[n]] if n in tcol else q[k, i] for i, n in enumerate(cfg.joint_names)]
    K = int(keep.sum())
    events = [LogEvent((t - start_ns) * 1e-9, "estop", "e-stop requested on /humanoid/estop") for t in estops if start_ns <= t <= end_ns]
    return ExecutionLog(
        robot=robot, joint_names=cfg.joint_names, times=times[keep], q=q[keep], q_ref=q_ref[keep], tau=tau[keep],
        tau_max=cfg.tau_max, root_pos=np.tile([0.0, 0.0, standing_root_height(cfg)], (K, 1)),
        root_quat=np.tile([1.0, 0.0, 0.0, 0.0], (K, 1)), com=np.full((K, 3), np.nan), support=np.full((K, 1, 2), np.nan),
        contacts=np.zeros((K, 2), bool), qpos=np.zeros((K, 0)), events=tuple(events),
        controller="recorded: streamer -> robot (measured rt/lowstate)", mode=mode,
        assist="recorded joint states only: base pose not recorded")


def plans_from_recording(path: str | Path) -> list[PreviewPlan]:
    """Every plan of a recording (a .mcap file or bag folder), in the order the commands were accepted."""
    from humanoid_lmm.ros.base import stamp_id
    from humanoid_lmm.ros.convert import msg_to_motion, msg_to_trajectory

    texts, motions, retargeted, validated, validate, stream = {}, {}, {}, {}, {}, defaultdict(list)
    states, targets, estops, order = [], [], [], []
    for topic, msg, t in read_messages(path):
        if topic == topics.ACCEPTED:
            request = json.loads(msg.data)
            texts[request["id"]] = request.get("text", "")
            order.append(request["id"])
        elif topic == topics.MOTION:
            motions[stamp_id(msg.header.stamp)] = msg
        elif topic == topics.RETARGETED:
            retargeted[stamp_id(msg.header.stamp)] = msg
        elif topic == topics.VALIDATED:
            validated[stamp_id(msg.header.stamp)] = msg
        elif topic == topics.STATUS:
            s = json.loads(msg.data)
            if s.get("stage") == "validate":
                validate[s["id"]] = s
            elif s.get("stage") == "stream":
                stream[s["id"]].append((t, s))
        elif topic == topics.JOINT_STATES:
            states.append((t, msg))
        elif topic == topics.TARGETS:
            targets.append((t, msg))
        elif topic == topics.ESTOP and msg.data:
            estops.append(t)
    ids = list(dict.fromkeys(order + list(motions) + list(retargeted)))
    plans = []
    for pid in ids:
        traj_msg = retargeted.get(pid)
        robot = validate.get(pid, {}).get("robot") or (_robot_of(traj_msg.joint_names) if traj_msg else "g1")
        v = validate.get(pid, {})
        motion = msg_to_motion(motions[pid], texts.get(pid, "")) if pid in motions else None
        traj = msg_to_trajectory(traj_msg, robot) if traj_msg is not None else None
        if pid in validated:  # the plan the robot was sent (repaired: its reference, base and joints)
            traj = msg_to_trajectory(validated[pid], robot)
        execution = None
        if stream.get(pid):
            start = stream[pid][0][0]
            end = next((t for t, s in stream[pid] if s.get("done", True)), states[-1][0] if states else start)
            execution = _execution(robot, v.get("mode", ""), states, targets, start, end, estops)
        reasons = [v["error"]] if v.get("error") else []
        notes = [f"replayed from {Path(path).name}"] + [f"repair: {r}" for r in v.get("repairs", [])]
        plans.append(PreviewPlan(plan_id=pid, robot=robot, text=texts.get(pid, ""), motion=motion, trajectory=traj,
                                 execution=execution, mode=v.get("mode", ""), verdict=v.get("verdict", ""),
                                 reasons=tuple(reasons), notes=tuple(notes)))
    return plans


def run(args: argparse.Namespace) -> int:
    from humanoid_lmm.errors import ConfigError
    from humanoid_lmm.preview.cli import serve

    plans = plans_from_recording(args.recording)
    if args.list or not plans:
        for p in plans:
            print(f"{p.plan_id}  {p.verdict or '-':5s} {p.mode or '-':11s} {p.text!r}"
                  f"{'' if p.execution is None else f'  executed {p.execution.times[-1]:.1f} s'}")
        return 0 if plans else 1
    chosen = [p for p in plans if p.plan_id == args.command] if args.command else plans[-1:]
    if not chosen:
        raise ConfigError(f"no plan {args.command!r} in {args.recording}; plans: {[p.plan_id for p in plans]}")
    return serve(chosen[0], args.host, args.port, args.screenshot)
