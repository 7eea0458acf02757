"""Settings every test process shares.

HUMANOID_LMM_TEST_DOMAIN: the one DDS domain of this test process (unitree_sdk2py's ChannelFactory is a process
singleton, so every in-process DDS test must use the same one). Random in 200-229, away from the domains the
graph tests give their subprocesses, so parallel runs on one machine don't mix.

Fixtures `g1`, `h1`: the robot configs (session-wide; they are read-only).
"""

import os
import random

import pytest

os.environ.setdefault("HUMANOID_LMM_TEST_DOMAIN", str(random.randint(200, 229)))


@pytest.fixture(scope="session")
def g1():
    from humanoid_lmm.robots import load_robot_config

    return load_robot_config("g1")


@pytest.fixture(scope="session")
def h1():
    from humanoid_lmm.robots import load_robot_config

    return load_robot_config("h1")
