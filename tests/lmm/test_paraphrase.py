"""Paraphrase augmentation keeps what a caption means, and training can use it (design (b) of issue 17)."""

import random
import re

import pytest

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm.configuration_lmm import TrainConfig
from humanoid_lmm.lmm.data_lmm import ExampleBuilder
from humanoid_lmm.lmm.paraphrase import augment, is_training_caption
from lmm_fixtures import pattern_records, tiny_lmm

CAPTIONS = ["wave your right hand twice", "kick with your left leg", "step to the left three times slowly",
            "turn 90 degrees to the right", "raise both arms", "squat, then jump"]
SIDE = re.compile(r"\b(left|right|both)\b")


def test_augmentations_differ_but_keep_sides_and_order():
    rng = random.Random(0)
    changed = 0
    for caption in CAPTIONS:
        for _ in range(40):
            a = augment(caption, rng, p_typo=0.0)
            changed += a != caption
            assert SIDE.findall(a) == SIDE.findall(caption), (caption, a)
            if "then" in caption:
                assert "then" in a
    assert changed >= 0.8 * 40 * len(CAPTIONS)
    assert sum(not is_training_caption(augment(c, rng)) for c in CAPTIONS for _ in range(20)) > 60


def test_counts_keep_their_number():
    rng = random.Random(1)
    for _ in range(60):
        a = augment("clap your hands twice", rng, p_typo=0.0)
        assert re.search(r"twice|two times|2 times|a couple of times", a), a


def test_example_builder_rewrites_prompts_only_when_asked():
    lmm = tiny_lmm()
    recs = pattern_records()
    plain = ExampleBuilder(lmm.tokenizer, lmm.vocab, 1, m2t_fraction=0.0)
    para = ExampleBuilder(lmm.tokenizer, lmm.vocab, 1, m2t_fraction=0.0, paraphrase_fraction=1.0)
    captions = {t for r in recs for t in r.texts}
    decode = lambda b, s: lmm.tokenizer.decode(b.t2m(recs[0], random.Random(s))[0][1:])  # noqa: E731
    seen_plain = {decode(plain, s) for s in range(30)}
    seen_para = {decode(para, s) for s in range(30)}
    assert {t.split("Human: ")[1].split("\n")[0] for t in seen_plain} <= captions
    assert len({t.split("Human: ")[1].split("\n")[0] for t in seen_para} - captions) >= 10
    # the response (the motion) is the same either way
    assert plain.t2m(recs[0], random.Random(3))[1] == para.t2m(recs[0], random.Random(3))[1]


def test_paraphrase_fraction_is_validated():
    with pytest.raises(ConfigError, match="paraphrase_fraction"):
        TrainConfig(paraphrase_fraction=1.5)
