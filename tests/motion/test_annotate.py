"""Annotation hook + rule-based annotator, and the pillow renderer."""

from __future__ import annotations

import numpy as np

from humanoid_lmm.motion import REST_PELVIS_HEIGHT, HierText, Motion, joint_index
from humanoid_lmm.motion.annotate import Annotator, RuleAnnotator, annotate
from humanoid_lmm.motion.render import contact_sheet, render_frame, render_motion_sheet


def _motion(T=60, fps=20.0, vx=0.0, vy=0.0, arm=None):
    t = np.arange(T) / fps
    root = np.stack([t * vx, t * vy, np.full(T, REST_PELVIS_HEIGHT)], -1)
    rot = np.zeros((T, 22, 3))
    if arm:
        j = joint_index(f"{arm}_shoulder")
        sign = 1.0 if arm == "right" else -1.0
        rot[:, j, 0] = sign * np.linspace(0, 2.6, T)  # arm from the side up over the head
    return Motion(fps, root, rot)


def test_rule_annotator_directions():
    a = RuleAnnotator()
    assert isinstance(a, Annotator)
    assert "walks forward" in a(_motion(vx=1.0)).overall
    assert "walks backward" in a(_motion(vx=-1.0)).overall
    assert "to the left" in a(_motion(vy=1.0)).overall
    assert a(_motion()).overall == "a person stands"


def test_rule_annotator_arm():
    h = annotate(_motion(arm="right"))
    assert isinstance(h, HierText)
    assert "right hand" in h.upper_body and "left" not in h.upper_body
    assert h.lower_body == "the feet stay in place"


def test_custom_annotator_plugs_in():
    calls = []

    def video_lmm(motion, frames=None):
        calls.append(len(frames))
        return HierText("someone does something")

    frames = [np.zeros((8, 8, 3), np.uint8)] * 2
    assert annotate(_motion(), video_lmm, frames).overall == "someone does something"
    assert calls == [2]


def test_render():
    m = _motion(T=10, arm="left")
    im = render_frame(m.positions()[0], size=64)
    arr = np.asarray(im)
    assert im.size == (64, 64) and (arr.min(-1) < 150).sum() > 20  # bones drawn
    sheet = render_motion_sheet(m, n=4, cols=2, size=50)
    assert sheet.size == (2 * 50 + 3 * 4, 2 * 50 + 3 * 4)
    assert contact_sheet([im, im, im], cols=3).size[0] == 3 * 64 + 4 * 4
