"""Strict behaviour checks on ground-truth corpus clips: a check per primitive, each passing on its own
primitive (diagonal >= 0.95) and failing on every other one (off-diagonal <= 0.05), counts exact."""
import numpy as np
import pytest

from humanoid_lmm.eval.behaviour import BEHAVIOURS, PRIMITIVE_CHECK, check_behaviour
from humanoid_lmm.eval.kinematics import BodySignals
from humanoid_lmm.motion.synth import PRIMITIVES, build_clip

CLIPS_PER_PRIMITIVE = 20


def _signals(name: str, rng, reps: int | None = None):
    prim = PRIMITIVES[name]
    params = prim.sample(rng)
    if reps is not None:
        params["reps"] = reps
    return BodySignals.of(build_clip([(prim, params)])), params


@pytest.fixture(scope="module")
def confusion():
    """(primitives, checks, M) with M[i, k] = pass rate of check k on clips of primitive i."""
    rng = np.random.default_rng(2026)
    prims = sorted(PRIMITIVES)
    checks = [PRIMITIVE_CHECK[p] for p in prims]
    M = np.zeros((len(prims), len(checks)))
    for i, p in enumerate(prims):
        for _ in range(CLIPS_PER_PRIMITIVE):
            sig, _ = _signals(p, rng)
            M[i] += [check_behaviour(c, sig).passed for c in checks]
    return prims, checks, M / CLIPS_PER_PRIMITIVE


def test_one_check_per_primitive():
    assert len(PRIMITIVES) == 42
    assert set(PRIMITIVE_CHECK) == set(PRIMITIVES)
    assert sorted(PRIMITIVE_CHECK.values()) == sorted(BEHAVIOURS)


def test_confusion_matrix_diagonal_and_off_diagonal(confusion):
    prims, checks, M = confusion
    low = [(p, M[i, i]) for i, p in enumerate(prims) if M[i, i] < 0.95]
    off = [(prims[i], checks[k], M[i, k]) for i in range(len(prims)) for k in range(len(checks))
           if i != k and M[i, k] > 0.05]
    assert not low, f"checks failing their own primitive: {low}"
    assert not off, f"checks passing a neighbour's clips: {off}"


COUNTED = ["wave_right", "wave_left", "wave_both", "raise_right_arm", "raise_both_arms", "clap", "shrug",
           "punch_right", "punch_left", "squat", "jump_in_place", "lunge_left", "kick_right", "knee_raise_left",
           "bow", "nod", "shake_head", "look_around"]


@pytest.mark.parametrize("name", COUNTED)
def test_once_vs_twice(name):
    """Asked for n repetitions, a clip of n passes and the same clip fails n - 1 and n + 1."""
    rng = np.random.default_rng(11)
    check = PRIMITIVE_CHECK[name]
    for reps in (1, 2, 3):
        sig, params = _signals(name, rng, reps)
        assert check_behaviour(check, sig, reps).passed, (params, check_behaviour(check, sig, reps).detail)
        assert not check_behaviour(check, sig, reps + 1).passed, params
        if reps > 1:
            assert not check_behaviour(check, sig, reps - 1).passed, params


NEIGHBOURS = [  # (primitive, check that must fail on it): the confusable pairs
    ("raise_both_arms", "raise_right_arm"), ("raise_right_arm", "raise_both_arms"), ("wave_both", "wave_right"),
    ("wave_right", "wave_left"), ("wave_right", "raise_right_arm"), ("raise_right_arm", "wave_right"),
    ("squat", "bow"), ("bow", "squat"), ("step_forward", "walk_in_place"), ("walk_in_place", "walk_forward"),
    ("kick_left", "kick_right"), ("lunge_right", "walk_forward"), ("reach_up", "raise_both_arms"),
    ("knee_raise_right", "kick_right"), ("salute", "wave_right"), ("cross_arms", "clap"),
]


@pytest.mark.parametrize("prim,check", NEIGHBOURS)
def test_neighbours_fail(prim, check):
    rng = np.random.default_rng(5)
    for _ in range(5):
        sig, params = _signals(prim, rng)
        assert not check_behaviour(check, sig).passed, (params, check_behaviour(check, sig).detail)


def test_a_check_can_fail_when_switched_off():
    """The matrix test is able to fail: a check that ignores what must NOT happen (the other arm)
    passes on both-arm raises."""
    from humanoid_lmm.eval import checks_arms as A

    rng = np.random.default_rng(0)
    sig, _ = _signals("raise_both_arms", rng)
    assert not check_behaviour("raise_right_arm", sig).passed
    original = A.arm_down
    A.arm_down = lambda j, s, side: None
    try:
        assert check_behaviour("raise_right_arm", sig).passed
    finally:
        A.arm_down = original
