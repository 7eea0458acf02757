"""The installed environment is the one the README promises (issue #2 'done when')."""

import importlib
import subprocess
import sys
import time

import pytest


@pytest.mark.parametrize(
    "module", ["rclpy", "pinocchio", "mujoco", "unitree_sdk2py", "transformers", "smplx", "tokenizers",
               "safetensors", "qpsolvers", "proxsuite", "pocketsphinx", "cyclonedds", "torch", "scipy"]
)
def test_import(module):
    importlib.import_module(module)


def test_torch_is_the_pinned_cpu_build():
    import torch

    assert torch.__version__.split("+")[0] == "2.13.0"


def test_unitree_idl_types():
    from unitree_sdk2py.idl.unitree_go.msg.dds_ import LowCmd_ as GoLowCmd
    from unitree_sdk2py.idl.unitree_hg.msg.dds_ import LowCmd_ as HgLowCmd
    from unitree_sdk2py.utils.crc import CRC

    assert {"mode_pr", "mode_machine", "motor_cmd", "crc"} <= set(HgLowCmd.__annotations__)
    assert {"head", "level_flag", "motor_cmd", "crc"} <= set(GoLowCmd.__annotations__)
    assert callable(CRC().Crc)


def test_no_ros_import_outside_ros_subpackage():
    """The library imports rclpy only in humanoid_lmm.ros (checked on a fresh interpreter)."""
    code = (
        "import sys, pkgutil, importlib, humanoid_lmm\n"
        "for m in pkgutil.walk_packages(humanoid_lmm.__path__, 'humanoid_lmm.'):\n"
        "    if '.ros' in m.name or m.name.endswith('.cli'): continue\n"
        "    importlib.import_module(m.name)\n"
        "print('rclpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.ros
def test_rclpy_publish_subscribe_round_trip():
    import rclpy
    from rclpy.node import Node
    from std_msgs.msg import String

    rclpy.init()
    try:
        node = Node("env_check")
        got = []
        node.create_subscription(String, "env_check_topic", lambda m: got.append(m.data), 10)
        pub = node.create_publisher(String, "env_check_topic", 10)
        deadline = time.monotonic() + 10.0
        while not got and time.monotonic() < deadline:
            pub.publish(String(data="ping"))
            rclpy.spin_once(node, timeout_sec=0.05)
        assert got and got[0] == "ping"
        node.destroy_node()
    finally:
        rclpy.shutdown()
