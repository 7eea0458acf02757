"""Shared fixtures: robot configs and the synthetic motions of humanoid_lmm.sim.samples."""

import pytest

from humanoid_lmm.robots import load_robot_config
from humanoid_lmm.sim.samples import make_sample


@pytest.fixture(scope="session", params=["g1", "h1"])
def cfg(request):
    return load_robot_config(request.param)


@pytest.fixture(scope="session")
def g1():
    return load_robot_config("g1")


@pytest.fixture(scope="session")
def sample():
    return make_sample
