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
    from humanoid_lmm.ros.convert import motion_to_msg, trajectory_to_msg
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
    upper = traj.replace(joint_names=tuple(cfg.joint_names[i] for i in cfg.upper_body), q=traj.q[:, cfg.upper_body])
    stamp = id_stamp(ID)
    pubs[topics.ACCEPTED].publish(String(data=json.dumps({"id": ID, "text": "wave your right hand"})))
    time.sleep(0.2)
    pubs[topics.MOTION].publish(motion_to_msg(motion, stamp=stamp))
    pubs[topics.RETARGETED].publish(trajectory_to_msg(traj, stamp=stamp))
    pubs[topics.VALIDATED].publish(trajectory_to_msg(upper, stamp=stamp, with_base=False))  # upper-body: partial
    pubs[topics.STATUS].publish(String(data=json.dumps({"id": ID, "stage": "validate", "ok": True, "verdict": "pass",
                                                        "mode": "upper_body", "repairs": []})))
    _wait(lambda: ID in node._plans and node._plans[ID].execution is not None and node._plans[ID].verdict)
    plan = node._plans[ID]
    assert plan.text == "wave your right hand" and plan.motion.n_frames == 40 and plan.trajectory.n_frames == traj.n_frames
    assert plan.trajectory.upper_body_only  # replaced by the validated plan as executed
    assert (plan.verdict, plan.mode) == ("pass", "upper_body")
    log = plan.execution
    assert log.mode == "upper_body" and log.times[-1] == pytest.approx(traj.duration_s, abs=0.05)
    legs = cfg.lower_body
    assert np.allclose(log.q_ref[:, legs], cfg.default_q[legs])  # the legs held the stand
    assert node.server.plan.plan_id == ID  # shown on the page
    node.server._decide(node.server.on_confirm, "confirm")  # the page's Confirm button
    _wait(lambda: confirms == [ID], 10)
