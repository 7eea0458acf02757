"""Behaviour table of the committed built-in model (models/lmm): each command x 5 seeds, kinematic checks.

Runs on CPU in about 30-60 s. Target of issue #5: >= 90% of the seeds for every command.

The committed MotionBook tokenizer (alpha = 4 frames = 0.2 s per token step) represents fast motions
(waves, claps, jabs); its predecessor (alpha 8) did not, and round trips of ground-truth clips through
it failed the same checks (docs/tokenizer.md). ``test_tokenizer_round_trips_show_every_behaviour``
keeps that upper bound measured.
"""
import pytest
import torch

from humanoid_lmm.lmm import MotionGenerator, default_model_dir
from humanoid_lmm.lmm.evaluate import BEHAVIOUR_COMMANDS, behaviour_table, format_table, round_trip_table

pytestmark = pytest.mark.slow


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


def test_rate_at_least_90_percent_overall(table):
    passed, total = sum(r.passed for r in table), sum(r.total for r in table)
    assert passed / total >= 0.9, format_table(table)


# Commands whose goal is not met are listed here with the measurement and marked strict xfail (red the day they
# pass). Empty since the 2026-12-04 model: "squat twice" (4/5 before: the feet lifted and slid) passes 5/5.
NOT_MET: dict[str, str] = {}


def _ids_and_marks():
    return [pytest.param(i, id=c[0], marks=[pytest.mark.xfail(strict=True, reason=f"goal not met: {NOT_MET[c[0]]}")]
                         if c[0] in NOT_MET else []) for i, c in enumerate(BEHAVIOUR_COMMANDS)]


@pytest.mark.parametrize("i", _ids_and_marks())
def test_each_command_at_least_90_percent(table, i):
    row = table[i]
    assert row.rate >= 0.9, f"{row.command}: {row.passed}/{row.total}; " + "; ".join(row.failures)


def test_tokenizer_round_trips_show_every_behaviour():
    """The LMM's upper bound: ground-truth clips through the bundled tokenizer keep every behaviour
    (3 parameter draws per command; the alpha-8 predecessor failed waves, punches and double claps)."""
    gen = MotionGenerator.from_pretrained()
    rows = round_trip_table(gen.lmm.motion_tokenizer, n=3)
    assert sum(r.passed for r in rows) / sum(r.total for r in rows) >= 0.9, format_table(rows)
    assert all(r.passed >= 2 for r in rows), format_table(rows)
