"""The semantic gate: refuses what the robot cannot do, with a reason and suggestions; lets paraphrases in."""

import pytest

from humanoid_lmm.errors import CommandRejected, ConfigError
from humanoid_lmm.speech import load_speech_config, understand_command
from humanoid_lmm.speech.gate import CommandGate, GateExample, LanguageConfig, load_gate_examples, load_language_config


@pytest.fixture(scope="module")
def gate():
    import torch

    torch.set_num_threads(1)   # one small forward pass per command: threads only add contention
    return CommandGate.load()


@pytest.mark.parametrize("text, reason", [
    ("do a backflip", "out_of_scope"), ("please fetch my coffee", "out_of_scope"), ("sit down on the sofa", "out_of_scope"),
    ("sing me a lullaby", "out_of_scope"), ("punch my brother", "unsafe"), ("wave, then bake me a pie", "out_of_scope"),
])
def test_out_of_scope_is_refused_with_reason_and_suggestions(gate, text, reason):
    with pytest.raises(CommandRejected) as e:
        gate.accept(text)
    assert e.value.reason == reason
    assert len(e.value.suggestions) == 3 and all(isinstance(s, str) and s for s in e.value.suggestions)
    assert "Closest things I can do" in str(e.value)


@pytest.mark.parametrize("text, caption, duration", [
    ("hey robot, could you give me a wave with your left hand", "wave with your left hand", None),
    ("do 3 squats", "squat three times", None),
    ("point to the right for 4 seconds", "point with your right hand for four seconds", 4.0),
    ("Wave, your RIGHT hand!", "wave your right hand", None),
])
def test_paraphrases_are_accepted_as_corpus_captions(gate, text, caption, duration):
    acc = understand_command(text, load_speech_config(), gate)
    assert (acc.caption, acc.duration_s) == (caption, duration)


def test_too_many_actions_are_refused(gate):
    with pytest.raises(CommandRejected) as e:
        gate.accept("clap then bow then jump then squat")
    assert e.value.reason == "too_many_actions"


def test_a_hold_longer_than_the_motion_model_makes_is_refused_not_crashed(gate):
    import json

    from humanoid_lmm import project_root

    model_max = json.loads((project_root() / "models/lmm/lmm_config.json").read_text())["max_motion_seconds"]
    assert gate.config.max_seconds <= model_max      # a held pose is one clip: only what the model can make
    with pytest.raises(CommandRejected) as e:
        gate.accept("stand on your left leg for half a minute")
    assert e.value.reason == "duration_too_long" and "30 s" in str(e.value)
    assert gate.accept("stand on your left leg for 10 seconds").duration_s == 10.0
    # a movement that is not a held pose is made of several clips (lmm/refusal.py), up to max_total_seconds
    assert gate.accept("march in place for half a minute").duration_s == 30.0
    with pytest.raises(CommandRejected) as e:
        gate.accept("march in place for five minutes")
    assert e.value.reason == "duration_too_long" and f"{gate.config.max_total_seconds:g} s" in str(e.value)


def test_counts_are_read_and_too_many_repetitions_refused(gate):
    assert gate.accept("three right hooks in the air").counts == (3,)
    assert gate.accept("salute twice then do 4 knee raises on the left").counts == (2, 4)
    assert gate.accept("ten squats please").counts == (10,)          # read as said, not cut to the corpus' 6
    with pytest.raises(CommandRejected) as e:
        gate.accept("do 50 squats")
    assert e.value.reason == "too_many_actions" and "50 repetitions" in str(e.value)
    assert e.value.suggestions == ("squat 10 times",)


def test_a_gate_without_thresholds_lets_everything_through(gate):
    open_gate = CommandGate(LanguageConfig(min_similarity=-1.0, min_margin=-2.0), gate.reader)
    assert open_gate.accept("do a backflip").capabilities   # the refusals above come from the thresholds


@pytest.mark.parametrize("text, field", [
    ("gate: {min_similarity: 3}", "min_similarity"), ("cannot: {flying_saucers: [fly]}", "flying_saucers"),
    ("gate: {wordnet_senses: -1}", "wordnet_senses"), ("check: {repeat_above: 0}", "repeat_above"),
    ("check: {retime_holds: 1}", "retime_holds"), ("check: {retime_speed: 2}", "retime_speed"),
    ("gate: {max_total_seconds: 5}", "max_total_seconds"),
    ("gate: {threshold: 0.5}", "gate")])
def test_language_config_errors_name_the_field(tmp_path, text, field):
    p = tmp_path / "language.yaml"
    p.write_text(text + "\n")
    with pytest.raises(ConfigError, match=field):
        load_language_config(p)


def test_gate_examples_errors_name_the_row(tmp_path):
    p = tmp_path / "examples.tsv"
    for row, match in (("wave at me\tmaybe\twave_right", "row 2"), ("wave at me\tdo\twave_sideways", "wave_sideways"),
                       ("fly away\tcannot\tflying", "flying"), ("wave at me\tdo", "row 2")):
        p.write_text("text\tlabel\tdetail\n" + row + "\n")
        with pytest.raises(ConfigError, match=match):
            load_gate_examples(p)
    with pytest.raises(ConfigError, match="no file"):
        load_gate_examples(tmp_path / "missing.tsv")


def test_can_do_examples_join_the_phrase_table(gate):
    """The shipped examples are what lets "do a deep knee bend" in: without them it is refused (the phrase
    table is judged here by the two thresholds; the judge's own tests are in test_judge.py)."""
    import dataclasses

    text = "do a deep knee bend"
    assert gate.accept(text).capabilities == ("squat",)
    rule = dataclasses.replace(gate.config, judge="")
    bare = CommandGate(rule, examples=[])
    with pytest.raises(CommandRejected):
        bare.accept(text)
    one = CommandGate(rule, examples=[GateExample("a deep knee bend", True, ("squat",))])
    assert one.accept(text).capabilities == ("squat",)


@pytest.fixture(scope="module", params=["a", "b"])
def held_out(gate, request):
    """Gate figures on held-out set a (hand-written, since used for development) and b (written blind)."""
    from humanoid_lmm.lmm.evaluate import BEHAVIOUR_COMMANDS
    from humanoid_lmm.lmm.paraphrase_eval import gate_table, load_out_of_scope, load_paraphrases

    paras = load_paraphrases(held_out=request.param)
    table = gate_table(gate, paras, load_out_of_scope(held_out=request.param), [c for c, _, _ in BEHAVIOUR_COMMANDS])
    return {**table, "n_paraphrases": len(paras)}


@pytest.mark.slow
def test_held_out_out_of_scope_is_refused(held_out):
    """Issue 17: >= 95 % of the held-out out-of-scope commands refused; no table command refused."""
    n = sum(b for _, b in held_out["kinds"].values())
    assert len(held_out["accepted_out_of_scope"]) <= 0.05 * n, held_out["accepted_out_of_scope"]
    assert not held_out["false_refusals_20"]


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="issue 17 goal not met yet: set a 17/379 = 4.5 %, set b 12/317 = 3.8 % "
                                       "measured (docs/model_card.md)")
def test_held_out_paraphrases_are_rarely_refused(held_out):
    assert len(held_out["false_refusals"]) <= 0.02 * held_out["n_paraphrases"]
