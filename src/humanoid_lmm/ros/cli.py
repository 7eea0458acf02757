"""`humanoid-lmm up` (the graph without ros2 launch) and `humanoid-lmm say` (publish a command)."""

from __future__ import annotations

import argparse
import sys
import time


def up(args: argparse.Namespace) -> int:
    from humanoid_lmm.ros.launcher import Launcher, LaunchArgs

    la = LaunchArgs(robot=args.robot, mode="sim" if args.sim else "real", net_interface=args.iface,
                    domain_id=args.domain, model_dir=args.model_dir, upper_body_only=args.upper_body_only,
                    transport=args.transport, allow_lowcmd_policy=args.allow_lowcmd_policy, composed=args.composed,
                    record=args.record or "", preview=args.preview, preview_port=args.preview_port)
    if la.mode == "real":
        print("humanoid-lmm up: REAL robot mode: commands go to the robot through the safety filter; "
              "keep the e-stop (ros2 topic pub /humanoid/estop std_msgs/Bool '{data: true}') at hand.")
    launcher = Launcher(la).start()
    print(f"humanoid-lmm up: this launch's key (signed plans, `humanoid-lmm reset-estop --key-file ...`): "
          f"{launcher.key_file}")
    return launcher.wait()


def say(args: argparse.Namespace) -> int:
    from humanoid_lmm.ros.client import send_command

    for status in send_command(args.text, timeout=args.timeout):
        print(status)
    return 0


def confirm(args: argparse.Namespace) -> int:
    from humanoid_lmm.ros.confirmation import send_confirmation

    state = send_confirmation(args.plan_id, reject=args.reject, timeout=args.timeout)
    print(f"plan {args.plan_id}: {state}")
    return 0 if state == ("rejected" if args.reject else "confirmed") else 1


def record(args: argparse.Namespace) -> int:
    from humanoid_lmm.ros.recorder import record as run_recorder

    counts = run_recorder(args.output, args.duration)
    print(f"humanoid-lmm record: {sum(counts.values())} messages -> {args.output}")
    for topic, n in sorted(counts.items()):
        print(f"  {n:7d}  {topic}")
    return 0


def replay(args: argparse.Namespace) -> int:
    from humanoid_lmm.ros.replay import run

    return run(args)


REPLAY_EXAMPLES = """Examples:
  humanoid-lmm replay out.mcap                     # the last plan; serves http://127.0.0.1:8080
  humanoid-lmm replay bags/run1 --list             # the plans in a bag folder
  humanoid-lmm replay out.mcap --command 1733140000.000000001 --screenshot replay.png

Shows per command: the human motion, the retargeted plan, the verdict and mode, and the robot's measured
joint states against the targets sent while it executed (src/humanoid_lmm/ros/replay.py)."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("up", help="start the ROS 2 graph (same nodes/params as launch/bringup.launch.py)")
    p.add_argument("--robot", choices=["g1", "h1"], default="g1")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--sim", action="store_true", default=True, help="MuJoCo robot on DDS loopback (default)")
    mode.add_argument("--real", dest="sim", action="store_false", help="the real robot (DDS on --iface)")
    p.add_argument("--iface", default="lo", help="DDS network interface (real robot: NIC on 192.168.123.x)")
    p.add_argument("--domain", type=int, default=1, help="DDS domain id (simulation 1, real robot 0)")
    p.add_argument("--model-dir", default="", help="motion model directory (default: built-in)")
    p.add_argument("--upper-body-only", action="store_true", help="every plan arms + waist only")
    p.add_argument("--transport", choices=["", "lowcmd", "arm_sdk"], default="",
                   help="rt/lowcmd with the stack's balancing policy, or rt/arm_sdk over the built-in controller "
                        "(default: sim lowcmd, real arm_sdk)")
    p.add_argument("--allow-lowcmd-policy", action="store_true",
                   help="real robot: allow --transport lowcmd (releases the built-in controller)")
    p.add_argument("--composed", action="store_true", help="all nodes in one process")
    p.add_argument("--record", metavar="OUT", help="record the graph's topics to OUT.mcap (or a rosbag2 bag folder)")
    p.add_argument("--preview", action="store_true", help="serve the 3D plan preview (http://localhost:PORT)")
    p.add_argument("--preview-port", type=int, default=8080, help="preview web port")
    p.set_defaults(func=up)
    s = sub.add_parser("say", help="publish a text command on /humanoid/command and print the status stream")
    s.add_argument("text")
    s.add_argument("--timeout", type=float, default=60.0, help="[s] give up waiting for the final stage")
    s.set_defaults(func=say)
    register_reset(sub)
    r = sub.add_parser("record", help="record the running graph's topics to MCAP (rosbag2 layout, ROS 2 schemas)",
                       description="Examples:\n  humanoid-lmm record -o out.mcap              # until Ctrl-C\n"
                                   "  humanoid-lmm record -o bags/run1 --duration 30   # rosbag2 bag folder\n"
                                   "  humanoid-lmm replay out.mcap                 # into the 3D preview",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("-o", "--output", default="out.mcap", help="an .mcap file, or a folder for a rosbag2 bag")
    r.add_argument("--duration", type=float, default=0.0, help="[s] stop after this long (0 = until Ctrl-C)")
    r.set_defaults(func=record)
    rp = sub.add_parser("replay", help="replay a recording (humanoid-lmm record / up --record) in the 3D preview",
                        description=REPLAY_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    rp.add_argument("recording", help=".mcap file or rosbag2 bag folder")
    rp.add_argument("--command", help="command id to show (default: the last one)")
    rp.add_argument("--list", action="store_true", help="list the recorded plans and exit")
    rp.add_argument("--host", default="127.0.0.1")
    rp.add_argument("--port", type=int, default=8080)
    rp.add_argument("--screenshot", help="save a headless-Chromium screenshot and exit")
    rp.set_defaults(func=replay)
    c = sub.add_parser("confirm", help="confirm (or --reject) a plan held for the operator's go in real mode",
                       description="Examples:\n  humanoid-lmm confirm 1733140000.000000001\n"
                                   "  humanoid-lmm confirm 1733140000.000000001 --reject\n"
                                   "The id is the command id in /humanoid/status and /humanoid/confirmation.",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("plan_id", help="command id of the held plan (sec.nanosec)")
    c.add_argument("--reject", action="store_true", help="reject instead of confirm")
    c.add_argument("--timeout", type=float, default=10.0, help="[s] wait for the holder's answer")
    c.set_defaults(func=confirm)


def reset_estop(args: argparse.Namespace) -> int:
    """Publish a signed, fresh reset token on /humanoid/reset_estop (the streamer also checks the robot state)."""
    import rclpy
    from rclpy.node import Node
    from std_msgs.msg import String

    from humanoid_lmm.control.attestation import PlanSigner, load_launch_key
    from humanoid_lmm.ros import qos, topics

    signer = PlanSigner(load_launch_key(args.key_file))
    rclpy.init()
    node = Node("humanoid_reset_estop")
    pub = node.create_publisher(String, topics.RESET_ESTOP, qos.ESTOP)
    try:
        deadline = time.monotonic() + args.timeout
        while pub.get_subscription_count() == 0:
            if time.monotonic() > deadline:
                print("humanoid-lmm reset-estop: no streamer subscribes /humanoid/reset_estop", file=sys.stderr)
                return 1
            rclpy.spin_once(node, timeout_sec=0.05)
        pub.publish(String(data=signer.reset_token()))
        rclpy.spin_once(node, timeout_sec=0.3)
        print("reset requested: the streamer resets only with fresh, upright, still robot state (see /diagnostics)")
        return 0
    finally:
        node.destroy_node()
        rclpy.shutdown()


def register_reset(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("reset-estop", help="clear a latched e-stop (needs this launch's key; the robot at rest)")
    r.add_argument("--key-file", default=None, help="the launch key (default: $HUMANOID_LMM_KEY_FILE)")
    r.add_argument("--timeout", type=float, default=10.0)
    r.set_defaults(func=reset_estop)
