"""Progress bars with ETA for long jobs, mirrored into a log file: one small helper shared by every CLI.

    from humanoid_lmm.progress import add_progress_args, log_to_file, progress_bar
    add_progress_args(parser)                         # --no-progress, --log-file PATH
    log_to_file(args.log_file or out / "train.log")   # every humanoid_lmm log line, timestamped
    for batch in progress_bar(range(steps), desc="train", enabled=not args.no_progress):
        ...

The bar (tqdm, on stderr) shows rate and ETA; independently of `--no-progress` the same figures
(n/total, %, rate, elapsed, ETA) go to the `humanoid_lmm.progress` logger every `log_every_s` seconds
and when the bar closes, so a log file of a CI or background run says how far it got.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path

from tqdm import tqdm

__all__ = ["ProgressBar", "add_progress_args", "log_to_file", "progress_bar"]

log = logging.getLogger("humanoid_lmm.progress")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def add_progress_args(parser: argparse.ArgumentParser, no_progress: bool = True) -> None:
    """Add --log-file (and --no-progress unless the parser already has it: `no_progress=False`)."""
    if no_progress:
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (CI); the log file still gets progress lines")
    parser.add_argument("--log-file", type=Path, default=None, help="also write the log (with progress and ETA) here")


def log_to_file(path: str | Path | None, level: int = logging.INFO) -> logging.Handler | None:
    """Send the `humanoid_lmm` loggers to `path` (appending, folders created); None: do nothing.
    Returns the handler (remove it with `logging.getLogger("humanoid_lmm").removeHandler(h)`)."""
    if path is None:
        return None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("humanoid_lmm")
    for h in root.handlers:  # the same file twice would double every line
        if isinstance(h, logging.FileHandler) and Path(h.baseFilename) == path.resolve():
            return h
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(level)
    root.addHandler(handler)
    if root.getEffectiveLevel() > level:
        root.setLevel(level)
    return handler


def _hms(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):  # NaN / unknown
        return "?"
    s = int(round(seconds))
    return f"{s // 3600:d}:{s % 3600 // 60:02d}:{s % 60:02d}"


class ProgressBar(tqdm):
    """tqdm that also logs its progress line (with ETA) every `log_every_s` seconds and at the end."""

    def __init__(self, *args, log_every_s: float = 30.0, **kwargs):
        self._log_every = float(log_every_s)
        self._last_log = time.monotonic()
        self._start_n = kwargs.get("initial", 0)
        super().__init__(*args, **kwargs)

    def _progress_line(self) -> str:
        elapsed = time.monotonic() - self._start_mono
        done = self.n - self._start_n
        rate = done / elapsed if elapsed > 0 else 0.0
        if self.total:
            eta = (self.total - self.n) / rate if rate > 0 else float("inf")
            return (f"{self.desc or 'progress'}: {self.n}/{self.total} ({100.0 * self.n / self.total:.0f}%), "
                    f"{rate:.3g} {self.unit}/s, elapsed {_hms(elapsed)}, ETA {_hms(eta)}")
        return f"{self.desc or 'progress'}: {self.n} {self.unit}, {rate:.3g} {self.unit}/s, elapsed {_hms(elapsed)}"

    def update(self, n=1):
        out = super().update(n)
        now = time.monotonic()
        if now - self._last_log >= self._log_every:
            self._last_log = now
            log.info(self._progress_line())
        return out

    def close(self):
        if not getattr(self, "_closed_logged", False) and hasattr(self, "_start_mono"):
            self._closed_logged = True
            done = " (done)" if self.total and self.n >= self.total else ""
            log.info(self._progress_line() + done)
        super().close()
        sink = getattr(self, "_sink", None)
        if sink is not None:
            sink.close()

    def reset_clock(self) -> None:
        self._start_mono = time.monotonic()


def progress_bar(iterable=None, total: int | None = None, desc: str = "", unit: str = "it", enabled: bool = True,
                 initial: int = 0, log_every_s: float = 30.0, **kwargs) -> ProgressBar:
    """A progress bar that logs its progress and ETA; use as tqdm. Not `enabled`: drawn to os.devnull (so it
    still counts and logs; tqdm's own `disable` would stop counting)."""
    sink = None if enabled else open(os.devnull, "w")  # noqa: SIM115 - closed with the bar
    bar = ProgressBar(iterable, total=total, desc=desc, unit=unit, initial=initial, file=sink,
                      dynamic_ncols=enabled, log_every_s=log_every_s, **kwargs)
    bar._sink = sink
    bar.reset_clock()
    return bar
