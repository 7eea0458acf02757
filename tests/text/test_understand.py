"""Reading commands: clauses, slots, spelling, the capability catalogue and retrieval to corpus captions."""

import pytest

from humanoid_lmm.text.catalogue import capability_catalogue
from humanoid_lmm.text.slots import SpellFixer, read_slots, split_clauses, strip_courtesy


def test_clauses_are_cut_at_sequence_words():
    assert split_clauses("First clap twice, then jump. After that bow") == ["clap twice", "jump", "bow"]
    assert split_clauses("crouch down and come back up") == ["crouch down and come back up"]


@pytest.mark.parametrize("text, side, count, speed, dur, deg", [
    ("do three squats slowly", "", 3, "slowly", None, None),
    ("wave twice with your left hand", "left", 2, "", None, None),
    ("give 2 claps", "", 2, "", None, None),
    ("clap a couple of times quickly", "", 2, "quickly", None, None),
    ("hold your right arm up for 3 seconds", "right", None, "", 3.0, None),
    ("turn around", "", None, "", None, 180),
    ("turn 45 degrees to the right", "right", None, "", None, 45),
    ("wave both hands", "both", None, "", None, None),
])
def test_slots(text, side, count, speed, dur, deg):
    s = read_slots(text)
    assert (s.side, s.count, s.speed, s.duration_s, s.degrees) == (side, count, speed, dur, deg)


def test_courtesy_and_addressee_are_dropped_but_sides_kept():
    assert strip_courtesy("could you please wave at me for me") == "wave"
    assert strip_courtesy("I'd like you to raise the right arm") == "raise the right arm"
    assert strip_courtesy("right arm up please") == "right arm up"
    assert strip_courtesy("please") == "please"


def test_spelling_fixer_corrects_only_unknown_words():
    fix = SpellFixer(["wave", "wave", "left", "hand", "head", "squat", "turn", "run"], known={"lift", "run"})
    assert fix("wvae your lfet hnad") == "wave your left hand"
    assert fix("lift trun sqaut blorpish") == "lift turn squat blorpish"


def test_catalogue_captions_follow_the_slots():
    cat = capability_catalogue()
    assert len(cat) == 42
    assert cat["wave_left"].caption(count=2) == "wave with your left hand twice"
    assert cat["squat"].caption(count=3, speed="slowly") == "squat three times slowly"
    assert cat["step_forward"].caption(count=2) == "take two steps forward"
    assert cat["point_right"].caption(duration_s=3.0).endswith("for three seconds")
    assert cat.sibling("kick_right", "left").name == "kick_left"
    assert cat.sibling("wave_right", "both").name == "wave_both"


@pytest.fixture(scope="module")
def reader():
    import torch

    from humanoid_lmm.text.understand import CommandReader

    torch.set_num_threads(1)
    return CommandReader()


@pytest.mark.parametrize("text, caption", [
    ("could u gimme a wave with ur lfet hand, then do 2 squats", "wave with your left hand then squat twice"),
    ("throw a punch with your left fist", "punch with your left hand"),
    ("hop up three times", "jump three times"),
    ("walk backwards", "step backward"),
    ("punch with your left hand then with your right", "punch with your left hand then punch with your right hand"),
])
def test_reader_normalises_to_corpus_captions(reader, text, caption):
    assert reader.read(text).caption == caption
