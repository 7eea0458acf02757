"""The confirmation gate over ROS: `humanoid-lmm confirm ID` (a separate process) releases a held plan;
an unconfirmed plan expires and is never released; a rejection from another node stops it."""

import os
import subprocess
import sys
import threading
import time

import pytest

pytestmark = [pytest.mark.ros]


@pytest.fixture(scope="module")
def holder(ros):
    from rclpy.node import Node

    from humanoid_lmm.control.confirmation import ConfirmationGate
    from humanoid_lmm.ros.confirmation import ConfirmationListener

    node = ros.add(Node("confirm_holder", context=ros.context))
    return ConfirmationListener(node, ConfirmationGate(timeout_s=60.0))


def _wait_in_thread(listener, plan_id):
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("released", listener.wait(plan_id)), daemon=True)
    t.start()
    return t, out


def _cli(*args):
    env = {**os.environ, "ROS_DOMAIN_ID": str(os.getpid() % 100 + 100)}  # the `ros` fixture's domain
    return subprocess.run([sys.executable, "-m", "humanoid_lmm.cli", "confirm", *args, "--timeout", "20"],
                          env=env, capture_output=True, text=True, timeout=60)


def test_cli_confirmation_releases_the_held_plan(holder):
    holder.hold("100.000000001")
    t, out = _wait_in_thread(holder, "100.000000001")
    time.sleep(0.3)
    assert out == {}  # still held: nobody confirmed yet
    r = _cli("100.000000001")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "confirmed" in r.stdout
    t.join(timeout=5)
    assert out == {"released": True}
    assert holder.gate.release("100.000000001", holder.clock()) is False  # released once only


def test_unconfirmed_plan_expires_and_is_never_released(holder):
    holder.hold("100.000000002", timeout_s=2.0)
    started = time.monotonic()
    t, out = _wait_in_thread(holder, "100.000000002")
    t.join(timeout=10)
    assert out == {"released": False} and 1.9 < time.monotonic() - started < 6.0
    r = _cli("100.000000002")  # too late
    assert r.returncode == 1 and "expired" in r.stdout


def test_rejection_from_another_node_stops_the_plan(holder):
    from humanoid_lmm.ros.confirmation import send_confirmation

    holder.hold("100.000000003")
    t, out = _wait_in_thread(holder, "100.000000003")
    assert send_confirmation("100.000000003", reject=True, domain_id=os.getpid() % 100 + 100) == "rejected"
    t.join(timeout=5)
    assert out == {"released": False}
    assert send_confirmation("100.000000003", domain_id=os.getpid() % 100 + 100) == "rejected"  # cannot overturn
