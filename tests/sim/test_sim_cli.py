"""`humanoid-lmm validate` sub-command: exit status, JSON report, the plan written only when it passes."""

import argparse

from humanoid_lmm.execution import ExecutionPlan
from humanoid_lmm.sim import ValidationReport, cli


def _run(argv):
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["validate", *argv])
    return args.func(args)


def test_cli_pass_fail_and_repair(tmp_path, g1, sample):
    good = sample("wave", g1, seconds=1.5).save_npz(tmp_path / "wave.npz")
    fast = sample("too_fast", g1).save_npz(tmp_path / "fast.npz")
    assert _run([str(good), "--robot", "g1", "--json", str(tmp_path / "r.json"), "-o", str(tmp_path / "p.npz")]) == 0
    assert ValidationReport.from_json((tmp_path / "r.json").read_text()).passed
    assert _run([str(tmp_path / "p.npz")]) == 0  # the written plan validates as it is
    assert _run([str(fast), "-o", str(tmp_path / "out.npz")]) == 1
    assert not (tmp_path / "out.npz").exists()
    assert _run([str(fast), "--repair", "-o", str(tmp_path / "out.npz"), "--sheet", str(tmp_path / "s.png"), "--size", "96x72"]) == 0
    plan = ExecutionPlan.load_npz(tmp_path / "out.npz")
    assert plan.duration_s > 2 * 2.0 and plan.repairs
    assert (tmp_path / "s.png").stat().st_size > 1000
