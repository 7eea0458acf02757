"""Audio in: WAV files and the microphone (ALSA `arecord`), as 16-bit mono PCM at the recogniser's rate."""

from __future__ import annotations

import shutil
import subprocess
import wave
from math import gcd
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from humanoid_lmm.errors import HumanoidLMMError

__all__ = ["AudioError", "read_wav", "to_rate", "record_microphone"]


class AudioError(HumanoidLMMError):
    """Audio could not be read or recorded."""


def to_rate(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Resample int16/float mono samples from `rate` to `target` Hz; returns int16."""
    x = samples.astype(np.float64)
    if rate != target:
        g = gcd(rate, target)
        x = resample_poly(x, target // g, rate // g)
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def read_wav(path: str | Path, target_rate: int = 16000) -> np.ndarray:
    """Mono int16 samples at `target_rate` from a PCM WAV file (any rate, 8/16/32-bit, any channels)."""
    path = Path(path)
    try:
        with wave.open(str(path), "rb") as w:
            rate, width, channels, n = w.getframerate(), w.getsampwidth(), w.getnchannels(), w.getnframes()
            raw = w.readframes(n)
    except (OSError, EOFError, RuntimeError, wave.Error) as e:
        raise AudioError(f"{path}: not a readable PCM WAV file: {e}") from e
    dtype = {1: np.uint8, 2: np.int16, 4: np.int32}.get(width)
    if dtype is None:
        raise AudioError(f"{path}: unsupported sample width {width} bytes")
    x = np.frombuffer(raw, dtype=dtype).astype(np.float64)
    if width == 1:
        x = (x - 128.0) * 256.0
    elif width == 4:
        x = x / 65536.0
    if channels > 1:
        x = x.reshape(-1, channels).mean(axis=1)
    if x.size == 0:
        raise AudioError(f"{path}: no audio frames")
    return to_rate(x, rate, target_rate)


def record_microphone(seconds: float, rate: int = 16000, device: str | None = None) -> np.ndarray:
    """Record `seconds` of mono int16 audio from ALSA with `arecord` (Debian package alsa-utils)."""
    exe = shutil.which("arecord")
    if exe is None:
        raise AudioError("no microphone recorder: install alsa-utils (arecord) or pass a WAV file")
    cmd = [exe, "-q", "-f", "S16_LE", "-c", "1", "-r", str(rate), "-t", "raw", "-d", str(max(1, round(seconds)))]
    if device:
        cmd += ["-D", device]
    try:
        out = subprocess.run(cmd, capture_output=True, timeout=seconds + 5, check=True).stdout
    except (subprocess.SubprocessError, OSError) as e:
        raise AudioError(f"microphone recording failed ({' '.join(cmd)}): {e}") from e
    return np.frombuffer(out, dtype=np.int16).copy()
