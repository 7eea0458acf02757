"""Watchdog: robot state freshness and upstream liveness (pure: the caller passes monotonic time)."""

from __future__ import annotations

from humanoid_lmm.control.config import WatchdogConfig

__all__ = ["Watchdog"]


class Watchdog:
    """`check(t)` returns None or a reason: "watchdog_state" (no rt/lowstate for > state_timeout_s) or
    "watchdog_upstream" (armed upstream, i.e. live target feed mid-motion, silent for > upstream_timeout_s)."""

    def __init__(self, cfg: WatchdogConfig | None = None):
        self.cfg = cfg or WatchdogConfig()
        self._state_t: float | None = None
        self._upstream_t: float | None = None

    def state_seen(self, t: float) -> None:
        self._state_t = t

    def upstream_seen(self, t: float) -> None:
        self._upstream_t = t

    def disarm_upstream(self) -> None:
        self._upstream_t = None

    @property
    def upstream_armed(self) -> bool:
        return self._upstream_t is not None

    def state_age(self, t: float) -> float:
        return float("inf") if self._state_t is None else t - self._state_t

    def check(self, t: float) -> str | None:
        if self.state_age(t) > self.cfg.state_timeout_s:
            return "watchdog_state"
        if self._upstream_t is not None and t - self._upstream_t > self.cfg.upstream_timeout_s:
            return "watchdog_upstream"
        return None
