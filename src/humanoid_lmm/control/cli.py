"""`humanoid-lmm sim-robot` and `humanoid-lmm stream`: the simulated robot and the safe streamer on DDS.

Examples:
  humanoid-lmm sim-robot --robot g1 --domain 1 --iface lo            # terminal 1: MuJoCo G1 standing on the floor
  humanoid-lmm validate wave_g1.npz --repair -o plan_g1.npz          # a validated ExecutionPlan
  humanoid-lmm stream plan_g1.npz --domain 1 --iface lo --no-motion-switcher   # terminal 2: policy on rt/lowcmd
  humanoid-lmm stream plan_g1.npz --domain 1 --iface lo --arm-sdk    # upper_body plans over the built-in controller
Real robot (read docs/control.md first): --domain 0 --iface <NIC on 192.168.123.x>; rt/lowcmd with a policy
needs --allow-lowcmd-policy (the built-in controller is released).
"""

from __future__ import annotations

import argparse
import logging
import time

__all__ = ["register"]

log = logging.getLogger("humanoid_lmm.control")


def _sim_robot(args) -> int:
    from humanoid_lmm.control.config import load_control_config
    from humanoid_lmm.control.sim_robot import SimRobot
    from humanoid_lmm.robots import load_robot_config

    sim = SimRobot(load_robot_config(args.robot), load_control_config(args.config), args.domain, args.iface,
                   base=args.base)
    sim.run_forever()
    return 0


def _stream(args) -> int:
    from humanoid_lmm.control.config import load_control_config
    from humanoid_lmm.control.unitree_bridge import UnitreeBridge
    from humanoid_lmm.errors import SafetyError
    from humanoid_lmm.execution import ExecutionPlan
    from humanoid_lmm.robots import load_robot_config

    from humanoid_lmm.sim import validate

    plan = ExecutionPlan.load_npz(args.plan)
    cfg = load_robot_config(plan.robot)
    transport = "arm_sdk" if args.arm_sdk else "lowcmd"
    report = validate(plan, transport=transport)  # nothing unvalidated is streamed: the file is checked again
    if not report.passed:
        log.error("plan refused: it does not pass validation as it is (%s):\n%s", transport, report)
        return 3
    if transport == "lowcmd" and not args.no_motion_switcher and not args.allow_lowcmd_policy:
        log.error("rt/lowcmd on a real robot releases its built-in controller: the stack's policy then balances it. "
                  "Pass --allow-lowcmd-policy to do that (robot on its gantry the first time), or --arm-sdk.")
        return 2
    if transport == "lowcmd" and args.allow_lowcmd_policy:
        log.warning("rt/lowcmd with the stack's balancing policy on the REAL robot (opt-in given)")
    bridge = UnitreeBridge(cfg, load_control_config(args.config), transport, args.domain, args.iface,
                           motion_switcher=not args.no_motion_switcher, free_standing=not args.gantry)
    try:
        bridge.start()
        bridge.play(plan)
        t_end = time.monotonic() + 60.0 + 2 * plan.duration_s
        while bridge.executor.busy and time.monotonic() < t_end and not bridge.damping:
            time.sleep(0.05)
        time.sleep(args.hold_s)
    except SafetyError as e:
        log.error("%s", e)
        return 3
    except KeyboardInterrupt:
        bridge.estop("Ctrl-C")
    finally:
        bridge.close()
        log.info("events: %s", bridge.events.counters())
    return 1 if bridge.damping not in (None, "close") else 0


def register(subparsers) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser("sim-robot", help="MuJoCo robot on the Unitree DDS topics", description=__doc__,
                              formatter_class=fmt)
    p.add_argument("--robot", default="g1", choices=["g1", "h1"])
    p.add_argument("--domain", type=int, default=1, help="DDS domain id (simulation: 1)")
    p.add_argument("--iface", default="lo", help="network interface (simulation: lo)")
    p.add_argument("--base", choices=["free", "gantry"], default=None,
                   help="override sim_robot.base (gantry: pelvis held, an assist named in every report)")
    p.add_argument("--config", default=None, help="control.yaml (default: config/control.yaml)")
    p.set_defaults(func=_sim_robot)

    s = subparsers.add_parser("stream", help="execute a validated ExecutionPlan through the safety layer",
                              description=__doc__, formatter_class=fmt)
    s.add_argument("plan", help="ExecutionPlan .npz (humanoid-lmm validate ... -o plan.npz)")
    s.add_argument("--domain", type=int, default=1, help="DDS domain id (simulation 1, real robot 0)")
    s.add_argument("--iface", default="lo", help="network interface (simulation lo, robot: the 192.168.123.x NIC)")
    s.add_argument("--arm-sdk", action="store_true", help="G1 upper body on rt/arm_sdk (built-in balance stays on)")
    s.add_argument("--allow-lowcmd-policy", action="store_true",
                   help="real robot: release the built-in controller and balance with the stack's policy on rt/lowcmd")
    s.add_argument("--gantry", action="store_true", help="the robot hangs on its gantry (gantry-validated plans only)")
    s.add_argument("--no-motion-switcher", action="store_true",
                   help="skip releasing the built-in controller (simulated robot only)")
    s.add_argument("--hold-s", type=float, default=1.0, help="hold the final pose this long before closing [s]")
    s.add_argument("--config", default=None, help="control.yaml (default: config/control.yaml)")
    s.set_defaults(func=_stream)
    register_supervise(subparsers)


def _supervise(args) -> int:
    from humanoid_lmm.control.config import RobotLink, load_control_config
    from humanoid_lmm.control.supervisor import Supervisor
    from humanoid_lmm.robots import load_robot_config

    control = load_control_config(args.config).for_link(RobotLink.parse(args.link))
    sup = Supervisor(load_robot_config(args.robot), control, args.transport, args.domain, args.iface)
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sup.stop())
    try:
        sup.run()
    except KeyboardInterrupt:
        pass
    return 0


def register_supervise(subparsers) -> None:
    p = subparsers.add_parser("supervise", help="dead-man supervisor: damping if the bridge's command stream stops",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--robot", default="g1", choices=["g1", "h1"])
    p.add_argument("--transport", default="lowcmd", choices=["lowcmd", "arm_sdk"])
    p.add_argument("--link", default="sim", choices=["sim", "real"], help="robot link (sets the heartbeat timeout)")
    p.add_argument("--domain", type=int, default=1)
    p.add_argument("--iface", default="lo")
    p.add_argument("--config", default=None, help="control.yaml (default: config/control.yaml)")
    p.set_defaults(func=_supervise)
