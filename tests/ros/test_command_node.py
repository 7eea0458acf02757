"""The command node over real ROS 2 topics: good text goes on (as a corpus caption), bad text is refused with
a reason and suggestions."""

import json
import time

import pytest
from rclpy.node import Node
from std_msgs.msg import String

from humanoid_lmm.ros import qos, topics
from humanoid_lmm.ros.command_node import CommandNode

pytestmark = pytest.mark.ros


@pytest.fixture(scope="module")
def graph(ros):
    ros.add(CommandNode(context=ros.context))
    probe = ros.add(Node("probe", context=ros.context))
    got = {"status": [], "accepted": []}
    probe.create_subscription(String, topics.STATUS, lambda m: got["status"].append(json.loads(m.data)), qos.STATUS)
    probe.create_subscription(String, topics.ACCEPTED, lambda m: got["accepted"].append(json.loads(m.data)), qos.COMMANDS)
    pub = probe.create_publisher(String, topics.COMMAND, qos.COMMANDS)
    deadline = time.monotonic() + 10
    while pub.get_subscription_count() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    return pub, got


def _send(graph, text, n_status):
    pub, got = graph
    before = len(got["status"])
    pub.publish(String(data=text))
    deadline = time.monotonic() + 10
    while len(got["status"]) < before + n_status and time.monotonic() < deadline:
        time.sleep(0.02)
    return got["status"][before:]


def test_good_command_is_accepted_and_forwarded(graph):
    status = _send(graph, "Wave your RIGHT hand!", 1)
    assert status and status[-1]["ok"] and status[-1]["text"] == "wave your right hand"
    _, got = graph
    deadline = time.monotonic() + 5
    while not got["accepted"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert got["accepted"][-1] == {"id": status[-1]["id"], "text": "wave your right hand", "said": "wave your right hand",
                                   "capabilities": ["wave_right"], "duration_s": None,
                                   "steps": [["wave your right hand", None]], "counts": [None]}


def test_paraphrase_goes_on_as_the_corpus_caption(graph):
    status = _send(graph, "hey robot, could you do 3 squats for me", 1)
    assert status and status[-1]["ok"] and status[-1]["caption"] == "squat three times"
    _, got = graph
    deadline = time.monotonic() + 5
    while got["accepted"][-1]["id"] != status[-1]["id"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert got["accepted"][-1]["text"] == "squat three times" and got["accepted"][-1]["counts"] == [3]


def test_refusal_names_the_closest_things_the_robot_can_do(graph):
    status = _send(graph, "do a backflip", 1)
    assert status and not status[-1]["ok"] and status[-1]["reason"] == "out_of_scope"
    assert len(status[-1]["suggestions"]) == 3 and status[-1]["kind"] == "acrobatics"


@pytest.mark.parametrize(
    "text, reason",
    [("", "empty"), ("x" * 10_000, "too_long"), ("挥动你的右手", "not_english"), ("please fetch my coffee", "out_of_scope"),
     ("stand on your left leg for half a minute", "duration_too_long"), ("do 50 squats", "too_many_actions")],
)
def test_bad_command_is_refused_and_not_forwarded(graph, text, reason):
    _, got = graph
    accepted_before = len(got["accepted"])
    status = _send(graph, text, 1)
    assert status and not status[-1]["ok"] and status[-1]["reason"] == reason
    assert "error" in status[-1] and status[-1]["stage"] == "command"
    time.sleep(0.3)
    assert len(got["accepted"]) == accepted_before  # nothing goes downstream
