"""Bridge + simulated robot over real DDS (cyclonedds, loopback), real MuJoCo, one random domain per test process.

The simulated robot runs in its own process (sim_process.py), as the real robot does, standing free on the
floor; the bridge (executor: stand policy + safety filter) runs here. Falls are measured on the simulated pelvis.
"""

import time

import numpy as np
import pytest

from humanoid_lmm.control.dds import init_dds, open_publisher
from humanoid_lmm.control.messages import TOPIC_LOWCMD, JointCommand, command_types, fill_command, new_command
from humanoid_lmm.control.unitree_bridge import UnitreeBridge
from humanoid_lmm.errors import SafetyError

from control_domain import DOMAIN  # noqa: E402  (pytest puts tests/control on sys.path)
from humanoid_lmm.control.sim_process import SimRobotProcess

pytestmark = pytest.mark.dds


def wait_for(pred, timeout_s, poll_s=0.001):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if pred():
            return time.monotonic() - t0
        time.sleep(poll_s)
    return None


@pytest.fixture
def sim(g1, control, request):
    """The simulated robot, free-standing (``parametrize("sim", ["gantry"], indirect=True)``: on its gantry)."""
    s = SimRobotProcess(g1.name, control, DOMAIN, "lo", base=getattr(request, "param", None))
    yield s
    s.close()


@pytest.fixture
def bridge(g1, control, execution, sim):
    b = UnitreeBridge(g1, control, "lowcmd", DOMAIN, "lo", motion_switcher=False, execution=execution, trace=20000)
    b.start()
    yield b
    b.close()


def _run(bridge, plan, timeout_s=20.0):
    bridge.play(plan)
    assert wait_for(lambda: not bridge.executor.busy, timeout_s, 0.01) is not None, bridge.phase


def test_stand_policy_holds_the_free_robot_and_a_plan_soft_starts(g1, bridge, sim, wave):
    z0 = sim.base[2]
    plan = wave(g1, seconds=1.0, amp=0.0, offset=0.4)  # first target 0.4 rad away on 4 arm joints
    q0 = sim.q.copy()
    _run(bridge, plan)
    _, _, q_sent, _ = zip(*list(bridge.trace))  # list(deque) copies atomically (the bridge thread appends)
    q_sent = np.array(q_sent)
    arms = [g1.joint_index(n) for n in ("left_shoulder_pitch_joint", "left_elbow_joint")]
    assert np.max(np.abs(q_sent[:20, arms] - q0[arms])) < 0.1  # starts where the arms were
    steps = np.abs(np.diff(q_sent[:, arms], axis=0))
    assert np.max(steps) < 0.06  # no jump: < 0.06 rad per 20 ms controller step (3 rad/s)
    assert np.max(q_sent[:, arms[0]]) - q0[arms[0]] > 0.3  # the plan's offset was reached
    assert bridge.damping is None and sim.stats()["lowcmd_ok"] > 100
    assert abs(sim.base[2] - z0) < 0.05  # still standing on the floor (ground truth)


@pytest.fixture
def validated_wave(g1, wave, execution):
    """Validated before the robot and the bridge start (validation takes the CPU the 500 Hz loops need)."""
    from humanoid_lmm.sim import validate

    plan = wave(g1, seconds=3.0, amp=0.2, freq=0.5)
    report = validate(plan, execution=execution)
    assert report.passed, str(report)
    return plan


def test_without_the_policy_the_free_robot_falls(g1, control, execution, sim):
    """The upright result comes from the controller: switched off (plain PD at the deploy gains), the same
    free-standing simulated robot is on the floor within seconds (its pelvis, ground truth)."""
    z0 = sim.base[2]
    b = UnitreeBridge(g1, control, "lowcmd", DOMAIN, "lo", motion_switcher=False, execution=execution,
                      free_standing=False, controller_override="pd")  # free_standing=False: let it start
    b.start()
    try:
        assert wait_for(lambda: sim.base[2] < z0 - 0.3, 5.0, 0.05) is not None, sim.base
    finally:
        b.close()


def test_validated_plan_streams_with_zero_clips(g1, validated_wave, bridge, sim):
    plan = validated_wave
    before = {k: v for k, v in bridge.events.counters().items() if k.startswith("clip_")}
    _run(bridge, plan)
    after = {k: v for k, v in bridge.events.counters().items() if k.startswith("clip_")}
    assert after == before == {}, after
    errs = np.array([t[2] for t in list(bridge.trace)])  # list(deque): an atomic copy
    assert np.ptp(errs[:, g1.joint_index("left_elbow_joint")]) > 0.35  # the wave really moved (0..0.4 rad)


@pytest.mark.parametrize("sim", ["gantry"], indirect=True)  # damped, a free robot goes down: hang it up
def test_estop_gives_damping_within_50ms_latches_and_resets_only_at_rest(g1, bridge, sim, wave):
    bridge.play(wave(g1, seconds=3.0))
    time.sleep(0.8)
    bridge.estop("test button")
    dt = wait_for(lambda: np.all(sim.applied.kp == 0) and np.all(sim.applied.kd > 0), 1.0)
    assert dt is not None and dt < 0.05, dt
    assert bridge.phase == "damping" and bridge.events.count("estop") == 1
    assert np.all(bridge.last_sent.kp == 0)  # still damping: latched
    with pytest.raises(SafetyError):
        bridge.play(wave(g1))
    assert wait_for(lambda: np.max(np.abs(bridge.state.dq)) < 0.2, 10.0, 0.05) is not None
    bridge.reset()
    assert wait_for(lambda: np.all(sim.applied.kp > 0), 0.5) is not None


def test_reset_is_refused_while_the_damped_robot_goes_down(g1, bridge, sim):
    bridge.estop("test")
    assert wait_for(lambda: sim.base[2] < 0.6, 5.0, 0.05) is not None  # free-standing and limp: it sinks
    with pytest.raises(SafetyError, match="not at rest and upright"):
        bridge.reset()
    assert bridge.damping == "estop"


def test_lost_robot_state_gives_watchdog_damping(g1, bridge, sim, control):
    time.sleep(0.3)
    sim.stop()  # the robot goes silent: no rt/lowstate
    t_stop = time.monotonic()
    assert wait_for(lambda: bridge.damping == "watchdog_state" and np.all(bridge.last_sent.kp == 0), 1.0) is not None
    dt = time.monotonic() - t_stop
    assert dt < control.watchdog.state_timeout_s + 0.05, dt
    assert np.all(bridge.last_sent.kp == 0) and np.all(bridge.last_sent.kd > 0)


def test_controller_exception_ends_in_damping_not_a_stale_command(g1, bridge, sim):
    def broken(state, ref):
        raise RuntimeError("injected controller fault")

    bridge.executor.stand.step = broken
    assert wait_for(lambda: bridge.damping == "tick_exception", 1.0) is not None
    assert bridge.loop.running  # the loop lives on, sending damping
    assert wait_for(lambda: np.all(sim.applied.kp == 0) and np.all(sim.applied.kd > 0), 0.5) is not None


def test_plan_the_transport_cannot_run_is_refused(g1, bridge, wave):
    plan = wave(g1)
    with pytest.raises(SafetyError, match="gantry"):
        bridge.play(plan.replace(assist="gantry"))
    with pytest.raises(SafetyError, match="plan is for 'h1'"):
        bridge.play(plan.replace(reference=plan.reference.replace(robot="h1")))


def test_arm_sdk_blends_over_the_built_in_stand_in(g1, control, execution, sim, wave):
    """rt/arm_sdk: no release, the simulated built-in controller (the stand policy) keeps the robot up while the
    arms follow; the weight ramps in and back out, and a whole-body plan is refused."""
    b = UnitreeBridge(g1, control, "arm_sdk", DOMAIN, "lo", execution=execution, trace=5000)
    b.start()
    try:
        z0 = sim.base[2]
        with pytest.raises(SafetyError, match="upper_body plans only"):
            b.play(wave(g1).replace(mode="locomotion", velocity=np.zeros((wave(g1).reference.n_frames, 3))))
        b.play(wave(g1, seconds=2.0, amp=0.3, freq=0.5))
        elbow = g1.joint_index("left_elbow_joint")
        seen = []
        while b.executor.busy:
            seen.append((sim.applied.weight, sim.q[elbow]))
            time.sleep(0.02)
        w = np.array([s[0] for s in seen])
        q = np.array([s[1] for s in seen])
        assert w.max() == pytest.approx(1.0) and w[0] < 0.5 and w[-1] < 0.3  # ramped in and out (the sim lags ~20 ms)
        assert np.ptp(q) > 0.4  # the arm followed rt/arm_sdk through the blend
        assert sim.stats()["arm_sdk_ok"] > 50 and sim.stats()["lowcmd_ok"] == 0  # nothing on rt/lowcmd
        assert abs(sim.base[2] - z0) < 0.05
    finally:
        b.close()


def test_corrupted_crc_and_wrong_mode_machine_are_rejected(g1, sim):
    init_dds(DOMAIN, "lo")  # no bridge in this test: the test process writes rt/lowcmd itself
    cmd_t, _ = command_types(g1)
    pub = open_publisher(TOPIC_LOWCMD, cmd_t)
    n = g1.num_joints
    bad_q = np.full(n, 0.7)
    c = JointCommand(bad_q, np.zeros(n), np.zeros(n), g1.kp, g1.kd, mode_machine=sim.mode_machine)
    msg = new_command(g1)
    fill_command(g1, msg, c)
    msg.crc ^= 0x1  # corrupt
    for _ in range(20):
        pub.Write(msg)
        time.sleep(0.005)
    c.mode_machine = sim.mode_machine + 1
    fill_command(g1, msg, c)  # valid CRC, wrong mode_machine
    for _ in range(20):
        pub.Write(msg)
        time.sleep(0.005)
    assert wait_for(lambda: sim.stats()["rejected_mode_machine"] >= 15, 2.0) is not None
    st = sim.stats()
    assert st["rejected_crc"] >= 15 and st["lowcmd_ok"] == 0, st
    assert not np.allclose(sim.applied.q, 0.7)
    c.mode_machine = sim.mode_machine
    fill_command(g1, msg, c)  # a valid one is accepted (the check is not "reject everything")
    pub.Write(msg)
    assert wait_for(lambda: sim.stats()["lowcmd_ok"] >= 1, 1.0) is not None


def test_second_publisher_is_detected(g1, bridge, control, execution):
    other = UnitreeBridge(g1, control, "lowcmd", DOMAIN, "lo", motion_switcher=False, execution=execution)
    with pytest.raises(SafetyError, match="another process"):
        other.start()
    assert other.events.count("second_publisher") == 1
