"""RateLoop: a thread calling fn() on absolute deadlines; records tick start times for jitter statistics."""

from __future__ import annotations

import logging
import threading
import time

import numpy as np

__all__ = ["RateLoop"]

log = logging.getLogger("humanoid_lmm.control")


class RateLoop:
    def __init__(self, fn, rate_hz: float, name: str = "rate-loop", history: int = 20000, on_error=None):
        self.fn, self.period, self.name = fn, 1.0 / float(rate_hz), name
        self.on_error = on_error  # called with the exception before the loop ends (e.g. to latch damping)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t = np.zeros(history)
        self._n = 0
        self.overruns = 0
        self.error: BaseException | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)

    def _run(self) -> None:
        nxt = time.perf_counter()
        while not self._stop.is_set():
            now = time.perf_counter()
            self._t[self._n % len(self._t)] = now
            self._n += 1
            try:
                self.fn()
            except BaseException as e:  # noqa: BLE001 - reported, loop ends; owner sees .error
                self.error = e
                log.exception("%s: tick failed; loop stopped", self.name)
                if self.on_error is not None:
                    self.on_error(e)
                return
            nxt += self.period
            delay = nxt - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            elif delay < -self.period:  # fell behind by more than a period: resynchronise
                self.overruns += 1
                nxt = time.perf_counter()

    def periods(self) -> np.ndarray:
        """Measured tick-to-tick periods [s] of the recorded history."""
        n = min(self._n, len(self._t))
        if n < 2:
            return np.zeros(0)
        if self._n <= len(self._t):
            t = self._t[:n]
        else:
            i = self._n % len(self._t)
            t = np.concatenate([self._t[i:], self._t[:i]])
        return np.diff(t)

    def reset_stats(self) -> None:
        self._n = 0
        self.overruns = 0
