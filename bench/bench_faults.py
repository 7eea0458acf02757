"""Fault-injection report: runs the fault suite (tests/faults) and prints one row per case.

    .venv/bin/python bench/bench_faults.py            # the whole suite (about 5 minutes on 2 cores)
    .venv/bin/python bench/bench_faults.py -k estop   # extra arguments go to pytest

Columns: fault, expected outcome, measured outcome, time to hold or damping [ms] (from the moment the fault is
detectable: the state timeout, the missed heartbeat, the e-stop), whether anything stale moved the robot, held.
The last line is `faults: N/M held` (a case that failed before recording its row counts as not held).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    from rich.console import Console
    from rich.table import Table

    with tempfile.TemporaryDirectory() as tmp:
        report, junit = Path(tmp) / "faults.jsonl", Path(tmp) / "junit.xml"
        env = {**os.environ, "HUMANOID_LMM_FAULT_REPORT": str(report)}
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}",
               str(ROOT / "tests" / "faults"), *argv]
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        rows = [json.loads(line) for line in report.read_text().splitlines()] if report.exists() else []
        failed_cases = _failed_without_row(junit, rows)

    table = Table(title="Fault injection (tests/faults)")
    for col in ("fault", "expected", "measured", "ms", "stale moved", "held"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["fault"], r["expected"], r["outcome"], "-" if r["ms"] is None else f"{r['ms']:.1f}",
                      "YES" if r["stale_moved"] else "no", "yes" if r["held"] else "NO")
    for name in failed_cases:
        table.add_row(name, "-", "the test failed before measuring", "-", "?", "NO")
    Console(width=200).print(table)
    if proc.returncode != 0:
        print(proc.stdout[-3000:])
    held = sum(r["held"] for r in rows)
    print(f"faults: {held}/{len(rows) + len(failed_cases)} held")
    return 0 if held == len(rows) + len(failed_cases) and proc.returncode == 0 else 1


def _failed_without_row(junit: Path, rows: list[dict]) -> list[str]:
    """Test cases that failed or errored (pytest's JUnit XML): their rows count as not held, and a case that
    failed before writing a row gets one."""
    import xml.etree.ElementTree as ET

    if not junit.exists():
        return ["pytest did not run"]
    bad = {case.get("name") for case in ET.parse(junit).iter("testcase")
           if case.find("failure") is not None or case.find("error") is not None}
    for r in rows:
        if r["test"] in bad:
            r["held"] = False
    return sorted(bad - {r["test"] for r in rows})


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
