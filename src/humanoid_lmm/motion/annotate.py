"""Annotation hook: anything that turns a motion (and optionally rendered frames) into a ``HierText``.

Plug in a video-LMM by writing a callable with the :class:`Annotator` signature. The shipped
:class:`RuleAnnotator` describes the motion from kinematics alone: which limbs move, in which direction,
how fast; it produces an overall, an upper-body and a lower-body sentence (MotionLib-style hierarchy).
"""

from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from .dataset import HierText
from .motion import Motion
from .ops import heading
from .skeleton import joint_index

__all__ = ["Annotator", "RuleAnnotator", "annotate"]


@runtime_checkable
class Annotator(Protocol):
    """``annotator(motion, frames=None) -> HierText``; ``frames``: optional rendered (H, W, 3) uint8 images."""

    def __call__(self, motion: Motion, frames: Sequence[np.ndarray] | None = None) -> HierText: ...


def _speed_word(v: float) -> str:
    return "slowly" if v < 0.6 else ("quickly" if v > 1.6 else "at a steady pace")


class RuleAnnotator:
    """Kinematic rule-based describer.

    Args:
        move_thresh: range of motion [m] of a hand / root above which it counts as moving.
        raise_thresh: a hand higher than the head joint by this much [m] counts as raised.
    """

    def __init__(self, move_thresh: float = 0.15, raise_thresh: float = 0.0) -> None:
        self.move_thresh, self.raise_thresh = move_thresh, raise_thresh

    def _upper(self, pos: np.ndarray) -> list[str]:
        """Verb phrases for the arms ("raises the left hand", "moves both hands up and down")."""
        head = pos[:, joint_index("head"), 2]
        root = pos[:, 0]
        parts = []
        for side in ("right", "left"):
            w = pos[:, joint_index(f"{side}_wrist")] - root  # root-relative path (T, 3)
            rng = float(np.ptp(w, axis=0).max())
            raised = bool((pos[:, joint_index(f"{side}_wrist"), 2] > head + self.raise_thresh).mean() > 0.2)
            if rng < self.move_thresh and not raised:
                continue
            axis = int(np.argmax(np.ptp(w, axis=0)))
            how = {0: "forward and back", 1: "from side to side", 2: "up and down"}[axis]
            verb = "raises" if raised else "moves"
            parts.append(f"{verb} the {side} hand" + ("" if raised and axis == 2 else f" {how}"))
        if len(parts) == 2 and parts[0].replace("right", "X") == parts[1].replace("left", "X"):
            return [parts[0].replace("the right hand", "both hands")]
        return parts

    def _lower(self, pos: np.ndarray, fps: float, yaw: np.ndarray) -> tuple[str, str]:
        root = pos[:, 0]
        T = len(root)
        disp = root[-1, :2] - root[0, :2]
        dist = float(np.linalg.norm(disp))
        speed = dist / max((T - 1) / fps, 1e-9)
        z = root[:, 2]
        dz = float(z.max() - z[0])
        dz_down = float(z[0] - z.min())
        turn = float(np.degrees(np.unwrap(yaw)[-1] - yaw[0]))
        if dist > 0.25:
            f = np.array([np.cos(yaw[0]), np.sin(yaw[0])])
            fwd = float(disp @ f) / dist
            lat = float(disp @ np.array([-f[1], f[0]])) / dist
            direction = "forward" if fwd > 0.7 else "backward" if fwd < -0.7 else ("to the left" if lat > 0 else "to the right")
            verb = "runs" if speed > 2.0 else "walks"
            lower = f"the legs step {direction} {_speed_word(speed)}"
            overall = f"a person {verb} {direction}"
        elif bool((pos[:, [10, 11], 2].min(1) > 0.06).any()) or dz > 0.15:
            lower, overall = "the legs push off and the body jumps", "a person jumps"
        elif dz_down > 0.2:
            lower, overall = "the knees bend into a squat and straighten again", "a person squats"
        else:
            lift = pos[:, [10, 11], 2].max(0) - pos[0, [10, 11], 2]  # (2,) toe rise [m]
            if lift.max() > 0.2:
                side = "left" if lift[0] >= lift[1] else "right"
                lower, overall = f"the {side} leg lifts off the ground", f"a person lifts the {side} leg"
            else:
                lower, overall = "the feet stay in place", "a person stands"
        if abs(turn) > 45:
            overall += f" and turns {'left' if turn > 0 else 'right'}"
        return overall, lower

    def __call__(self, motion: Motion, frames: Sequence[np.ndarray] | None = None) -> HierText:
        pos = motion.positions()
        overall, lower = self._lower(pos, motion.fps, heading(motion))
        phrases = self._upper(pos)
        # trunk lean: head ahead of the pelvis along the initial facing [m]
        yaw0 = heading(motion)[0]
        rel = pos[:, joint_index("head"), :2] - pos[:, 0, :2]
        lean = rel @ np.array([np.cos(yaw0), np.sin(yaw0)])
        if float(lean.max() - lean[0]) > 0.25:
            phrases.insert(0, "bends the upper body forward")
        if phrases:
            joined = " and ".join(phrases) if len(phrases) < 3 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
            overall += (", " if " and " in overall or " and " in joined else " and ") + joined
            upper = "the person " + joined
        else:
            upper = "the arms stay mostly still"
        return HierText(overall=overall, upper_body=upper, lower_body=lower)


def annotate(motion: Motion, annotator: Annotator | None = None, frames=None) -> HierText:
    """Describe ``motion`` with ``annotator`` (default :class:`RuleAnnotator`)."""
    return (annotator or RuleAnnotator())(motion, frames)
