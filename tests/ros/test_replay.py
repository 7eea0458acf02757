"""A recording (written the recorder's way) replays as preview plans: text, motion, plan, verdict, execution."""

import json

import numpy as np
import pytest

pytestmark = [pytest.mark.ros]

ID = "1700000000.000000042"


def _write_recording(path):
    from rclpy.serialization import serialize_message
    from std_msgs.msg import String

    from humanoid_lmm.motion.synth import PRIMITIVES, build_clip
    from humanoid_lmm.retarget import retarget
    from humanoid_lmm.ros import topics
    from humanoid_lmm.ros.base import id_stamp
    from humanoid_lmm.retarget import plan_execution
    from humanoid_lmm.ros.convert import joint_state_msg, motion_to_msg, plan_to_msg
    from humanoid_lmm.ros.mcap_bag import McapBagWriter
    from humanoid_lmm.ros.recorder import RECORDED_TOPICS, qos_yaml

    wave = PRIMITIVES["wave_right"]
    motion = build_clip([(wave, wave.sample(np.random.default_rng(0)))]).slice(0, 40)
    traj = retarget(motion, robot="g1", fps=20)
    t0 = 1_700_000_000 * 10**9
    types = {t: ty for t, ty, _ in RECORDED_TOPICS}
    with McapBagWriter(path) as bag:
        for t, ty, p in RECORDED_TOPICS:
            bag.add_topic(t, ty, qos_yaml(p))

        def put(topic, msg, dt_s):
            bag.write(topic, types[topic], serialize_message(msg), t0 + int(dt_s * 1e9))

        status = lambda **s: String(data=json.dumps({"id": ID, "ok": True, **s}))  # noqa: E731
        put(topics.ACCEPTED, String(data=json.dumps({"id": ID, "text": "wave your right hand"})), 0.0)
        put(topics.MOTION, motion_to_msg(motion, stamp=id_stamp(ID)), 0.1)
        plan = plan_execution(traj)
        put(topics.RETARGETED, plan_to_msg(plan, stamp=id_stamp(ID)), 0.2)
        put(topics.VALIDATED, plan_to_msg(plan, stamp=id_stamp(ID)), 0.25)
        put(topics.STATUS, status(stage="validate", robot="g1", verdict="pass", mode="upper_body", repairs=["x"]), 0.3)
        put(topics.STATUS, status(stage="stream", done=False), 1.0)
        for k in range(50):  # 1 s at 50 Hz of "measured" joint states lagging the targets
            q = traj.q[min(k * 20 // 50, traj.n_frames - 1)]
            put(topics.TARGETS, joint_state_msg(traj.joint_names, q), 1.0 + k * 0.02)
            put(topics.JOINT_STATES, joint_state_msg(traj.joint_names, q - 0.01, effort=np.full(29, 2.0)), 1.01 + k * 0.02)
        put(topics.STATUS, status(stage="stream", done=True), 2.0)
    return motion, plan.reference


def test_recording_replays_as_a_preview_plan(tmp_path):
    from humanoid_lmm.ros.replay import plans_from_recording

    motion, traj = _write_recording(tmp_path / "run.mcap")
    (plan,) = plans_from_recording(tmp_path / "run.mcap")
    assert plan.plan_id == ID and plan.text == "wave your right hand" and plan.robot == "g1"
    assert (plan.verdict, plan.mode) == ("pass", "upper_body") and "repair: x" in plan.notes
    assert np.allclose(plan.motion.root_pos, motion.root_pos, atol=1e-9)
    # the validated plan as it was sent: joints and base
    assert np.allclose(plan.trajectory.q, traj.q) and np.allclose(plan.trajectory.root_pos, traj.root_pos)
    log = plan.execution
    assert log is not None and 45 <= log.n_steps <= 50 and 0.0 < log.times[0] < 0.05 and log.times[-1] < 1.0
    assert np.allclose(log.q_ref - log.q, 0.01, atol=1e-9)  # measured vs the latest target sent before it
    assert np.allclose(log.tau, 2.0) and log.qpos.shape == (log.n_steps, 0)


def test_replay_cli_lists_the_plans(tmp_path, capsys):
    from humanoid_lmm.cli import main

    _write_recording(tmp_path / "run.mcap")
    assert main(["replay", str(tmp_path / "run.mcap"), "--list"]) == 0
    out = capsys.readouterr().out
    assert ID in out and "wave your right hand" in out and "pass" in out
