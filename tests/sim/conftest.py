"""Shared fixtures: robot configs, the synthetic motions of humanoid_lmm.sim.samples, and their plans."""

import pytest

from humanoid_lmm.retarget import plan_execution
from humanoid_lmm.robots import load_robot_config
from humanoid_lmm.sim.samples import make_sample


@pytest.fixture(scope="session", params=["g1", "h1"])
def cfg(request):
    return load_robot_config(request.param)


@pytest.fixture(scope="session")
def sample():
    return make_sample


@pytest.fixture(scope="session")
def plan_of():
    """plan_of(trajectory, mode=None): the planner's ExecutionPlan (or one with a forced mode)."""
    return lambda traj, mode=None: plan_execution(traj, mode=mode, why="test" if mode else "")
