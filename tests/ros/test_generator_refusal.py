"""The generator node says no: a motion that does not show the command is refused, and none is sent."""

import json
import time

import pytest
from rclpy.node import Node
from std_msgs.msg import String
from trajectory_msgs.msg import MultiDOFJointTrajectory

from humanoid_lmm.ros import qos, topics
from humanoid_lmm.ros.generator_node import GeneratorNode

pytestmark = pytest.mark.ros


@pytest.fixture(scope="module")
def graph(ros):
    ros.add(GeneratorNode(context=ros.context))
    probe = ros.add(Node("probe_generator", context=ros.context))
    got = {"status": [], "motion": 0}
    probe.create_subscription(String, topics.STATUS, lambda m: got["status"].append(json.loads(m.data)), qos.STATUS)
    probe.create_subscription(MultiDOFJointTrajectory, topics.MOTION,
                              lambda m: got.__setitem__("motion", got["motion"] + 1), qos.PLANS)
    pub = probe.create_publisher(String, topics.ACCEPTED, qos.COMMANDS)
    deadline = time.monotonic() + 20
    while pub.get_subscription_count() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    return pub, got


def _send(graph, request, timeout=60):
    pub, got = graph
    before, motions = len(got["status"]), got["motion"]
    pub.publish(String(data=json.dumps(request)))
    deadline = time.monotonic() + timeout
    while not [s for s in got["status"][before:] if s["id"] == request["id"]] and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    return [s for s in got["status"][before:] if s["id"] == request["id"]], got["motion"] - motions


def test_matching_motion_is_sent(graph):
    status, sent = _send(graph, {"id": "1.000000001", "text": "wave your right hand", "capabilities": ["wave_right"]})
    assert status and status[0]["ok"] and sent == 1


def test_mismatching_motion_is_refused_and_not_sent(graph):
    # the text asks for a squat, the accepted reading says a bow: no attempt's caption can match
    status, sent = _send(graph, {"id": "1.000000002", "text": "squat", "capabilities": ["bow"]})
    assert status and not status[0]["ok"] and status[0]["reason"] == "motion_mismatch", status
    assert "nothing is sent" in status[0]["error"] and sent == 0


def test_chain_is_generated_action_by_action(graph):
    status, sent = _send(graph, {"id": "1.000000003", "text": "wave your right hand then squat",
                                 "capabilities": ["wave_right", "squat"],
                                 "steps": [["wave your right hand", None], ["squat", None]]})
    assert status and status[0]["ok"] and sent == 1
