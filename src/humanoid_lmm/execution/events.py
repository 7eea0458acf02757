"""Event log with counters: every safety event is logged and kept for diagnostics (DiagnosticArray)."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass

__all__ = ["Event", "EventLog"]

log = logging.getLogger("humanoid_lmm.control")

# Events at these levels make the diagnostics status ERROR / WARN.
ERROR_KINDS = {"estop", "watchdog_state", "non_finite", "second_publisher", "damping", "tick_exception",
               "reset_refused", "plan_refused"}
WARN_KINDS = {"clip_position", "clip_velocity", "clip_acceleration", "clip_torque", "rejected_crc",
              "rejected_mode_machine", "motion_switcher_skipped"}


@dataclass(frozen=True)
class Event:
    t: float  # time.monotonic() [s]
    kind: str
    message: str


class EventLog:
    """Thread-safe counters + the last `maxlen` events. Clips are counted every time, logged rate-limited."""

    def __init__(self, maxlen: int = 256, log_interval_s: float = 1.0):
        self._lock = threading.Lock()
        self._events: deque[Event] = deque(maxlen=maxlen)
        self._counts: Counter[str] = Counter()
        self._last_logged: dict[str, float] = {}
        self._log_interval_s = log_interval_s

    def record(self, kind: str, message: str = "", level: int | None = None) -> Event:
        now = time.monotonic()
        ev = Event(now, kind, message)
        with self._lock:
            self._counts[kind] += 1
            self._events.append(ev)
            last = self._last_logged.get(kind)
            loud = last is None or now - last >= self._log_interval_s or kind in ERROR_KINDS
            if loud:
                self._last_logged[kind] = now
            n = self._counts[kind]
        if loud:
            lvl = level if level is not None else (logging.ERROR if kind in ERROR_KINDS else
                                                   logging.WARNING if kind in WARN_KINDS else logging.INFO)
            log.log(lvl, "[%s #%d] %s", kind, n, message)
        return ev

    def count(self, kind: str) -> int:
        with self._lock:
            return self._counts[kind]

    def counters(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def events(self, kind: str | None = None) -> list[Event]:
        with self._lock:
            return [e for e in self._events if kind is None or e.kind == kind]

    def first(self, kind: str) -> Event | None:
        evs = self.events(kind)
        return evs[0] if evs else None

    def status(self) -> str:
        """'ERROR' / 'WARN' / 'OK' summary level for diagnostics."""
        c = self.counters()
        if any(c.get(k) for k in ERROR_KINDS):
            return "ERROR"
        if any(c.get(k) for k in WARN_KINDS):
            return "WARN"
        return "OK"

    def diagnostics(self) -> dict:
        """Plain dict the ROS node turns into a DiagnosticStatus (level, message, key/values)."""
        evs = self.events()
        return {"level": self.status(), "message": evs[-1].message if evs else "no events",
                "values": {k: str(v) for k, v in sorted(self.counters().items())}}
