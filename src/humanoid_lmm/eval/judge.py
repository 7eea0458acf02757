"""The verdict of a behaviour check: every condition it states, measured, with the first one as headline.

    j = Judge("raise_right_arm")
    j.need("right wrist >= 0.3 m above the shoulder, fraction of frames", frac, ">=", 0.2)
    j.need("left arm moved [m]", moved, "<", 0.2)
    j.result()   # BehaviourResult(passed=all conditions hold, value/threshold of the first one)
"""
from __future__ import annotations

import operator
from dataclasses import dataclass

__all__ = ["BehaviourResult", "Judge"]

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}


@dataclass(frozen=True)
class BehaviourResult:
    """Outcome of one check: ``value`` compared with ``threshold`` (the headline condition; units and
    every other condition in ``detail``)."""

    behaviour: str
    passed: bool
    value: float
    threshold: float
    detail: str


class Judge:
    """Collects (label, value, op, threshold) conditions; the behaviour is shown when all hold."""

    def __init__(self, name: str):
        self.name = name
        self.items: list[tuple[str, float, str, float, bool]] = []

    def need(self, label: str, value, op: str, threshold) -> bool:
        ok = bool(_OPS[op](float(value), float(threshold)))
        self.items.append((label, float(value), op, float(threshold), ok))
        return ok

    def count(self, label: str, n: int, times: int | None, at_least: int = 1) -> bool:
        """``n`` repetitions: exactly ``times`` when a count was asked for, else at least ``at_least``."""
        if times is None:
            return self.need(f"{label} (at least)", n, ">=", at_least)
        return self.need(f"{label} (exactly)", n, "==", times)

    def result(self) -> BehaviourResult:
        passed = all(ok for *_, ok in self.items)
        label, value, op, thr, _ = self.items[0]
        parts = [f"{lab} {v:.3g} {o} {t:.3g}{'' if ok else ' FAILED'}" for lab, v, o, t, ok in self.items]
        return BehaviourResult(self.name, passed, value, thr, f"{self.name}: " + "; ".join(parts))
