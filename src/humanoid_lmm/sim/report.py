"""`ValidationReport`: verdict, every failed check (time, joint, value, limit), metrics; JSON + summary."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

__all__ = ["Failure", "ValidationReport"]


@dataclass(frozen=True)
class Failure:
    """One failed check. `time_s` is trajectory time of the worst instance; `count` how many frames/steps."""

    check: str  # e.g. "joint_velocity", "self_collision", "fall"
    message: str
    value: float
    limit: float
    time_s: float | None = None
    joint: str | None = None  # joint or body (pair) name
    count: int = 1

    def __str__(self) -> str:
        where = f" at t={self.time_s:.2f}s" if self.time_s is not None else ""
        who = f" [{self.joint}]" if self.joint else ""
        return f"{self.check}{who}{where}: {self.message} (value {self.value:.4g}, limit {self.limit:.4g})"


@dataclass
class ValidationReport:
    """Result of `validate`: `passed` is True only if no check failed."""

    robot: str
    mode: str  # "upper_body" | "whole_body"
    failures: list[Failure] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    repairs: list[str] = field(default_factory=list)  # what validate_and_repair changed, in order
    balance: str = ""  # how it was executed: controller, transport, free-standing or on the gantry
    duration_s: float = 0.0
    frames: int = 0
    checks_run: list[str] = field(default_factory=list)
    reason: str = ""  # why the plan has its mode (the planner's words)
    controller: str = ""  # the controller that executed it (e.g. g1_wbt_ppo)
    assist: str = "none"  # "none" | "gantry" (simulation only)
    transport: str = "lowcmd"  # "lowcmd" | "arm_sdk"

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"

    def failed_checks(self) -> list[str]:
        return sorted({f.check for f in self.failures})

    def to_dict(self) -> dict:
        d = asdict(self)
        d["verdict"] = self.verdict
        return d

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=True)

    @classmethod
    def from_dict(cls, d: dict) -> "ValidationReport":
        d = dict(d)
        d.pop("verdict", None)
        d["failures"] = [Failure(**f) for f in d.get("failures", [])]
        return cls(**d)

    @classmethod
    def from_json(cls, text: str) -> "ValidationReport":
        return cls.from_dict(json.loads(text))

    def __str__(self) -> str:
        lines = [
            f"validation {self.verdict.upper()}: {self.robot}, {self.mode} mode, {self.frames} frames, {self.duration_s:.2f} s",
        ]
        if self.balance:
            lines.append(f"  execution: {self.balance}")
        if self.reason:
            lines.append(f"  mode reason: {self.reason}")
        for r in self.repairs:
            lines.append(f"  repair: {r}")
        for f in self.failures:
            lines.append(f"  FAIL {f}")
        for k in sorted(self.metrics):
            lines.append(f"  {k} = {self.metrics[k]:.4g}")
        return "\n".join(lines)

    def rich_table(self):
        """A `rich.table.Table` of the failures and metrics (for the CLI)."""
        from rich.table import Table

        t = Table(title=f"{self.robot} {self.mode}: {self.verdict.upper()} ({self.balance})", show_lines=False)
        for col in ("check", "joint/body", "t [s]", "value", "limit", "count"):
            t.add_column(col)
        for f in self.failures:
            t.add_row(f.check, f.joint or "", "" if f.time_s is None else f"{f.time_s:.2f}", f"{f.value:.4g}", f"{f.limit:.4g}", str(f.count), style="red")
        for k in sorted(self.metrics):
            t.add_row(k, "", "", f"{self.metrics[k]:.4g}", "", "", style="dim")
        return t
