"""Who may move the robot: the validator's signature on a plan, and authorised e-stop resets.

Every launch makes a fresh random key (`new_launch_key`) that only the launcher's processes receive (a 0600
key file named by HUMANOID_LMM_KEY_FILE); nothing else on the ROS graph has it. The validator signs each plan it
passed - an HMAC-SHA256 over the plan's canonical bytes (mode, reason, controller inputs, reference, command id,
creation time) and the time of validation. The streamer plays a plan only if the signature is right, it is
fresh (`max_age_s` after validation) and its command id was not played before. A reset of a latched e-stop
is a signed, time-stamped token the same way.

SROS2 (DDS-Security) would do this at the transport: the pip ROS 2 wheels ship Fast DDS without the `ros2
security` tooling (no ros2cli wheel) to create a keystore, so it is not used (docs/safety.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
import time
from pathlib import Path

from humanoid_lmm.errors import SafetyError
from humanoid_lmm.execution import ExecutionPlan

__all__ = ["KEY_ENV", "PlanSigner", "load_launch_key", "new_launch_key"]

KEY_ENV = "HUMANOID_LMM_KEY_FILE"
_VERSION = "hmac-sha256-v1"


def new_launch_key(directory: str | Path | None = None) -> Path:
    """Write a fresh 256-bit key to a new 0600 file; returns its path (give it to the nodes in KEY_ENV)."""
    fd, path = tempfile.mkstemp(prefix="humanoid_lmm_key_", dir=directory)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
    os.chmod(path, 0o600)
    return Path(path)


def load_launch_key(path: str | Path | None = None) -> bytes:
    """The launch key from `path` or the file named by HUMANOID_LMM_KEY_FILE (SafetyError if there is none)."""
    path = path or os.environ.get(KEY_ENV)
    if not path:
        raise SafetyError(f"no launch key: {KEY_ENV} is not set (plans and e-stop resets are signed with it; "
                          "start the graph with `humanoid-lmm up` or give --key-file)")
    try:
        text = Path(path).read_text().strip()
        key = bytes.fromhex(text)
    except (OSError, ValueError) as e:
        raise SafetyError(f"launch key {path} unreadable: {e}") from None
    if len(key) < 16:
        raise SafetyError(f"launch key {path} is too short")
    return key


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that also takes non-ASCII text (hmac.compare_digest raises on it for str)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


class PlanSigner:
    def __init__(self, key: bytes):
        self._key = bytes(key)
        self._played: set[str] = set()

    def _mac(self, *parts: bytes) -> str:
        return hmac.new(self._key, b"|".join(parts), hashlib.sha256).hexdigest()

    # ------------------------------------------------------------------ plans
    def attest(self, plan: ExecutionPlan, now: float | None = None) -> ExecutionPlan:
        """The plan with the validator's signature (validated at `now`, unix time [s])."""
        t = f"{time.time() if now is None else now:.6f}"
        return plan.replace(attestation=f"{_VERSION}:{t}:{self._mac(b'plan', t.encode(), plan.digest_bytes())}")

    def check(self, plan: ExecutionPlan, max_age_s: float, now: float | None = None) -> float:
        """Raise SafetyError unless the plan is signed with this key, validated at most `max_age_s` ago and not
        played before; returns its age [s]. Marks its command id as played."""
        now = time.time() if now is None else now
        try:
            version, t, mac = plan.attestation.split(":")
            attested = float(t)
        except ValueError:
            raise SafetyError("plan refused: not attested by the validator (no valid signature)") from None
        if version != _VERSION or not _same(mac, self._mac(b"plan", t.encode(), plan.digest_bytes())):
            raise SafetyError("plan refused: its signature does not match (not from this launch's validator, or "
                              "changed after validation)")
        age = now - attested
        if not -1.0 <= age <= max_age_s:  # NaN too
            raise SafetyError(f"plan refused: validated {age:.1f} s ago, the limit is {max_age_s:g} s (stale)")
        key = plan.command_id or mac
        if key in self._played:
            raise SafetyError(f"plan refused: command {plan.command_id!r} was already played (replay)")
        self._played.add(key)
        return age

    # ------------------------------------------------------------------ e-stop reset
    def reset_token(self, now: float | None = None) -> str:
        t = f"{time.time() if now is None else now:.6f}"
        return f"{t}:{self._mac(b'reset', t.encode())}"

    def check_reset(self, token: str, max_age_s: float = 5.0, now: float | None = None) -> None:
        now = time.time() if now is None else now
        try:
            t, mac = str(token).strip().split(":")
            age = now - float(t)
        except ValueError:
            raise SafetyError("e-stop reset refused: not an authorised reset token") from None
        if not _same(mac, self._mac(b"reset", t.encode())):
            raise SafetyError("e-stop reset refused: wrong signature (not an authorised source)")
        if not -1.0 <= age <= max_age_s:
            raise SafetyError(f"e-stop reset refused: token {age:.1f} s old (limit {max_age_s:g} s)")
