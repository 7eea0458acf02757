"""A real plan without the motion model: the procedural wave -> retarget -> validation with an ExecutionLog."""

import numpy as np
import pytest


class WaveGenerator:
    """Stands in for lmm.MotionGenerator (same generate() signature): the procedural right-hand wave."""

    def generate(self, text, duration_s=None, seed=None):
        from humanoid_lmm.motion.synth import PRIMITIVES, build_clip

        wave = PRIMITIVES["wave_right"]
        return build_clip([(wave, wave.sample(np.random.default_rng(seed or 0)))])


@pytest.fixture(scope="session")
def wave_plan():
    from humanoid_lmm.preview.plan import plan_from_text

    return plan_from_text("wave your right hand", robot="g1", generator=WaveGenerator(), repair=True)
