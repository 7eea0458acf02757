"""The gate's judge: fitted, monotone, loaded with errors that name the field, and better than two thresholds."""

import dataclasses
import json

import numpy as np
import pytest

from humanoid_lmm.errors import CommandRejected, ConfigError
from humanoid_lmm.speech.gate import CommandGate
from humanoid_lmm.speech.judge import FEATURES, SIGNS, GateJudge, fit_judge, reading_features, threshold_at


@pytest.fixture(scope="module")
def gate():
    import torch

    torch.set_num_threads(1)
    g = CommandGate.load()
    assert g.judge is not None, "config/language.yaml names no gate.judge"
    return g


def test_fitted_weights_keep_their_signs_and_the_threshold_meets_the_accept_budget():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES)))
    can = rng.random(400) < 1 / (1 + np.exp(-(x[:, 0] - x[:, 3] + x[:, 5])))
    judge = fit_judge(x, can)
    for w, sign in zip(judge.weights, SIGNS):
        assert w * sign >= 0
    p = judge.probability(x)
    t = threshold_at(p, can, 0.05)
    assert (p[~can] >= t).mean() <= 0.05 and (p[~can] >= t - 1e-3).mean() > 0.05 - 1 / (~can).sum() - 1e-9


def test_an_unknown_word_never_makes_a_command_more_acceptable(gate):
    """An unknown word added to "wave your hand" (as in "wave your third hand") can only lower P(can)."""
    read = gate.reader.read
    plain = reading_features(read("wave your hand"), gate.reader.capability_words)
    odd = plain.copy()
    odd[FEATURES.index("unknown_words")] += 1
    odd[FEATURES.index("unknown_share")] = 1 / 3
    odd[FEATURES.index("content_words")] += 1
    assert gate.judge.probability(odd) < gate.judge.probability(plain)


def test_whatever_the_judge_says_a_clause_nearer_a_cannot_phrase_is_refused(gate):
    yes = dataclasses.replace(gate.judge, bias=50.0)     # accepts everything on its own
    lenient = CommandGate(gate.config, reader=gate.reader)
    lenient.judge = yes
    assert lenient.accept("wave your third arm").capabilities == ("wave_right",)   # the judge alone lets it in
    with pytest.raises(CommandRejected) as e:
        lenient.accept("punch someone in the face")
    assert e.value.reason == "unsafe"


def test_judge_file_errors_name_the_field(tmp_path, gate):
    p = tmp_path / "judge.json"
    gate.judge.save(p)
    assert GateJudge.load(p) == gate.judge
    good = json.loads(p.read_text())
    for field, value in (("threshold", 1.5), ("weights", [1.0]), ("scale", [0.0] * len(FEATURES)),
                         ("features", ["similarity"])):
        p.write_text(json.dumps({**good, field: value}))
        with pytest.raises(ConfigError, match=field):
            GateJudge.load(p)
    p.write_text(json.dumps({k: v for k, v in good.items() if k != "bias"}))
    with pytest.raises(ConfigError, match="bias"):
        GateJudge.load(p)
    p.write_text("{not json")
    with pytest.raises(ConfigError, match="judge"):
        GateJudge.load(p)


@pytest.mark.slow
def test_the_judge_refuses_fewer_paraphrases_than_two_thresholds_and_still_the_out_of_scope(gate):
    """Development set a: switched off (the two calibrated thresholds decide), more paraphrases are refused;
    with it, out-of-scope commands are still refused >= 95 %."""
    from humanoid_lmm.lmm.paraphrase_eval import gate_table, load_out_of_scope, load_paraphrases

    paras = load_paraphrases(held_out="a")
    oos = load_out_of_scope(held_out="a")
    judged = gate_table(gate, paras, oos)
    rule = gate_table(CommandGate(dataclasses.replace(gate.config, judge=""), reader=gate.reader), paras, oos)
    assert len(judged["false_refusals"]) < len(rule["false_refusals"])
    assert len(judged["accepted_out_of_scope"]) <= 0.05 * len(oos)


@pytest.mark.slow
def test_calibration_writes_a_judge_the_gate_loads(tmp_path):
    """bench/calibrate_gate.py --judge on a small examples file: nested cross-validation, then a loadable file."""
    import runpy
    import sys

    from humanoid_lmm.speech.gate import load_gate_examples

    ex = load_gate_examples()
    rows = [e for e in ex if e.can][:60] + [e for e in ex if not e.can][:40]
    data = tmp_path / "ex.tsv"
    data.write_text("text\tlabel\tactions\n" + "".join(
        f"{e.text}\t{'do' if e.can else 'cannot'}\t{','.join(e.actions) if e.can else e.kind}\n" for e in rows))
    out = tmp_path / "judge.json"
    argv = sys.argv
    sys.argv = ["calibrate_gate.py", "--data", str(data), "--folds", "2", "--max-accept", "0.1", "--judge", str(out)]
    try:
        from humanoid_lmm import project_root

        with pytest.raises(SystemExit) as e:
            runpy.run_path(str(project_root() / "bench" / "calibrate_gate.py"), run_name="__main__")
        assert e.value.code == 0
    finally:
        sys.argv = argv
    judge = GateJudge.load(out)
    assert 0 < judge.threshold < 1 and "nested cross-validation" in json.loads(out.read_text())["note"]
