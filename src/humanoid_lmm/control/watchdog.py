"""Watchdog: robot state freshness (pure: the caller passes monotonic time)."""

from __future__ import annotations

from humanoid_lmm.control.config import WatchdogConfig

__all__ = ["Watchdog"]


class Watchdog:
    """`check(t)` returns None or "watchdog_state" (no rt/lowstate for more than state_timeout_s)."""

    def __init__(self, cfg: WatchdogConfig | None = None):
        self.cfg = cfg or WatchdogConfig()
        self._state_t: float | None = None

    def state_seen(self, t: float) -> None:
        self._state_t = t

    def state_age(self, t: float) -> float:
        return float("inf") if self._state_t is None else t - self._state_t

    def check(self, t: float) -> str | None:
        return "watchdog_state" if self.state_age(t) > self.cfg.state_timeout_s else None
