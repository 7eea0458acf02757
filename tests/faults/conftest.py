"""Fault-injection suite: each case sends a motion, injects a fault mid-motion and measures the outcome on the
simulated robot itself (what it applies, its ground-truth pelvis).

Every case records one row (fault, expected, measured outcome, time to hold or damping [ms], whether anything
stale moved the robot) through the `fault_row` fixture; bench/bench_faults.py runs the suite and prints them
(HUMANOID_LMM_FAULT_REPORT names the JSON-lines file the rows go to). Shared helpers: fault_helpers.py.
"""

import json
import os

import pytest

pytestmark = pytest.mark.faults


@pytest.fixture
def fault_row(request):
    path = os.environ.get("HUMANOID_LMM_FAULT_REPORT")

    def record(fault: str, expected: str, outcome: str, ms: float | None, stale_moved: bool, held: bool) -> None:
        row = {"fault": fault, "expected": expected, "outcome": outcome, "ms": None if ms is None else round(ms, 1),
               "stale_moved": bool(stale_moved), "held": bool(held), "test": request.node.name}
        print("FAULT", json.dumps(row))
        if path:
            with open(path, "a") as f:
                f.write(json.dumps(row) + "\n")

    return record
