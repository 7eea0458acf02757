"""The model can say no: motions are captioned by the LMM and refused when they show something else."""

import pytest
import torch

from humanoid_lmm.errors import GenerationError, MotionMismatch
from humanoid_lmm.lmm import MotionGenerator
from humanoid_lmm.lmm.refusal import CheckedGenerator, MotionCaptioner, capabilities_match

torch.set_num_threads(1)


def test_capabilities_match_in_order_with_extras():
    assert capabilities_match(("wave_right", "squat"), ("wave_right", "nod", "squat"))
    assert not capabilities_match(("wave_right", "squat"), ("squat", "wave_right"))
    assert not capabilities_match(("wave_left",), ("wave_right",))
    family = {"kick_left": "kick_*", "kick_right": "kick_*", "squat": "squat"}.__getitem__
    assert capabilities_match(("kick_left", "squat"), ("kick_*", "squat"), family)   # "a man kicks, then squats"
    assert not capabilities_match(("kick_left",), ("kick_*",))                       # without families: names only
    assert not capabilities_match(("kick_left",), ("kick_right",), family)           # a side said against it


@pytest.fixture(scope="module")
def checked():
    from humanoid_lmm.speech.gate import CommandGate

    return CheckedGenerator(MotionGenerator.from_pretrained(), CommandGate.load().reader, attempts=3)


def test_built_in_model_captions_what_it_made(checked):
    out = checked.generate_checked("wave your right hand", seed=0)
    assert "right" in out.caption.lower() and "wav" in out.caption.lower()
    assert out.motion.n_frames > 0 and 0 <= out.attempt < 3


def test_mismatch_is_refused_after_bounded_attempts(checked):
    calls = []
    real = checked.generator.sample_codes
    checked.generator.sample_codes = lambda *a, **k: calls.append(a) or real(*a, **k)
    try:
        with pytest.raises(MotionMismatch) as e:   # ask for a squat, expect a bow: every attempt mismatches
            checked.generate_checked("squat", seed=0, wanted=("bow",))
    finally:
        del checked.generator.sample_codes
    assert len(calls) == 3 and len(e.value.captions) == 3 and e.value.reason == "motion_mismatch"
    assert isinstance(e.value, GenerationError)   # callers that catch GenerationError keep working


def test_captioner_stops_within_its_budget(checked):
    codes = checked.generator.sample_codes("jump", seed=1)
    cap = MotionCaptioner(checked.generator.lmm, max_tokens=3)(codes)
    assert len(checked.generator.lmm.tokenizer(cap)["input_ids"]) <= 4


def test_chained_motions_continue_position_and_heading():
    import numpy as np

    from humanoid_lmm.lmm.chain import chain_motions
    from humanoid_lmm.motion import Motion
    from humanoid_lmm.motion.ops import heading

    T = 20
    rot = np.zeros((T, 22, 3))
    rot[:, 0, 2] = np.linspace(0, np.pi / 2, T)                 # turn left 90 deg on the spot
    root = np.tile([0.0, 0.0, 0.9], (T, 1))
    turn = Motion(20.0, root, rot, "turn left")
    walk_root = np.stack([np.linspace(0, 1, T), np.zeros(T), np.full(T, 0.9)], 1)   # 1 m along its own +x
    walk = Motion(20.0, walk_root, np.zeros((T, 22, 3)), "walk forward")
    both = chain_motions([turn, walk])
    assert both.n_frames == 2 * T and both.text == "turn left then walk forward"
    assert np.allclose(heading(both)[T:], np.pi / 2, atol=1e-6)        # the walk keeps the new heading
    assert np.allclose(both.root_pos[-1], [0.0, 1.0, 0.9], atol=1e-6)  # so it walks along +y


def test_actions_are_generated_one_by_one_and_joined(checked):
    out = checked.generate_steps([("wave your right hand", None), ("squat", None)], ("wave_right", "squat"), seed=0)
    assert len(out.segments) == 2 and sum(out.segments) == out.motion.n_frames
    assert " then " in out.caption


def test_counts_must_match_when_asked_for(checked):
    assert checked.shows("squat three times", "squat", "A man squats three times.")
    assert not checked.shows("squat three times", "squat", "A man squats twice.")
    assert checked.shows("squat", "squat", "A man squats twice.")        # no count asked: any
    assert not checked.shows("squat", "bow", "A man squats twice.")


def test_cli_generate_understands_and_refuses(tmp_path, capsys):
    from humanoid_lmm.lmm.cli import main

    assert main(["generate", "could you give me a wave with your left hand", "--understand", "-o",
                 str(tmp_path / "w.npz"), "--seed", "0"]) == 0
    assert "understood: 'wave with your left hand'" in capsys.readouterr().out
    assert main(["generate", "do a backflip", "--understand", "-o", str(tmp_path / "b.npz")]) == 1
    assert "can't do" in capsys.readouterr().err and not (tmp_path / "b.npz").exists()
