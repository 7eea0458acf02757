"""Kinematic behaviour checks on procedural ground truth: right behaviour passes, wrong ones fail."""
import numpy as np
import pytest

from humanoid_lmm.eval.behaviour import BEHAVIOURS, check_behaviour, count_peaks

# primitive of the procedural corpus -> behaviour check
PRIMITIVE_TO_CHECK = {
    "wave_right": "wave_right", "wave_left": "wave_left", "raise_right_arm": "raise_right_arm",
    "raise_left_arm": "raise_left_arm", "raise_both_arms": "raise_both_arms", "squat": "squat", "bow": "bow",
    "turn_left": "turn_left", "turn_right": "turn_right", "kick_left": "kick_left", "kick_right": "kick_right",
    "clap": "clap", "jump_in_place": "jump", "step_forward": "walk_forward", "step_back": "walk_backward",
    "step_left": "step_left", "step_right": "step_right", "punch_left": "punch_left", "punch_right": "punch_right",
}
# pairs that must NOT be confused (motion of the first, check of the second)
NEGATIVES = [("squat", "wave_right"), ("turn_left", "turn_right"), ("turn_right", "turn_left"),
             ("kick_left", "kick_right"), ("kick_right", "kick_left"), ("wave_right", "wave_left"),
             ("idle_stand", "squat"), ("idle_stand", "bow"), ("idle_stand", "jump"), ("idle_stand", "clap"),
             ("step_left", "step_right"), ("step_forward", "walk_backward"), ("bow", "squat"),
             ("raise_right_arm", "raise_left_arm"), ("punch_right", "punch_left"), ("squat", "jump")]


def clips(name: str, n: int, seed: int = 0):
    from humanoid_lmm.motion.synth.base import PRIMITIVES
    from humanoid_lmm.motion.synth.sample import build_clip

    rng = np.random.default_rng(seed)
    prim = PRIMITIVES[name]
    out = []
    for _ in range(n):
        p = prim.sample(rng)
        out.append((build_clip([(prim, p)]), p))
    return out


@pytest.mark.parametrize("prim,check", sorted(PRIMITIVE_TO_CHECK.items()))
def test_ground_truth_passes(prim, check):
    for motion, params in clips(prim, 3):
        res = check_behaviour(check, motion)
        assert res.passed, (prim, params, res.detail)


@pytest.mark.parametrize("prim,check", NEGATIVES)
def test_wrong_behaviour_fails(prim, check):
    for motion, params in clips(prim, 3, seed=1):
        res = check_behaviour(check, motion)
        assert not res.passed, (prim, params, res.detail)


@pytest.mark.parametrize("prim,check", [("squat", "squat"), ("jump_in_place", "jump")])
def test_repetitions_are_counted(prim, check):
    for motion, params in clips(prim, 3, seed=2):
        assert check_behaviour(check, motion, params["reps"]).passed
        assert not check_behaviour(check, motion, params["reps"] + 1).passed


def test_every_primitive_maps_to_a_known_check():  # command parsing: tests/eval/test_behaviour_parsing.py
    assert set(PRIMITIVE_TO_CHECK.values()) <= set(BEHAVIOURS)


def test_count_peaks():
    t = np.linspace(0, 2 * np.pi * 3, 300)
    assert count_peaks(np.sin(t), 0.5) == 3
    assert count_peaks(0.01 * np.sin(t), 0.5) == 0


def test_select_commands_keeps_the_order_asked_and_names_unknown_ones():
    from humanoid_lmm.lmm.evaluate import BEHAVIOUR_COMMANDS, select_commands

    assert select_commands(None) == select_commands("") == BEHAVIOUR_COMMANDS
    rows = select_commands(" clap twice, squat twice ")
    assert [r[0] for r in rows] == ["clap twice", "squat twice"] and rows[1][1:] == ("squat", 2)
    with pytest.raises(ValueError, match="'dance'"):
        select_commands("squat,dance")


def test_primitive_table_asks_every_corpus_primitive_by_its_caption_and_checks_it_with_its_own_check():
    from humanoid_lmm.eval.behaviour import PRIMITIVE_CHECK
    from humanoid_lmm.lmm.evaluate import primitive_commands

    rows = primitive_commands()
    assert len(rows) == len(PRIMITIVE_CHECK) == 42 and {r[1] for r in rows} == set(PRIMITIVE_CHECK.values())
    assert ("nod", "nod", None) in rows and len({r[0] for r in rows}) == 42   # one caption each, no two alike
