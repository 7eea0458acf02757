"""MotionLib dataset: write/read round trip, sharding, splits by sequence id, bad folders."""

from __future__ import annotations

import json

import numpy as np
import pytest

from humanoid_lmm.errors import MotionError
from humanoid_lmm.motion.dataset import HierText, MotionLibDataset, MotionLibWriter, split_of


def _write(root, motion_factory, n=7, shard_size=3, **kw):
    motions = [motion_factory(n_frames=10 + i, seed=i) for i in range(n)]
    with MotionLibWriter(root, shard_size=shard_size, **kw) as w:
        for i, m in enumerate(motions):
            if i % 2:
                w.add(m, HierText(f"overall {i}", f"upper {i}", f"lower {i}"), {"i": i}, seq_id=f"seq{i // 2}")
            else:
                w.add(m, [f"text {i}", f"paraphrase {i}"], {"i": i}, seq_id=f"seq{i // 2}")
    return motions


def test_round_trip_all_samples_and_shards(tmp_path, motion_factory):
    motions = _write(tmp_path / "ds", motion_factory)
    files = sorted(p.name for p in (tmp_path / "ds").iterdir())
    assert files == ["index.json"] + [f"shard-0000{k}.{e}" for k in range(3) for e in ("jsonl", "npz")]
    ds = MotionLibDataset(tmp_path / "ds", split=None)
    assert len(ds) == 7 and list(ds.lengths) == [10 + i for i in range(7)]
    for i, sample in enumerate(ds):
        assert sample.meta == {"i": i}
        assert np.allclose(sample.motion.rotations, motions[i].rotations, atol=1e-6)  # float32 storage
        assert np.allclose(sample.motion.root_pos, motions[i].root_pos, atol=1e-6)
        assert sample.motion.fps == 20.0
        if i % 2:
            assert sample.hier == HierText(f"overall {i}", f"upper {i}", f"lower {i}")
            assert sample.texts == [f"overall {i}"]
        else:
            assert sample.hier is None and sample.texts == [f"text {i}", f"paraphrase {i}"]
        assert sample.motion.text == sample.texts[0]
    assert ds.texts(2) == ["text 2", "paraphrase 2"]
    with pytest.raises(IndexError):
        ds[7]


def test_one_shard_is_read_without_the_others(tmp_path, motion_factory):
    _write(tmp_path / "ds", motion_factory)
    (tmp_path / "ds" / "shard-00000.npz").unlink()  # samples 0..2 live there
    ds = MotionLibDataset(tmp_path / "ds", split=None)
    assert ds[4].meta == {"i": 4}
    with pytest.raises(MotionError, match="shard-00000"):
        ds[0]


def test_splits_are_by_sequence_and_deterministic(tmp_path, motion_factory):
    assert split_of("abc") == split_of("abc")
    counts = {s: 0 for s in ("train", "val", "test")}
    for i in range(4000):
        counts[split_of(f"seq-{i}")] += 1
    assert 3400 < counts["train"] < 3800 and 120 < counts["val"] < 290 and 120 < counts["test"] < 290
    _write(tmp_path / "ds", motion_factory, n=7, val_frac=0.3, test_frac=0.3)
    index = json.loads((tmp_path / "ds" / "index.json").read_text())
    by_seq = {}
    for s in index["samples"]:
        by_seq.setdefault(s["seq"], set()).add(s["split"])
    assert all(len(v) == 1 for v in by_seq.values())  # clips of one sequence share a split
    sizes = [len(MotionLibDataset(tmp_path / "ds", split=s)) for s in ("train", "val", "test")]
    assert sum(sizes) == 7


def test_bad_inputs_and_folders(tmp_path, motion_factory):
    with pytest.raises(MotionError, match="index.json"):
        MotionLibDataset(tmp_path)
    (tmp_path / "index.json").write_text("{not json")
    with pytest.raises(MotionError, match="not valid JSON"):
        MotionLibDataset(tmp_path)
    (tmp_path / "index.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(MotionError, match="not a humanoid_lmm.motionlib"):
        MotionLibDataset(tmp_path)
    with pytest.raises(MotionError, match="split"):
        MotionLibDataset(tmp_path, split="training")
    with pytest.raises(MotionError, match="shard_size"):
        MotionLibWriter(tmp_path / "x", shard_size=0)
    m = motion_factory()
    w = MotionLibWriter(tmp_path / "y")
    with pytest.raises(MotionError, match="text"):
        w.add(m, [])
    with pytest.raises(MotionError, match="overall"):
        HierText("  ")
    w.add(m, "ok", sample_id="a")
    with pytest.raises(MotionError, match="duplicate"):
        w.add(m, "again", sample_id="a")
    with pytest.raises(MotionError, match="fps"):
        w.add(motion_factory(fps=30.0), "other rate")
    w.close()
    with pytest.raises(MotionError, match="already holds"):
        MotionLibWriter(tmp_path / "y")
    assert len(MotionLibDataset(tmp_path / "y", split=None)) == 1


def test_writer_that_fails_leaves_no_index(tmp_path, motion_factory):
    with pytest.raises(RuntimeError):
        with MotionLibWriter(tmp_path / "z", shard_size=1) as w:
            w.add(motion_factory(), "one")
            raise RuntimeError("boom")
    with pytest.raises(MotionError, match="did not finish"):
        MotionLibDataset(tmp_path / "z")
