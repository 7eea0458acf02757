"""Commands and descriptions -> check names; every corpus paraphrase of a single primitive maps to its check."""
import numpy as np
import pytest

from humanoid_lmm.eval.behaviour import PRIMITIVE_CHECK, behaviour_of, check_behaviour, check_command
from humanoid_lmm.motion.synth import PRIMITIVES
from humanoid_lmm.motion.synth.text import describe_sequence


def test_known_commands():
    assert behaviour_of("Wave your right hand") == ("wave_right", None)
    assert behaviour_of("please raise both arms") == ("raise_both_arms", None)
    assert behaviour_of("raise your left arm") == ("raise_left_arm", None)
    assert behaviour_of("squat twice") == ("squat", 2)
    assert behaviour_of("kick with the left leg") == ("kick_left", None)
    assert behaviour_of("clap three times") == ("clap", 3)
    assert behaviour_of("step backward") == ("walk_backward", None)
    assert behaviour_of("walk forward two steps") == ("walk_forward", None)
    assert behaviour_of("take a step to your left") == ("step_left", None)
    assert behaviour_of("lift your left foot and stand on the right one") == ("stand_on_right_leg", None)
    assert behaviour_of("raise your right knee") == ("knee_raise_right", None)
    assert behaviour_of("raise your right hand to your forehead in a salute") == ("salute", None)
    assert behaviour_of("march on the spot") == ("walk_in_place", None)
    assert behaviour_of("turn your head to look around") == ("look_around", None)
    assert behaviour_of("sing a song") is None
    with pytest.raises(KeyError, match="no behaviour check"):
        check_command("sing a song", None)
    with pytest.raises(KeyError, match="known"):
        check_behaviour("fly", None)


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_every_paraphrase_names_its_check(name):
    """All paraphrases (commands and descriptions) the corpus writes for a one-primitive clip."""
    rng = np.random.default_rng(0)
    prim = PRIMITIVES[name]
    wrong = []
    for _ in range(4):
        params = prim.sample(rng)
        texts, _ = describe_sequence([(prim, params)], rng)
        for t in texts:
            got = behaviour_of(t)
            if got is None and "on one leg" in t.lower() and "left" not in t and "right" not in t:
                continue   # "stands on one leg": the corpus itself leaves the side unsaid
            if got is None or got[0] != PRIMITIVE_CHECK[name]:
                wrong.append((t, got))
    assert not wrong, wrong
