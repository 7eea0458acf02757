"""Reading commands: clauses, slots, spelling, the capability catalogue and retrieval to corpus captions."""

import pytest

from humanoid_lmm.text.catalogue import capability_catalogue
from humanoid_lmm.text.slots import (SpellFixer, base_forms, heading, read_slots, split_clauses, strip_courtesy,
                                     strip_slots)


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
    ("put your arms up", "both", None, "", None, None),          # plural limbs, no side word
    ("wave your hands at the left door", "left", None, "", None, None),
])
def test_slots(text, side, count, speed, dur, deg):
    s = read_slots(text)
    assert (s.side, s.count, s.speed, s.duration_s, s.degrees) == (side, count, speed, dur, deg)


@pytest.mark.parametrize("text, way", [
    ("face the left side", "turn"), ("spin to the right", "turn"), ("march forward", "forward"),
    ("come towards me", "forward"), ("back away", "backward"), ("slide over to the right", "sideways"),
    ("move one step left", "sideways"), ("jog on the spot", "in_place"),
    # gestures and actions that carry a direction word but do not move the body over the ground
    ("reach forward", ""), ("kick forward with the right foot", ""), ("step forward into a lunge", ""),
    ("crouch down and come back up", ""), ("turn your head to the left", ""), ("take a bow", ""), ("point left", ""),
])
def test_heading(text, way):
    assert heading(text) == way


def test_slot_phrases_are_not_embedded():
    assert strip_slots("point to the right for 4 seconds") == "point to the right"
    assert strip_slots("wave twice slowly with your left hand") == "wave with your left hand"
    assert strip_slots("do three squats") == "do squats"     # the number goes, the counted action stays
    assert strip_slots("marching in place, 20 seconds") == "marching in place"
    assert strip_slots("half a minute of dancing") == "dancing"
    assert strip_slots("slowly") == "slowly"


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


@pytest.mark.parametrize("text, closest, caption", [
    ("face left", "step_left", "turn left"),
    ("march forward", "walk_in_place", "step forward"),
    ("slide over to the right", "turn_right", "step to the right"),
    ("put your hands in the air", "raise_right_arm", "raise both arms"),
])
def test_heading_and_plural_limbs_correct_the_encoders_pick(reader, text, closest, caption):
    """The encoder alone would do the wrong thing (its closest capability); the rules make the caption right."""
    r = reader.read(text)
    assert r.clauses[0].ranking[0][0] == closest and r.caption == caption


def test_a_clause_that_names_an_action_is_not_read_as_ellipsis(reader):
    assert reader.read("kick out with the left foot, then give me a clap").capabilities == ("kick_left", "clap")
    assert reader.read("wave with your left hand and then with the right one").capabilities == ("wave_left", "wave_right")
    assert reader.read("punch with both hands").capabilities == ("punch_right",)   # no two-handed punch: unsided


def test_both_gives_way_to_the_named_side_when_the_action_has_no_both_sided_form(reader):
    # a corpus caption of a left punch (found when the motion model's own caption of a left punch was read
    # as a right one, and the caption check refused every left punch)
    assert read_slots("raises both fists and punches with the left hand").named_side == "left"
    assert reader.read("a woman raises both fists and punches with the left hand").capabilities == ("punch_left",)
    assert reader.read("wave with both hands, starting on the left").capabilities == ("wave_both",)


def test_a_clause_that_names_no_side_shows_its_family(reader):
    r = reader.read("a man stands on one leg, then kicks with the left leg, then squats")
    assert r.capabilities == ("stand_on_right_leg", "kick_left", "squat")    # the reader's pick: the right leg
    assert r.shown == ("stand_on_*_leg", "kick_left", "squat")               # but no side was said against the left


def test_order_words_put_the_actions_in_the_order_they_are_done():
    assert split_clauses("before you bow, clap your hands") == ["clap your hands", "bow"]
    assert split_clauses("clap after you nod") == ["nod", "clap"]
    assert split_clauses("take a bow, but first put your hands on your hips") == ["put your hands on your hips",
                                                                                 "take a bow"]
    assert split_clauses("walk backward, and once you're done, wave") == ["walk backward", "wave"]
    assert split_clauses("start with a bow and finish with a wave") == ["a bow", "a wave"]
    assert split_clauses("right hand, give us a wave") == ["right hand, give us a wave"]   # a comma is no order


def test_durations_counts_and_negated_sides():
    assert read_slots("marching in place, 20 seconds").duration_s == 20.0      # no "for"
    assert read_slots("half a minute of dancing").duration_s == 30.0
    assert read_slots("right knee up, three reps").count == 3
    assert read_slots("give a wave with your left arm, not the right").side == "left"
    assert read_slots("point leftward").side == "left"


def test_inflected_verbs_take_the_catalogues_base_form():
    vocab = {"shrug", "nod", "dance", "come", "left"}
    assert base_forms("what if you shrugged", vocab) == "what if you shrug"
    assert base_forms("nodded, dancing, came", vocab) == "nod, dance, come"
    assert base_forms("turn left", vocab) == "turn left"            # a word the catalogue has stays ("left")


def test_context_and_indirect_framing_are_dropped():
    assert strip_courtesy("everyone's cheering, show us both arms up") == "show us both arms up"
    assert strip_courtesy("i wonder if you can clap") == "clap"
    assert strip_courtesy("the kids want to see you march in place") == "march in place"


def test_a_clause_listing_actions_is_cut_only_where_each_piece_reads_better(reader):
    assert reader.read("squat, jump, clap").capabilities == ("squat", "jump_in_place", "clap")
    assert reader.read("point right and nod").capabilities == ("point_right", "nod")
    r = reader.read("shrug and hold it for 2 seconds")      # "hold it" is no action: one clause
    assert r.capabilities == ("shrug",) and r.duration_s == 2.0
    assert reader.read("raise your left arm, then raise your right").capabilities == ("raise_left_arm",
                                                                                      "raise_right_arm")


@pytest.mark.parametrize("text, side", [
    ("raise your left arm but leave the right one down", "left"),
    ("keep your left arm still and wave the right", "right"),
    ("lift the right foot off the ground and stand on your left", "left"),
    ("raise your right knee", "right"),
])
def test_a_side_kept_still_or_lifted_off_is_not_the_side_that_acts(text, side):
    from humanoid_lmm.text.slots import read_slots

    assert read_slots(text).side == side
