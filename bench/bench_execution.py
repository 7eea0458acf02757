"""Execution bench: every behaviour-table command, through generate -> retarget -> plan -> validate (+ repair) ->
execution on the free-standing simulated G1 over DDS (loopback), measured on the simulated robot.

    .venv/bin/python bench/bench_execution.py                    # 20 commands x 3 seeds + holosoma demos
    .venv/bin/python bench/bench_execution.py --seeds 1 --commands "squat,wave your right hand" --no-demos

Per row: mode (as planned -> as executed), verdict (or the refusal's reason), fall (pelvis more than 0.5 m
below where it stood, or tilted more than 0.8 rad), joint tracking RMS of the joints the plan drives [rad],
hand (and, whole-body, foot) position error in the pelvis frame [mm], root drift from the plan's path [m],
and the safety filter's clip events. A row succeeds when its plan was executed with no fall (a refused plan
is not a success, but it must come with a reason). The last line is `success: N/M`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

FALL_HEIGHT_M, FALL_TILT_RAD = 0.5, 0.8


def _tilt(quat):
    x, y = quat[1], quat[2]
    return float(np.arccos(np.clip(1.0 - 2.0 * (x * x + y * y), -1.0, 1.0)))


def _plans(args, robot):
    """(label, plan | error) for each behaviour command and seed, then the holosoma demo sequences."""
    from humanoid_lmm.errors import HumanoidLMMError
    from humanoid_lmm.lmm import MotionGenerator
    from humanoid_lmm.lmm.evaluate import select_commands
    from humanoid_lmm.retarget import plan_execution, retarget

    gen = MotionGenerator.from_pretrained()
    for cmd, _check, _reps in select_commands(args.commands):
        for seed in range(args.seeds):
            try:
                plan = plan_execution(retarget(gen.generate(cmd, seed=seed), robot=robot.name, fps=50.0), robot)
                yield f"{cmd} [{seed}]", plan
            except HumanoidLMMError as e:
                yield f"{cmd} [{seed}]", e
    if args.no_demos:
        return
    from humanoid_lmm.motion.io import holosoma as hs
    from humanoid_lmm.robots import demo_data_dir

    demo = demo_data_dir()
    files = [("omomo " + f.stem, hs.load_omomo_pt, f) for f in sorted((demo / "OMOMO_new").glob("*.pt"))]
    files += [("climb " + f.parent.name, hs.load_climb_npy, f) for f in sorted((demo / "climb").rglob("*.npy"))[:2]]
    for label, load, f in files:
        try:
            motion = load(f, max_frames=int(args.demo_seconds * 30)).motion
            yield label, plan_execution(retarget(motion, robot=robot.name, fps=50.0), robot)
        except HumanoidLMMError as e:
            yield label, e


class Recorder:
    """Bridge step hook: (plan time, measured joints) of every controller step while a plan is tracked."""

    def __init__(self):
        self.rows = []

    def __call__(self, state, cmd, executor):
        play = executor.streamer.playing
        if executor.stage == "plan" and play is not None and executor._now >= play.t0:
            self.rows.append((executor._now - play.t0, state.q.copy()))


def _errors(plan, rec, robot, body):
    """Joint RMS over the driven joints, hand (+ foot) position error in the pelvis frame [mm]."""
    if not rec.rows:
        return float("nan"), float("nan")
    ref = plan.reference
    tt = np.array([r[0] for r in rec.rows])
    q = np.stack([r[1] for r in rec.rows])
    q_ref = np.stack([np.interp(tt, ref.times, ref.q[:, j]) for j in range(robot.num_joints)], 1)
    j = plan.driven_joints(robot)
    rms = float(np.sqrt(np.mean((q - q_ref)[:, j] ** 2)))
    links = list(robot.links.hands) + (list(robot.links.feet) if plan.mode.value == "whole_body" else [])
    pin = body.pin
    ident = np.array([1.0, 0, 0, 0])
    err = [np.linalg.norm(pin.link_positions(pin.configuration(np.zeros(3), ident, a), links)
                          - pin.link_positions(pin.configuration(np.zeros(3), ident, b), links), axis=1)
           for a, b in zip(q[::5], q_ref[::5])]
    return rms, float(np.mean(err) * 1e3)


def _execute(bridge, sim, plan, timeout_s):
    """Play the plan; follow the ground truth until the executor stands again. -> (fell, root drift [m])."""
    p0, quat0, _ = sim.pose()
    ref = plan.reference
    path = (ref.root_pos[:, :2] - ref.root_pos[0, :2]) if plan.mode.value != "upper_body" else np.zeros((ref.n_frames, 2))
    bridge.play(plan)
    t0, fell, drift = time.monotonic(), False, 0.0
    while bridge.executor.busy and time.monotonic() - t0 < timeout_s and not bridge.damping:
        pos, quat, _ = sim.pose()
        fell |= (p0[2] - pos[2] > FALL_HEIGHT_M) or _tilt(quat) > FALL_TILT_RAD
        play = bridge.executor.streamer.playing
        tau = (bridge.executor._now - play.t0) if play is not None else 0.0
        k = int(np.clip(tau * ref.fps, 0, ref.n_frames - 1))
        drift = max(drift, float(np.linalg.norm(pos[:2] - p0[:2] - path[k])))
        time.sleep(0.05)
    return fell, drift


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--commands", default="", help="comma-separated behaviour commands (default: all 20)")
    ap.add_argument("--no-demos", action="store_true", help="skip the holosoma demo sequences")
    ap.add_argument("--demo-seconds", type=float, default=8.0, help="first seconds of each demo sequence")
    ap.add_argument("--domain", type=int, default=150 + os.getpid() % 50)
    ap.add_argument("--transport", default="lowcmd", choices=["lowcmd", "arm_sdk"])
    args = ap.parse_args(argv)

    import torch

    from humanoid_lmm.control import load_control_config
    from humanoid_lmm.control.sim_process import SimRobotProcess
    from humanoid_lmm.control.unitree_bridge import UnitreeBridge
    from humanoid_lmm.errors import HumanoidLMMError
    from humanoid_lmm.execution.controllers import BodyModel
    from humanoid_lmm.robots import load_robot_config
    from humanoid_lmm.sim import validate_and_repair

    torch.set_num_threads(1)
    robot = load_robot_config("g1")
    body = BodyModel(robot)
    rows = []
    for label, plan in _plans(args, robot):  # plan + validate everything first: validation takes the CPU
        if isinstance(plan, Exception):
            rows.append({"label": label, "planned": "-", "error": str(plan)})
            continue
        fixed, report = validate_and_repair(plan, transport=args.transport)
        rows.append({"label": label, "planned": plan.mode.value, "plan": fixed, "report": report})
        print(f"validated {label}: {report.verdict} ({report.mode})", file=sys.stderr, flush=True)

    control = load_control_config().for_link("sim")
    sim = SimRobotProcess("g1", control, args.domain, "lo")
    bridge = UnitreeBridge(robot, control, args.transport, args.domain, "lo", motion_switcher=False)
    bridge.start()
    try:
        for r in rows:
            if "report" not in r or not r["report"].passed:
                continue
            sim.reset()
            if bridge.damping:
                bridge.reset()
            time.sleep(1.0)
            rec = Recorder()
            bridge.step_hook = rec
            clips0 = {k: v for k, v in bridge.events.counters().items() if k.startswith("clip_")}
            try:
                r["fell"], r["drift"] = _execute(bridge, sim, r["plan"], 120.0)
            except HumanoidLMMError as e:
                r["error"] = str(e)
                continue
            finally:
                bridge.step_hook = None
            clips = {k: v - clips0.get(k, 0) for k, v in bridge.events.counters().items() if k.startswith("clip_")}
            r["clips"] = sum(clips.values())
            r["rms"], r["pos_mm"] = _errors(r["plan"], rec, robot, body)
            r["damping"] = bridge.damping
    finally:
        bridge.close()
        sim.close()

    print(f"{'command':<34} {'mode':<24} {'verdict':<8} {'fall':<5} {'rms rad':>7} {'pos mm':>7} {'drift m':>7} "
          f"{'clips':>5}  notes")
    ok = table_ok = table_n = 0
    for r in rows:
        demo = not r["label"].endswith("]")
        table_n += not demo
        if "report" not in r:
            print(f"{r['label']:<34} {'-':<24} {'error':<8} {'-':<5} {'':>7} {'':>7} {'':>7} {'':>5}  {r['error'][:80]}")
            continue
        rep = r["report"]
        mode = f"{r['planned']}->{rep.mode}" if rep.mode != r["planned"] else rep.mode
        if not rep.passed:
            why = "; ".join(f"{f.check}" + (f"[{f.joint}]" if f.joint else "") for f in rep.failures[:4])
            print(f"{r['label']:<34} {mode:<24} {'refused':<8} {'-':<5} {'':>7} {'':>7} {'':>7} {'':>5}  {why}")
            continue
        success = not r.get("fell", True) and not r.get("error") and r.get("damping") is None
        ok += success
        table_ok += success and not demo
        note = (rep.repairs[0] if rep.repairs else "") if success else (r.get("error") or r.get("damping") or "fell")
        print(f"{r['label']:<34} {mode:<24} {'pass':<8} {str(r.get('fell', '-')):<5} {r.get('rms', float('nan')):7.3f} "
              f"{r.get('pos_mm', float('nan')):7.1f} {r.get('drift', float('nan')):7.3f} {r.get('clips', 0):5d}  {note[:60]}")
    print(f"behaviour table: {table_ok}/{table_n} executed with no fall (free-standing G1, {args.transport}, no assist)")
    print(f"success: {ok}/{len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
