"""The committed checkpoint models/motionbook: loads, keeps the public contract, reconstructs well."""

from pathlib import Path

import numpy as np
import pytest

from humanoid_lmm.motion.synth import clip_for_index
from humanoid_lmm.tokenizer import load_motion_tokenizer, reconstruction_errors

MODEL = Path(__file__).resolve().parents[2] / "models" / "motionbook"


def test_committed_motionbook_contract_and_quality():
    tok = load_motion_tokenizer(MODEL)
    assert (tok.codebook_size, tok.num_parts, tok.downsample, tok.fps) == (1024, 6, 4, 20.0)
    # procedural clips the tokenizer never saw in training (a different corpus seed)
    errors = []
    for i in range(3):
        motion = clip_for_index(12345, i)[0]
        ids = tok.encode(motion)
        assert ids.shape == (-(-motion.n_frames // 4), 6) and ids.dtype == np.int64
        errors.append(reconstruction_errors(motion, tok.reconstruct(motion))["mpjpe_mm"])
    assert np.mean(errors) < 30.0, errors


# corpus primitives whose motion does not survive the committed tokenizer's round trip. The blind held-out
# paraphrase set of issue 17 found five (look around, nod, reach up, shake head, shrug: the head, the shoulder
# girdle and the rise onto the toes came back still); the 2026-12-04 tokenizer (rotation weight, docs/tokenizer.md)
# keeps four of them. A nod still comes back as no movement.
RECOVERED = ("look_around", "reach_up", "shake_head", "shrug")
LOST_IN_ROUND_TRIP = ("nod",)


def _single_clip(name: str):
    from humanoid_lmm.motion.synth.sample import sample_clip

    for seed in range(100, 120):
        motion, _, _, meta = sample_clip(np.random.default_rng(seed), primitives=[name])
        if meta["primitives"] == [name]:
            return motion
    raise AssertionError(f"no single-primitive clip of {name}")


@pytest.mark.parametrize("name", ["wave_right", "squat", "turn_left", "stand_on_left_leg", "clap", "salute", *RECOVERED]
                         + [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="tokenizer loses this motion"))
                            for n in LOST_IN_ROUND_TRIP])
def test_a_primitive_still_passes_its_check_after_the_round_trip(name):
    from humanoid_lmm.eval.behaviour import PRIMITIVE_CHECK, check_behaviour

    tok = load_motion_tokenizer(MODEL)
    motion = _single_clip(name)
    assert check_behaviour(PRIMITIVE_CHECK[name], motion).passed          # the corpus clip itself passes
    assert check_behaviour(PRIMITIVE_CHECK[name], tok.reconstruct(motion)).passed
