"""The held-out language sets: big enough, labelled with real checks, and never training captions."""

from collections import Counter

import pytest

from humanoid_lmm.eval.behaviour import BEHAVIOURS
from humanoid_lmm.lmm.paraphrase import is_training_caption
from humanoid_lmm.lmm.paraphrase_eval import HELD_OUT_SETS, load_out_of_scope, load_paraphrases
from humanoid_lmm.motion.synth import PRIMITIVES
from humanoid_lmm.speech.gate import load_gate_examples, load_language_config

SETS = {k: (load_paraphrases(held_out=k), load_out_of_scope(held_out=k)) for k in HELD_OUT_SETS}
CALIBRATION = [e.text for e in load_gate_examples()]
each_set = pytest.mark.parametrize("held_out", sorted(SETS))


@each_set
def test_sets_are_big_and_varied(held_out):
    PARAS, OOS = SETS[held_out]
    checked = [p for p in PARAS if p.checks]
    assert len(checked) >= 300 and len(OOS) >= 150
    registers = Counter(p.register for p in checked)
    for reg in ("casual", "polite", "indirect", "typo", "count", "compose"):
        assert registers[reg] >= 10, registers
    assert len({k for _, k in OOS}) >= 8
    assert len({p.text for p in PARAS}) == len(PARAS) and len({t for t, _ in OOS}) == len(OOS)


@each_set
def test_labels_name_existing_checks_and_primitives(held_out):
    for p in SETS[held_out][0]:
        assert set(p.actions) <= set(PRIMITIVES), p
        for alts in p.checks:
            for name, times in alts:
                assert name in BEHAVIOURS and (times is None or 1 <= times <= 6), p


@pytest.mark.parametrize("text", ["Please squat twice.", "wave your right hand and then squat",
                                  "A man waves the right hand.", "could you turn left, please?", "jump, for 3 seconds"])
def test_training_caption_detector_finds_training_captions(text):
    assert is_training_caption(text)   # so the next test can fail


@each_set
def test_no_training_caption_is_in_the_held_out_sets(held_out):
    PARAS, OOS = SETS[held_out]
    found = [t for t in [p.text for p in PARAS] + [t for t, _ in OOS] if is_training_caption(t)]
    assert not found


def test_the_two_held_out_sets_share_no_line():
    (pa, oa), (pb, ob) = SETS["a"], SETS["b"]
    assert not ({p.text for p in pa} | {t for t, _ in oa}) & ({p.text for p in pb} | {t for t, _ in ob})


@each_set
def test_calibration_and_refusal_phrases_are_not_test_lines(held_out):
    PARAS, OOS = SETS[held_out]
    held = {p.text for p in PARAS} | {t for t, _ in OOS}
    assert not held & set(CALIBRATION)
    cannot = {p for v in load_language_config().cannot.values() for p in v}
    assert not cannot & (held | set(CALIBRATION))


def test_development_set_c_is_labelled_and_shares_no_line_with_the_held_out_sets_or_calibration():
    from humanoid_lmm.lmm.paraphrase_eval import DEVELOPMENT_SETS

    assert set(DEVELOPMENT_SETS) == {"c"}
    dev = load_paraphrases(held_out="c")
    assert len(dev) >= 300 and not load_out_of_scope(held_out="c")
    for p in dev:
        assert set(p.actions) <= set(PRIMITIVES) and p.checks, p
        assert all(name in BEHAVIOURS for alts in p.checks for name, _ in alts), p
    texts = {p.text for p in dev}
    held = {p.text for k in SETS for p in SETS[k][0]} | {t for k in SETS for t, _ in SETS[k][1]}
    assert not texts & held and not texts & set(CALIBRATION)
    assert not [t for t in texts if is_training_caption(t)]
