"""The committed checkpoint models/motionbook: loads, keeps the public contract, reconstructs well."""

from pathlib import Path

import numpy as np

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
