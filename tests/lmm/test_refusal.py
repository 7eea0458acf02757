"""The model can say no: motions are captioned by the LMM and refused when they show something else."""

import numpy as np
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


def test_counts_beyond_the_model_are_made_of_counted_chunks(checked):
    from humanoid_lmm.eval.behaviour import check_behaviour

    splitting = CheckedGenerator(checked.generator, checked.reader, attempts=3, repeat_above=4)
    out = splitting.generate_steps([("squat six times", None)], ("squat",), seed=0, counts=(6,))
    assert len(out.segments) == 1 and check_behaviour("squat", out.motion, 6).passed
    assert out.caption.count(" then ") == 1   # two chunks of three, each captioned with its count
    with pytest.raises(MotionMismatch):   # the counted caption alone: the model never shows six squats
        splitting.generate_steps([("squat six times", None)], ("squat",), seed=0)


def test_a_clip_that_cannot_show_one_repetition_is_not_used_one_at_a_time(checked):
    """"clap 8 times": a "clap once" clip claps twice (no corpus clip claps once), so eight of them clap 16
    times; chunks of four, each shown by its caption, clap 8."""
    from humanoid_lmm.eval.behaviour import check_behaviour

    chunks = CheckedGenerator(checked.generator, checked.reader, attempts=3, repeat_above=4)
    singles = CheckedGenerator(checked.generator, checked.reader, attempts=3, repeat_above=1)
    step = [("clap your hands 8 times", None)]
    assert check_behaviour("clap", chunks.generate_steps(step, ("clap",), seed=0, counts=(8,)).motion, 8).passed
    assert not check_behaviour("clap", singles.generate_steps(step, ("clap",), seed=0, counts=(8,)).motion, 8).passed


def test_a_planted_foot_stays_put_across_the_joins(checked):
    """Five knee raises made of two clips: the standing (right) foot's ankle stays within a few mm over
    the joined motion; without the lock it wanders by centimetres."""
    import numpy as np

    from humanoid_lmm.lmm.configuration_lmm import SamplingConfig
    from humanoid_lmm.lmm.generation import MotionGenerator
    from humanoid_lmm.motion import joint_index

    def wander(generator):
        made = CheckedGenerator(generator, checked.reader, attempts=3, repeat_above=4).generate_steps(
            [("raise your left knee five times", None)], ("knee_raise_left",), seed=0, counts=(5,)).motion
        ankle = made.positions()[:, joint_index("right_ankle"), :2]
        return float(np.linalg.norm(ankle - ankle[0], axis=-1).max())

    assert wander(checked.generator) < 0.005
    assert wander(MotionGenerator(checked.generator.lmm, SamplingConfig(foot_lock=False))) > 0.02


def test_a_count_the_caption_cannot_carry_repeats_the_action(checked):
    from humanoid_lmm.motion.ops import heading

    once = checked.generate_steps([("turn left", None)], ("turn_left",), seed=0).motion
    twice = checked.generate_steps([("turn left", None)], ("turn_left",), seed=0, counts=(2,)).motion
    def turned(m):
        h = np.unwrap(heading(m))
        return float(np.degrees(h[-1] - h[0]))

    assert turned(once) > 30 and turned(twice) > 1.6 * turned(once)   # joined on: the second turn adds to the first
    assert twice.n_frames > 1.5 * once.n_frames


def test_a_duration_of_a_movement_is_filled_with_clips_of_its_own_length(checked):
    filling = CheckedGenerator(checked.generator, checked.reader, attempts=3, fill_durations=True)
    out = filling.generate_steps([("clap your hands", 6.0)], ("clap",), seed=0)
    one = checked.generator.generate("clap your hands", seed=0)
    assert out.motion.n_frames % one.n_frames == 0 and out.motion.n_frames // one.n_frames >= 2
    assert abs(out.motion.duration_s - 6.0) <= one.duration_s / 2 + 1e-6
    held = filling.generate_steps([("stand on your left leg for four seconds", 4.0)], ("stand_on_left_leg",), seed=0)
    assert abs(held.motion.duration_s - 4.0) <= 0.15 * 4.0 + 0.2   # a held pose stays one clip of that length


def test_cli_generate_understands_and_refuses(tmp_path, capsys):
    from humanoid_lmm.lmm.cli import main

    assert main(["generate", "could you give me a wave with your left hand", "--understand", "-o",
                 str(tmp_path / "w.npz"), "--seed", "0"]) == 0
    assert "understood: 'wave with your left hand'" in capsys.readouterr().out
    assert main(["generate", "do a backflip", "--understand", "-o", str(tmp_path / "b.npz")]) == 1
    assert "can't do" in capsys.readouterr().err and not (tmp_path / "b.npz").exists()


def test_a_long_hold_is_a_clip_of_its_own_length_held_longer(checked):
    """"stand on your left leg for 10 seconds": forced to 10 s the model holds ~1.5 s and then does other
    things; a clip of its own length with its hold retimed holds for most of the 10 s."""
    from humanoid_lmm.eval.behaviour import check_behaviour

    step, want = [("stand on your left leg for 10 seconds", 10.0)], ("stand_on_left_leg",)
    retimed = CheckedGenerator(checked.generator, checked.reader, attempts=3, retime_holds=True)
    forced = CheckedGenerator(checked.generator, checked.reader, attempts=3, retime_holds=False)
    for seed in (0, 1):
        made = retimed.generate_steps(step, want, seed=seed).motion
        assert made.duration_s == pytest.approx(10.0, abs=0.06) and check_behaviour(want[0], made).passed
    assert not all(check_behaviour(want[0], forced.generate_steps(step, want, seed=s).motion).passed for s in (0, 1))


def test_quickly_is_a_clip_of_the_action_played_faster(checked):
    """"clap your hands quickly": the model's own fast clip mostly claps once; the normal clip played at the
    corpus's x1.45 claps as asked, in 1/1.45 of the time."""
    from humanoid_lmm.eval.behaviour import check_behaviour

    step, want = [("clap your hands quickly", None)], ("clap",)
    paced = CheckedGenerator(checked.generator, checked.reader, attempts=3, retime_speed=True)
    worded = CheckedGenerator(checked.generator, checked.reader, attempts=3, retime_speed=False)
    normal = checked.generator.generate("clap your hands", seed=0)
    fast = paced.generate_steps(step, want, seed=0).motion
    assert fast.duration_s == pytest.approx(normal.duration_s / 1.45, abs=0.1) and check_behaviour("clap", fast).passed
    assert not all(check_behaviour("clap", worded.generate_steps(step, want, seed=s).motion).passed for s in range(4))
