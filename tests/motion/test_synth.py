"""Procedural corpus: primitive registry, kinematic plausibility of every primitive, texts,
determinism, and the written MotionLib corpus."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from humanoid_lmm.motion import Motion, joint_index
from humanoid_lmm.motion.dataset import MotionLibDataset
from humanoid_lmm.motion.metrics import (
    foot_contacts,
    foot_speeds,
    joint_limit_violations,
    penetration,
)
from humanoid_lmm.motion.rotations import axis_angle_to_matrix
from humanoid_lmm.motion.synth import (
    PRIMITIVES,
    build_clip,
    clip_for_index,
    sample_clip,
    synthesize_corpus,
)
from humanoid_lmm.motion.synth.text import describe_sequence

CONTACT_HEIGHT = 0.01  # [m] toe joint this close to the ground = in contact


def _p(**kw):
    """Fixed primitive parameters, overridable."""
    return {"reps": 2, "speed": "", "amp": 1.0, "dur": 2.0, **kw}


def _plausibility(motion) -> dict:
    pos = motion.positions()
    contact = foot_contacts(pos, motion.fps, height=CONTACT_HEIGHT)
    both = contact & np.concatenate([contact[:1], contact[:-1]])  # in contact at t-1 and t
    speed = foot_speeds(pos, motion.fps)
    return {
        "stance_speed": float(speed[both].max()) if both.any() else 0.0,
        "min_foot_z": penetration(pos)["min_z"],
        "violations": joint_limit_violations(motion),
        "finite": bool(np.isfinite(pos).all()),
    }


def _check(motion, label):
    r = _plausibility(motion)
    assert r["finite"], label
    assert r["stance_speed"] < 0.01, f"{label}: planted foot slides at {r['stance_speed']:.4f} m/s"
    assert r["min_foot_z"] > -0.01, f"{label}: foot {r['min_foot_z']:.4f} m below the ground"
    assert not r["violations"], f"{label}: joint limits exceeded {r['violations']}"
    assert motion.fps == 20.0 and motion.n_frames % 4 == 0 and 40 <= motion.n_frames <= 200, label


def test_registry_has_40_primitives_with_5_paraphrases_each():
    assert len(PRIMITIVES) >= 40
    assert {p.category for p in PRIMITIVES.values()} == {"locomotion", "upper", "lower", "whole"}
    for name, prim in PRIMITIVES.items():
        assert len(set(prim.imperative)) >= 5 and len(set(prim.descriptive)) >= 5, name
        assert prim.upper and prim.lower, name
    for side in ("left", "right"):
        for stem in ("wave_{}", "raise_{}_arm", "point_{}", "punch_{}", "lunge_{}", "kick_{}", "knee_raise_{}",
                     "stand_on_{}_leg", "step_{}", "turn_{}"):
            assert stem.format(side) in PRIMITIVES


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_every_primitive_is_plausible(name):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    prim = PRIMITIVES[name]
    n_ok = 0
    while n_ok < 2:
        params = prim.sample(rng)
        motion = build_clip([(prim, params)])
        if motion.n_frames > 200:  # too long for a clip: sample_clip redraws these, so do we
            continue
        _check(motion, f"{name} {params}")
        n_ok += 1


def test_random_sequences_are_plausible_and_blended():
    rng = np.random.default_rng(123)
    n_multi = 0
    for k in range(25):
        motion, hier, texts, meta = sample_clip(rng)
        _check(motion, f"clip {k} {meta['primitives']}")
        n_multi += len(meta["primitives"]) > 1
        assert len(texts) >= 5 and motion.text == texts[0]
        assert hier.overall and hier.upper_body and hier.lower_body
    assert n_multi >= 5
    # the blend adds no pose jump: the fastest joint step in the chain is no faster than in its parts
    parts = [(PRIMITIVES["raise_right_arm"], _p(reps=1, dur=1.0)), (PRIMITIVES["squat"], _p(reps=1)),
             (PRIMITIVES["wave_left"], _p(reps=2))]

    def max_step(m):
        return np.linalg.norm(np.diff(m.positions(), axis=0), axis=-1).max()

    chained = max_step(build_clip(parts))
    assert chained <= max(max_step(build_clip([p])) for p in parts) + 0.005


def test_limit_checker_is_not_vacuous():
    rot = np.zeros((3, 22, 3))
    rot[:, joint_index("left_knee"), 1] = -0.6  # knee bent backwards
    assert "left_knee" in joint_limit_violations(Motion(20.0, np.zeros((3, 3)), rot))


def test_primitives_do_what_their_text_says():
    wr, wl = (build_clip([(PRIMITIVES[n], _p())]).positions() for n in ("wave_right", "wave_left"))
    head = joint_index("head")
    assert wr[:, joint_index("right_wrist"), 2].max() > wr[:, head, 2].max()
    assert wr[:, joint_index("left_wrist"), 2].max() < 1.0  # the other hand stays down
    assert wl[:, joint_index("left_wrist"), 2].max() > wl[:, head, 2].max()
    squat = build_clip([(PRIMITIVES["squat"], _p())])
    assert squat.root_pos[:, 2].min() < squat.root_pos[0, 2] - 0.2
    fwd = build_clip([(PRIMITIVES["step_forward"], _p(reps=3))])
    assert fwd.root_pos[-1, 0] - fwd.root_pos[0, 0] > 0.5 and abs(fwd.root_pos[-1, 1]) < 0.05
    back = build_clip([(PRIMITIVES["step_back"], _p(reps=2))])
    assert back.root_pos[-1, 0] < -0.2
    left = build_clip([(PRIMITIVES["step_left"], _p(reps=2))])
    assert left.root_pos[-1, 1] > 0.3
    turn = build_clip([(PRIMITIVES["turn_left"], _p(angle=np.pi / 2, degrees=90))])
    R = axis_angle_to_matrix(turn.rotations[-1, 0])
    assert np.degrees(np.arctan2(R[1, 0], R[0, 0])) == pytest.approx(90.0, abs=2.0)
    jump = build_clip([(PRIMITIVES["jump_in_place"], _p(reps=1))]).positions()
    toes = [joint_index("left_foot"), joint_index("right_foot")]
    assert jump[:, toes, 2].min(1).max() > 0.05  # both feet off the ground at once
    kick = build_clip([(PRIMITIVES["kick_right"], _p())]).positions()
    assert kick[:, toes[1], 2].max() > 0.3 and kick[:, toes[0], 2].max() < 0.01


def test_texts_mention_repetitions_side_and_duration():
    rng = np.random.default_rng(0)
    texts, hier = describe_sequence([(PRIMITIVES["wave_left"], _p(reps=2))], rng)
    assert len(texts) >= 10 and all("left" in t for t in texts)
    assert sum("twice" in t for t in texts) >= 8
    texts, hier = describe_sequence([(PRIMITIVES["cross_arms"], _p(dur=3.0))], rng)
    assert all(("3 seconds" in t or "three seconds" in t) for t in texts)
    texts, hier = describe_sequence([(PRIMITIVES["squat"], _p(speed="slowly")),
                                     (PRIMITIVES["nod"], _p(reps=3))], rng)
    assert all("then" in t.lower() or "after" in t for t in texts)
    assert "squat" in hier.overall and "nod" in hier.overall and "Then" in hier.lower_body


def test_deterministic_by_seed():
    a = sample_clip(np.random.default_rng(7))
    b = sample_clip(np.random.default_rng(7))
    c = sample_clip(np.random.default_rng(8))
    assert np.array_equal(a[0].rotations, b[0].rotations) and a[2] == b[2] and a[3] == b[3]
    assert a[2] != c[2] or not np.array_equal(a[0].root_pos, c[0].root_pos)
    m1, _, t1, meta = clip_for_index(0, 5)
    m2, _, t2, _ = clip_for_index(0, 5)
    assert np.array_equal(m1.root_pos, m2.root_pos) and t1 == t2 and meta["index"] == 5


def test_synthesize_corpus_writes_a_readable_dataset(tmp_path):
    root = synthesize_corpus(tmp_path / "c", n=12, seed=3, progress=False, shard_size=5)
    ds = MotionLibDataset(root, split=None)
    assert len(ds) == 12 and len(ds.index["shards"]) == 3
    s = ds[4]
    ref, hier, texts, meta = clip_for_index(3, 4)
    assert s.texts == texts and s.hier == hier and s.meta["primitives"] == meta["primitives"]
    assert np.allclose(s.motion.rotations, ref.rotations, atol=1e-6)


@pytest.mark.slow
def test_workers_give_the_same_corpus(tmp_path):
    a = MotionLibDataset(synthesize_corpus(tmp_path / "a", n=10, seed=1, workers=1, progress=False), None)
    b = MotionLibDataset(synthesize_corpus(tmp_path / "b", n=10, seed=1, workers=2, progress=False), None)
    assert all(np.array_equal(a[i].motion.root_pos, b[i].motion.root_pos) and a[i].texts == b[i].texts
               for i in range(10))


def test_focused_corpus_draws_only_the_named_primitives(tmp_path):
    from humanoid_lmm.errors import MotionError

    chosen = ["wave_right", "clap"]
    root = synthesize_corpus(tmp_path / "f", n=8, seed=2, progress=False, primitives=chosen)
    ds = MotionLibDataset(root, split=None)
    used = {p for i in range(len(ds)) for p in ds[i].meta["primitives"]}
    assert len(ds) == 8 and used <= set(chosen) and used
    assert clip_for_index(2, 3, chosen)[2] == ds[3].texts
    with pytest.raises(MotionError, match="wave_sideways"):
        synthesize_corpus(tmp_path / "g", n=2, progress=False, primitives=["wave_sideways"])
