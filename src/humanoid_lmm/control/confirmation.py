"""`ConfirmationGate`: in real mode a plan waits for an operator's confirmation before it may move the robot.

Pure (no clock, no ROS): every call takes `now` [s] from one monotonic clock. A plan is held pending by
`hold`; `confirm` / `reject` decide it; a pending plan that is not confirmed within `timeout_s` expires.
`release(plan_id, now)` is the only way out: True exactly once, for a confirmed plan, never for a pending,
rejected, expired, released or unknown one. So a plan that nobody confirmed is never executed.

    gate = ConfirmationGate(timeout_s=30.0)
    gate.hold("1733.000000001", now=t)
    gate.confirm("1733.000000001", now=t + 4.0)      # PlanState.CONFIRMED
    if gate.release("1733.000000001", now=t + 4.1):  # True once
        stream(plan)

Thread-safe (one lock): ROS callbacks may confirm while the streamer waits.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from enum import Enum

from humanoid_lmm.errors import ConfigError

__all__ = ["ConfirmationGate", "PlanState"]


class PlanState(str, Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    EXPIRED = "expired"
    RELEASED = "released"
    UNKNOWN = "unknown"

    @property
    def final(self) -> bool:
        """No later decision changes it (CONFIRMED still waits for its release)."""
        return self not in (PlanState.PENDING, PlanState.CONFIRMED)


@dataclass
class _Plan:
    held_at: float
    timeout_s: float
    state: PlanState = PlanState.PENDING
    decided_at: float | None = None


class ConfirmationGate:
    """Plans held until confirmed; see the module docstring. `timeout_s` [s] > 0; `history` plans remembered."""

    def __init__(self, timeout_s: float = 30.0, history: int = 256):
        if not timeout_s > 0:
            raise ConfigError(f"ConfirmationGate.timeout_s must be > 0 s, got {timeout_s}")
        self.timeout_s = float(timeout_s)
        self._history = int(history)
        self._plans: OrderedDict[str, _Plan] = OrderedDict()
        self._lock = threading.Lock()

    def _update(self, plan_id: str, now: float) -> _Plan | None:
        plan = self._plans.get(plan_id)
        if plan is not None and plan.state is PlanState.PENDING and now - plan.held_at > plan.timeout_s:
            plan.state, plan.decided_at = PlanState.EXPIRED, plan.held_at + plan.timeout_s
        return plan

    def hold(self, plan_id: str, now: float, timeout_s: float | None = None) -> None:
        """Hold a new plan pending from `now` for `timeout_s` (default: the gate's); a known id is refused."""
        timeout = self.timeout_s if timeout_s is None else float(timeout_s)
        if not timeout > 0:
            raise ConfigError(f"hold({plan_id!r}): timeout_s must be > 0 s, got {timeout_s}")
        with self._lock:
            if plan_id in self._plans:
                raise ConfigError(f"plan {plan_id!r} was already held ({self._plans[plan_id].state.value})")
            self._plans[plan_id] = _Plan(held_at=float(now), timeout_s=timeout)
            while len(self._plans) > self._history:
                oldest = next(iter(self._plans))
                if self._plans[oldest].state is PlanState.PENDING:  # never forget an undecided plan silently
                    self._plans[oldest].state = PlanState.EXPIRED
                self._plans.pop(oldest)

    def _decide(self, plan_id: str, now: float, to: PlanState) -> PlanState:
        with self._lock:
            plan = self._update(plan_id, now)
            if plan is None:
                return PlanState.UNKNOWN
            if plan.state is PlanState.PENDING or (to is PlanState.REJECTED and plan.state is PlanState.CONFIRMED):
                plan.state, plan.decided_at = to, float(now)
            return plan.state

    def confirm(self, plan_id: str, now: float) -> PlanState:
        """Confirm a pending plan; returns its state after the call (EXPIRED / REJECTED / UNKNOWN: refused)."""
        return self._decide(plan_id, now, PlanState.CONFIRMED)

    def reject(self, plan_id: str, now: float) -> PlanState:
        """Reject a pending or confirmed (not yet released) plan."""
        return self._decide(plan_id, now, PlanState.REJECTED)

    def state(self, plan_id: str, now: float) -> PlanState:
        with self._lock:
            plan = self._update(plan_id, now)
            return PlanState.UNKNOWN if plan is None else plan.state

    def release(self, plan_id: str, now: float) -> bool:
        """True exactly once, for a confirmed plan (it becomes RELEASED); False for every other state."""
        with self._lock:
            plan = self._update(plan_id, now)
            if plan is None or plan.state is not PlanState.CONFIRMED:
                return False
            plan.state = PlanState.RELEASED
            return True

    def remaining_s(self, plan_id: str, now: float) -> float:
        """Seconds left to confirm a pending plan (0 for any other state)."""
        with self._lock:
            plan = self._update(plan_id, now)
            if plan is None or plan.state is not PlanState.PENDING:
                return 0.0
            return max(0.0, plan.held_at + plan.timeout_s - now)

    def pending(self, now: float) -> list[str]:
        """Ids of the plans still waiting for a decision, oldest first."""
        with self._lock:
            return [pid for pid in list(self._plans) if self._update(pid, now).state is PlanState.PENDING]
