"""`humanoid-lmm robots <robot>`: print a robot's facts and check that both engines build it."""

from __future__ import annotations

import argparse

import numpy as np


def run(args: argparse.Namespace) -> int:
    import mujoco
    from rich.console import Console
    from rich.table import Table

    from humanoid_lmm.robots import build_mujoco_model, build_pinocchio_model, load_robot_config

    cfg = load_robot_config(args.robot)
    table = Table(title=f"{cfg.name}: {cfg.num_joints} joints, unitree_{cfg.message_family}, {cfg.assets.urdf}")
    for col in ("motor", "joint", "lower", "upper", "vel", "effort", "kp", "kd", "default"):
        table.add_column(col, justify="right" if col != "joint" else "left")
    for i, n in enumerate(cfg.joint_names):
        table.add_row(
            str(cfg.motor_index[i]), n, *(f"{a[i]:.3f}" for a in (cfg.q_lower, cfg.q_upper)),
            *(f"{a[i]:g}" for a in (cfg.dq_max, cfg.tau_max, cfg.kp, cfg.kd)), f"{cfg.default_q[i]:.2f}",
        )
    console = Console()
    console.print(table)
    pr = build_pinocchio_model(cfg)
    mj = build_mujoco_model(cfg, fixed_base=args.welded)
    links = [cfg.links.left_foot, cfg.links.right_foot, cfg.links.left_hand, cfg.links.right_hand]
    root = mj.data.qpos[:3] if not mj.fixed_base else np.array([0, 0, mj.model.body_pos[mj.body_id(cfg.links.pelvis)][2]])
    q = pr.configuration(root, [1, 0, 0, 0], cfg.default_q)
    fk_err = np.abs(pr.link_positions(q, links) - mj.body_positions(links)).max()
    console.print(f"Pinocchio nq={pr.model.nq}, MuJoCo nq={mj.model.nq}; FK feet/hands max difference {fk_err:.2e} m")
    if args.stand > 0:
        z0 = mj.data.xpos[mj.body_id(cfg.links.pelvis)][2]
        for _ in range(int(args.stand / mj.model.opt.timestep)):
            mujoco.mj_step(mj.model, mj.data)
        z1 = mj.data.xpos[mj.body_id(cfg.links.pelvis)][2]
        err = np.abs(mj.q - cfg.default_q).max()
        kind = "welded root" if args.welded else "free root"
        console.print(f"PD stand {args.stand:.1f} s ({kind}): pelvis z {z0:.3f} -> {z1:.3f} m, max joint error {err:.3f} rad")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("robots", help="show a robot's facts and check its Pinocchio/MuJoCo models")
    p.add_argument("robot", choices=["g1", "h1"])
    p.add_argument("--stand", type=float, default=3.0, help="simulate a PD stand for this many seconds [s]")
    p.add_argument("--welded", action="store_true", help="weld the root (default: free-floating)")
    p.set_defaults(func=run)
