"""Recording the graph's topics to MCAP and reading it back with the mcap reader (schemas, counts, decoding)."""

import json
import time

import numpy as np
import pytest
import yaml

pytestmark = [pytest.mark.ros]

N_STATES = 20


def _motion():
    from humanoid_lmm.motion.synth import PRIMITIVES, build_clip

    wave = PRIMITIVES["wave_right"]
    return build_clip([(wave, wave.sample(np.random.default_rng(0)))]).slice(0, 12)


def _publish_one_of_each(ros):
    """Publish like the graph does (same QoS): 1 per topic, N_STATES joint states; returns what was sent."""
    from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
    from rclpy.node import Node
    from std_msgs.msg import Bool, String

    from humanoid_lmm.robots import RobotTrajectory, load_robot_config
    from humanoid_lmm.ros import topics
    from humanoid_lmm.ros.convert import joint_state_msg, motion_to_msg, trajectory_to_msg
    from humanoid_lmm.ros.recorder import RECORDED_TOPICS, message_class

    node = ros.add(Node("recorder_test_pub", context=ros.context))
    profiles = {t: (message_class(ty), p) for t, ty, p in RECORDED_TOPICS}
    pubs = {t: node.create_publisher(cls, t, p) for t, (cls, p) in profiles.items()}
    deadline = time.monotonic() + 15
    while any(p.get_subscription_count() == 0 for p in pubs.values()):
        assert time.monotonic() < deadline, "recorder did not subscribe every topic"
        time.sleep(0.05)
    time.sleep(0.3)
    cfg = load_robot_config("g1")
    traj = RobotTrajectory.standing(cfg, seconds=0.2)
    motion = _motion()
    sent = {
        topics.COMMAND: String(data="wave your right hand"),
        topics.STATUS: String(data=json.dumps({"id": "1.000000002", "stage": "validate", "ok": True})),
        topics.MOTION: motion_to_msg(motion),
        topics.RETARGETED: trajectory_to_msg(traj),
        topics.VALIDATED: trajectory_to_msg(traj, with_base=False),
        topics.DIAGNOSTICS: DiagnosticArray(status=[DiagnosticStatus(name="humanoid_lmm/streamer", message="hold",
                                                                     values=[KeyValue(key="clips", value="3")])]),
        topics.ESTOP: Bool(data=True),
        topics.CONFIRM: String(data="1.000000002"),
    }
    for topic, msg in sent.items():
        pubs[topic].publish(msg)
    for k in range(N_STATES):
        pubs[topics.JOINT_STATES].publish(joint_state_msg(cfg.joint_names, cfg.default_q + 0.01 * k, effort=np.ones(29)))
        time.sleep(0.01)
    return sent, motion, traj, node


@pytest.mark.parametrize("layout", ["file", "bag_folder"])
def test_recording_round_trips_through_the_mcap_reader(ros, tmp_path, layout):
    from mcap.reader import make_reader

    from humanoid_lmm.ros import topics
    from humanoid_lmm.ros.convert import msg_to_motion, msg_to_trajectory
    from humanoid_lmm.ros.mcap_bag import read_messages, resolve_bag_file
    from humanoid_lmm.ros.recorder import RECORDED_TOPICS, RecorderNode

    out = tmp_path / ("out.mcap" if layout == "file" else "bag")
    recorder = ros.add(RecorderNode(out, context=ros.context))
    sent, motion, traj, pub_node = _publish_one_of_each(ros)
    expected = {t: 1 for t in sent} | {topics.JOINT_STATES: N_STATES}
    deadline = time.monotonic() + 15
    try:
        while any(recorder.bag.counts[t] < n for t, n in expected.items()):
            assert time.monotonic() < deadline, f"recorded {recorder.bag.counts}, expected {expected}"
            time.sleep(0.05)
    finally:  # pass or fail, neither node outlives the test (a left recorder would answer the next test's publisher)
        for node in (recorder, pub_node):  # the publisher too: its latched plans would reach the next test
            ros.executor.remove_node(node)
            ros.nodes.remove(node)
            time.sleep(0.2)  # the executor drops the node from its wait set before the node goes
            node.destroy_node()  # the recorder finishes its file

    path = resolve_bag_file(out)
    with open(path, "rb") as f:
        reader = make_reader(f)
        header, summary = reader.get_header(), reader.get_summary()
        metadata = {m.name: m.metadata for m in reader.iter_metadata()}
    assert header.profile == "ros2"
    channels = {c.topic: c for c in summary.channels.values()}
    types = {t: ty for t, ty, _ in RECORDED_TOPICS}
    assert set(channels) == set(types)  # every graph topic has a channel, even the silent ones
    for topic, ch in channels.items():
        schema = summary.schemas[ch.schema_id]
        assert (ch.message_encoding, schema.encoding, schema.name) == ("cdr", "ros2msg", types[topic])
        assert "reliability:" in ch.metadata["offered_qos_profiles"]
    counts = {channels_topic: 0 for channels_topic in channels}
    for cid, n in summary.statistics.channel_message_counts.items():
        counts[summary.channels[cid].topic] = n
    assert {t: counts[t] for t in expected} == expected
    assert "rosbag2" in metadata and "serialized_metadata" in metadata["rosbag2"]
    if layout == "bag_folder":
        info = yaml.safe_load((out / "metadata.yaml").read_text())["rosbag2_bagfile_information"]
        assert info["storage_identifier"] == "mcap" and info["relative_file_paths"] == [path.name]
        assert info["message_count"] == sum(expected.values())

    decoded = {}
    for topic, msg, _ in read_messages(path):
        decoded.setdefault(topic, msg)
    assert decoded[topics.COMMAND].data == "wave your right hand"
    assert json.loads(decoded[topics.STATUS].data)["stage"] == "validate"
    assert np.allclose(msg_to_motion(decoded[topics.MOTION]).root_pos, motion.root_pos)
    back = msg_to_trajectory(decoded[topics.RETARGETED], "g1")
    assert np.allclose(back.q, traj.q) and np.allclose(back.root_pos, traj.root_pos)
    assert len(decoded[topics.VALIDATED].joint_names) == 29
    js = decoded[topics.JOINT_STATES]
    assert list(js.name)[0] == "left_hip_pitch_joint" and len(js.position) == 29 and js.effort[0] == 1.0
    assert decoded[topics.DIAGNOSTICS].status[0].values[0].value == "3"
    assert decoded[topics.ESTOP].data is True
    assert decoded[topics.CONFIRM].data == "1.000000002"


def test_up_record_adds_the_recorder_process():
    from pathlib import Path

    from humanoid_lmm.ros.launcher import LaunchArgs, graph_commands

    cmds = dict(graph_commands(LaunchArgs(mode="sim", record="runs/x.mcap")))
    argv = cmds["recorder"]
    assert "humanoid_lmm.ros.recorder" in argv and str(Path("runs/x.mcap").resolve()) in argv
    assert "recorder" not in dict(graph_commands(LaunchArgs(mode="sim")))
    for argv in cmds.values():
        for arg in argv:
            if "humanoid_lmm_launch_" in arg:
                Path(arg).unlink(missing_ok=True)


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_recorder_process_finishes_its_file_when_the_launcher_stops_it(ros, tmp_path, sig):
    import os
    import signal
    import subprocess
    import sys

    from mcap.reader import make_reader
    from rclpy.node import Node
    from std_msgs.msg import String

    from humanoid_lmm.ros import qos, topics

    out = tmp_path / "up.mcap"
    env = {**os.environ, "ROS_DOMAIN_ID": str(os.getpid() % 100 + 100)}  # the `ros` fixture's domain
    proc = subprocess.Popen([sys.executable, "-m", "humanoid_lmm.ros.recorder", "--output", str(out)], env=env,
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    node = ros.add(Node(f"recorder_proc_pub_{sig.lower()}", context=ros.context))
    pub = node.create_publisher(String, topics.STATUS, qos.STATUS)
    try:
        deadline = time.monotonic() + 60
        while pub.get_subscription_count() == 0:
            assert proc.poll() is None and time.monotonic() < deadline, "recorder process did not subscribe"
            time.sleep(0.1)
        time.sleep(0.5)
        for k in range(5):
            pub.publish(String(data=json.dumps({"id": "1.0", "stage": "command", "k": k})))
            time.sleep(0.05)
        time.sleep(1.0)
        os.killpg(proc.pid, getattr(signal, sig))
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    with open(out, "rb") as f:
        summary = make_reader(f).get_summary()  # a finished file: summary + footer present
    counts = {summary.channels[c].topic: n for c, n in summary.statistics.channel_message_counts.items()}
    assert counts[topics.STATUS] == 5


def test_a_recorder_alone_does_not_make_the_graph_look_ready(ros, tmp_path, monkeypatch):
    """The recorder subscribes every stage input; `humanoid-lmm say` must still wait for the stages."""
    import os

    import rclpy

    from humanoid_lmm.ros.client import send_command
    from humanoid_lmm.ros.recorder import RecorderNode

    recorder = ros.add(RecorderNode(tmp_path / "alone.mcap", context=ros.context))
    monkeypatch.setenv("ROS_DOMAIN_ID", str(os.getpid() % 100 + 100))  # the `ros` fixture's domain
    try:
        with pytest.raises(TimeoutError, match="no node subscribes"):
            next(send_command("wave your right hand", timeout=1.0, discovery_timeout=3.0))
    finally:
        if rclpy.ok():
            rclpy.shutdown()
        ros.executor.remove_node(recorder)
        ros.nodes.remove(recorder)
        recorder.destroy_node()
    assert recorder.bag.counts["/humanoid/command"] == 0  # nothing was published into the void
