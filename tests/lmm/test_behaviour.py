"""Behaviour table of the committed built-in model (models/lmm): each command x 5 seeds, kinematic checks.

Runs on CPU in about 15-30 s. Target of issue #5: >= 90% of the seeds for every command.

Known limit (measured, see docs/model_card.md): the committed MotionBook tokenizer (alpha = 8 frames =
0.4 s per token step) does not represent fast oscillations: a tokenizer round trip of *ground-truth*
corpus waves, claps and punches already fails these checks (waving 2-3 cm instead of 6+ cm, jab reach
0.30 m instead of 0.50 m). Those commands are strict xfails: they turn into failures once they pass.
"""
import pytest
import torch

from humanoid_lmm.lmm import MotionGenerator, default_model_dir
from humanoid_lmm.lmm.evaluate import BEHAVIOUR_COMMANDS, behaviour_table, format_table, round_trip_table

pytestmark = pytest.mark.slow

TOKENIZER_LIMITED = {"wave your right hand", "wave with your left hand", "clap twice", "punch with your right hand"}


@pytest.fixture(scope="module")
def table():
    assert (default_model_dir() / "lmm_config.json").is_file(), (
        f"no built-in model at {default_model_dir()}: train it (docs/model_card.md) and commit models/lmm")
    torch.set_num_threads(1)
    rows = behaviour_table(MotionGenerator.from_pretrained(), seeds=range(5))
    print("\n" + format_table(rows))
    return rows


def test_table_spans_the_corpus(table):
    assert len(table) == len(BEHAVIOUR_COMMANDS) >= 15
    assert len({r.behaviour.split(" ")[0] for r in table}) >= 15


def test_rate_at_least_90_percent_on_representable_commands(table):
    rows = [r for r in table if r.command not in TOKENIZER_LIMITED]
    assert len(rows) >= 15
    passed, total = sum(r.passed for r in rows), sum(r.total for r in rows)
    assert passed / total >= 0.9, format_table(table)


@pytest.mark.parametrize("i", range(len(BEHAVIOUR_COMMANDS)), ids=[c[0] for c in BEHAVIOUR_COMMANDS])
def test_each_command_at_least_90_percent(table, i, request):
    row = table[i]
    if row.command in TOKENIZER_LIMITED:
        request.applymarker(pytest.mark.xfail(strict=True, reason="MotionBook alpha=8 smooths the oscillation away"))
    assert row.rate >= 0.9, f"{row.command}: {row.passed}/{row.total}; " + "; ".join(row.failures)


def test_limited_commands_already_fail_on_tokenizer_round_trips():
    """The xfail reason, measured: ground-truth clips through the committed tokenizer fail the same checks."""
    gen = MotionGenerator.from_pretrained()
    limited = [c for c in BEHAVIOUR_COMMANDS if c[0] in TOKENIZER_LIMITED]
    rows = round_trip_table(gen.lmm.motion_tokenizer, n=3, commands=limited)
    assert all(r.rate < 0.9 for r in rows), format_table(rows)
