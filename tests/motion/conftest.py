"""Shared fixtures for the motion tests: small random but valid motions (CPU, milliseconds)."""

from __future__ import annotations

import numpy as np
import pytest

from humanoid_lmm.motion import REST_PELVIS_HEIGHT, Motion


def make_random_motion(n_frames: int = 40, seed: int = 0, fps: float = 20.0, scale: float = 0.6) -> Motion:
    """A smooth-ish random motion: random-walk pelvis, random joint rotations of ~``scale`` rad."""
    rng = np.random.default_rng(seed)
    root = np.cumsum(rng.normal(scale=0.02, size=(n_frames, 3)), axis=0) + [0.3, -0.2, REST_PELVIS_HEIGHT]
    rot = rng.normal(scale=scale, size=(n_frames, 22, 3))
    rot[:, 0] += np.linspace(0, 2.5, n_frames)[:, None] * np.array([0.1, 0.2, 1.0])  # turning pelvis
    return Motion(fps, root, rot, text="random test motion")


@pytest.fixture
def random_motion() -> Motion:
    return make_random_motion()


@pytest.fixture
def motion_factory():
    """The :func:`make_random_motion` builder, for tests that need several motions."""
    return make_random_motion
