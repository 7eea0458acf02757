"""Normalise a typed or recognised command and accept it, or refuse it with a reason.

Refusals (CommandRejected.reason): "empty", "too_long", "not_english" (checked here), then the semantic
gate's "out_of_scope", "unsafe", "too_many_actions", "duration_too_long" (:mod:`humanoid_lmm.speech.gate`: by meaning, with
the closest things the robot can do as ``suggestions``). A refused command never reaches the motion
model, so nothing reaches the robot.
"""

from __future__ import annotations

import re
import unicodedata

from humanoid_lmm.errors import CommandRejected
from humanoid_lmm.speech.config import SpeechConfig

__all__ = ["normalize_command", "accept_command", "understand_command"]

_KEEP = re.compile(r"[^a-z0-9' ]+")


def normalize_command(text: str) -> str:
    """Lower-case ASCII words separated by single spaces ("  Wave, your RIGHT hand! " -> "wave your right hand")."""
    text = unicodedata.normalize("NFKC", text).lower().replace("-", " ")
    return " ".join(_KEEP.sub(" ", text).split())


def _letters(text: str) -> tuple[int, int]:
    letters = [c for c in text if c.isalpha()]
    return len(letters), sum(1 for c in letters if c.isascii())


def _basic_checks(text: str, config: SpeechConfig) -> str:
    if not isinstance(text, str):
        raise CommandRejected(f"command must be text, got {type(text).__name__}", "empty")
    raw = text.strip()
    if not raw:
        raise CommandRejected("empty command: say or type what the robot should do, e.g. 'wave your right hand'", "empty")
    if len(raw) > config.max_command_chars:
        raise CommandRejected(
            f"command is {len(raw)} characters; the limit is {config.max_command_chars} (config/speech.yaml)", "too_long"
        )
    n_letters, n_ascii = _letters(raw)
    if n_letters == 0 or n_ascii / n_letters < 0.8:
        raise CommandRejected(f"command {raw[:40]!r} is not English text; commands are English only", "not_english")
    return normalize_command(raw)


def understand_command(text: str, config: SpeechConfig, gate=None):
    """:class:`humanoid_lmm.speech.gate.AcceptedCommand` for ``text`` (its ``caption`` is what the motion
    model gets), or CommandRejected naming why it was refused. ``gate``: default the process-wide one."""
    from humanoid_lmm.speech.gate import CommandGate

    command = _basic_checks(text, config)
    return (gate or CommandGate.load()).accept(command)


def accept_command(text: str, config: SpeechConfig, gate=None) -> str:
    """Return the normalised command, or raise CommandRejected naming why it was refused."""
    return understand_command(text, config, gate).said
