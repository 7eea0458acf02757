"""`humanoid-lmm validate-batch`: validate many trajectories (a folder of .npz, or the built-in samples) with
a progress bar + ETA, a log file, one summary table, and optional per-trajectory HTML / JSON reports.

Examples:
  humanoid-lmm validate-batch runs/trajectories/*.npz --report-dir out/reports --log-file out/batch.log
  humanoid-lmm validate-batch --samples --robot h1 --no-progress      # every built-in sample motion
  humanoid-lmm validate-batch runs/trajectories --repair --json out/batch.json

Exit status: 0 if every trajectory passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from humanoid_lmm.progress import add_progress_args, log_to_file, progress_bar

__all__ = ["register", "validate_batch"]

log = logging.getLogger(__name__)


def _items(paths, samples: bool, robot: str):
    """(name, loader) pairs: .npz files (folders expanded, sorted) or the built-in samples."""
    from humanoid_lmm.robots import RobotTrajectory, load_robot_config
    from humanoid_lmm.sim.samples import SAMPLES, make_sample

    if samples:
        cfg = load_robot_config(robot)
        return [(name, lambda n=name: make_sample(n, cfg)) for name in SAMPLES]
    files = []
    for p in map(Path, paths):
        files += sorted(p.glob("*.npz")) if p.is_dir() else [p]
    return [(str(f), lambda f=f: RobotTrajectory.load_npz(f)) for f in files]


def validate_batch(items, mode: str = "auto", repair: bool = False, report_dir: Path | None = None,
                   progress: bool = True, config=None) -> list[dict]:
    """Validate each (name, loader); one summary row per trajectory (name, verdict, mode, failed checks)."""
    from humanoid_lmm.sim.logged_validation import validate_with_log
    from humanoid_lmm.sim.validate import resolve_config

    vc = resolve_config(config)
    rows = []
    for name, load in progress_bar(items, desc="validate", unit="traj", enabled=progress):
        lv = validate_with_log(load(), mode, repair, vc)
        report = lv.report
        row = {"name": name, "robot": report.robot, "verdict": report.verdict, "mode": report.mode,
               "seconds": round(report.duration_s, 2), "failed_checks": report.failed_checks(), "repairs": report.repairs}
        if report_dir is not None:
            from humanoid_lmm.sim.html_report import write_html_report

            stem = Path(name).stem
            row["report"] = str(write_html_report(report_dir / f"{stem}.html", report, lv.log, title=name))
            (report_dir / f"{stem}.json").write_text(report.to_json())
        log.info("%s: %s (%s) %s", name, report.verdict, report.mode, ", ".join(row["failed_checks"]))
        rows.append(row)
    return rows


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from humanoid_lmm.errors import ConfigError

    log_to_file(args.log_file)
    items = _items(args.trajectories, args.samples, args.robot)
    if not items:
        raise ConfigError("no trajectories: give .npz files / folders or --samples")
    rows = validate_batch(items, args.mode, args.repair, args.report_dir, progress=not args.no_progress, config=args.config)
    table = Table(title=f"{sum(r['verdict'] == 'pass' for r in rows)}/{len(rows)} passed")
    for col in ("trajectory", "verdict", "mode", "s", "failed checks"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["verdict"], r["mode"], f"{r['seconds']:.1f}", ", ".join(r["failed_checks"]),
                      style=None if r["verdict"] == "pass" else "red")
    Console().print(table)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2))
    return 0 if all(r["verdict"] == "pass" for r in rows) else 1


def register(subparsers) -> None:
    p = subparsers.add_parser("validate-batch", help="validate many trajectories (progress, log, summary, reports)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("trajectories", nargs="*", help="RobotTrajectory .npz files or folders of them")
    p.add_argument("--samples", action="store_true", help="the built-in sample motions of sim/samples.py instead")
    p.add_argument("--robot", default="g1", help="robot of --samples")
    p.add_argument("--mode", default="auto", choices=["auto", "upper_body", "locomotion", "whole_body"])
    p.add_argument("--config", type=Path, help="validation YAML (default config/validate.yaml)")
    p.add_argument("--repair", action="store_true")
    p.add_argument("--report-dir", type=Path, help="write <name>.html and <name>.json per trajectory here")
    p.add_argument("--json", type=Path, help="write the summary rows as JSON")
    add_progress_args(p)
    p.set_defaults(func=run)
