"""The optional preview node builds the page's plan from the graph's topics and forwards the buttons."""

import json
import time

import numpy as np
import pytest

pytestmark = [pytest.mark.ros]

ID = "1700000000.000000007"


def _wait(pred, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_preview_node_assembles_the_plan_and_publishes_confirmations(ros):
    from rclpy.node import Node
    from rclpy.parameter import Parameter
    from std_msgs.msg import String
    from trajectory_msgs.msg import JointTrajectory, MultiDOFJointTrajectory

    from humanoid_lmm.motion.synth import PRIMITIVES, build_clip
    from humanoid_lmm.retarget import retarget
    from humanoid_lmm.robots import load_robot_config
    from humanoid_lmm.ros import qos, topics
    from humanoid_lmm.ros.base import id_stamp
    from humanoid_lmm.retarget import plan_execution
    from humanoid_lmm.ros.convert import motion_to_msg, plan_to_msg
    from humanoid_lmm.ros.preview_node import PreviewNode

    node = ros.add(PreviewNode(context=ros.context, parameter_overrides=[Parameter("port", value=0)]))
    probe = ros.add(Node("preview_probe", context=ros.context))
    confirms = []
    probe.create_subscription(String, topics.CONFIRM, lambda m: confirms.append(m.data), qos.COMMANDS)
    pubs = {
        topics.ACCEPTED: probe.create_publisher(String, topics.ACCEPTED, qos.COMMANDS),
        topics.MOTION: probe.create_publisher(MultiDOFJointTrajectory, topics.MOTION, qos.PLANS),
        topics.RETARGETED: probe.create_publisher(JointTrajectory, topics.RETARGETED, qos.PLANS),
        topics.VALIDATED: probe.create_publisher(JointTrajectory, topics.VALIDATED, qos.PLANS),
        topics.STATUS: probe.create_publisher(String, topics.STATUS, qos.STATUS),
    }
    _wait(lambda: all(p.get_subscription_count() for p in pubs.values()), 15)
    time.sleep(0.3)
    wave = PRIMITIVES["wave_right"]
    motion = build_clip([(wave, wave.sample(np.random.default_rng(0)))]).slice(0, 40)
    traj = retarget(motion, robot="g1", fps=20)
    cfg = load_robot_config("g1")
    plan = plan_execution(traj, cfg, mode="upper_body", why="test")
    stamp = id_stamp(ID)
    pubs[topics.ACCEPTED].publish(String(data=json.dumps({"id": ID, "text": "wave your right hand"})))
    time.sleep(0.2)
    pubs[topics.MOTION].publish(motion_to_msg(motion, stamp=stamp))
    pubs[topics.RETARGETED].publish(plan_to_msg(plan, stamp=stamp))
    pubs[topics.VALIDATED].publish(plan_to_msg(plan, stamp=stamp))
    pubs[topics.STATUS].publish(String(data=json.dumps({"id": ID, "stage": "validate", "ok": True, "verdict": "pass",
                                                        "mode": "upper_body", "repairs": []})))
    _wait(lambda: ID in node._plans and node._plans[ID].execution is not None and node._plans[ID].verdict)
    shown = node._plans[ID]
    assert shown.text == "wave your right hand" and shown.motion.n_frames == 40
    assert shown.trajectory.n_frames == traj.n_frames  # the validated plan as executed
    assert (shown.verdict, shown.mode) == ("pass", "upper_body")
    log = shown.execution
    assert log.mode == "upper_body" and log.controller == "g1_loco_ppo"  # executed by the stand policy
    assert log.times[-1] > traj.duration_s  # soft start + plan + return
    assert node.server.plan.plan_id == ID  # shown on the page
    node.server._decide(node.server.on_confirm, "confirm")  # the page's Confirm button
    _wait(lambda: confirms == [ID], 10)
