"""MotionLib-format dataset of text-motion pairs on disk: sharded, indexed, split by sequence id.

Layout of a dataset folder ``root/``::

    index.json            {"format": "humanoid_lmm.motionlib", "version": 1, "fps": 20.0,
                           "n_samples": N, "n_frames": F,
                           "shards": [{"name": "shard-00000", "n_samples": n, "n_frames": f}, ...],
                           "samples": [{"id", "seq", "shard", "offset", "length", "split"}, ...]}
    shard-00000.npz       root_pos (f, 3) float32 [m], rotations (f, 22, 3) float32 axis-angle [rad]:
                          the samples of the shard concatenated along time (offset/length in index.json)
    shard-00000.jsonl     one JSON line per sample of the shard, in order:
                          {"id", "seq", "texts": [...], "hier": {"overall", "upper_body", "lower_body"} | null,
                           "meta": {...}}

A shard is read without reading the others. Every sample of a dataset has the index's ``fps``.
Splits are by sequence id (``seq``, default the sample id) with a deterministic hash, so all clips cut
from one source sequence land in the same split. Storage is float32 (about 1e-7 rad precision).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MotionError
from .motion import Motion
from .skeleton import NUM_JOINTS

__all__ = [
    "HierText",
    "MotionSample",
    "MotionLibWriter",
    "MotionLibDataset",
    "split_of",
    "MOTIONLIB_FORMAT",
    "MOTIONLIB_VERSION",
    "SPLITS",
]

MOTIONLIB_FORMAT = "humanoid_lmm.motionlib"
MOTIONLIB_VERSION = 1
SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class HierText:
    """Hierarchical description like MotionLib's: an overview, then the upper and the lower body."""

    overall: str
    upper_body: str = ""
    lower_body: str = ""

    def __post_init__(self) -> None:
        for name in ("overall", "upper_body", "lower_body"):
            if not isinstance(getattr(self, name), str):
                raise MotionError(f"HierText.{name}: expected str, got {type(getattr(self, name)).__name__}")
        if not self.overall.strip():
            raise MotionError("HierText.overall: must not be empty")


@dataclass(frozen=True, eq=False)
class MotionSample:
    """One dataset item: the motion, its paraphrases (``texts[0]`` is the main one), hierarchy and meta."""

    motion: Motion
    texts: list[str]
    hier: HierText | None
    meta: dict[str, Any]
    id: str = ""


def split_of(seq_id: str, val_frac: float = 0.05, test_frac: float = 0.05) -> str:
    """Deterministic split ("train" / "val" / "test") of a sequence id by its SHA-1 hash."""
    u = int.from_bytes(hashlib.sha1(str(seq_id).encode()).digest()[:8], "big") / 2**64
    if u < test_frac:
        return "test"
    if u < test_frac + val_frac:
        return "val"
    return "train"


def _texts_and_hier(text) -> tuple[list[str], HierText | None]:
    if isinstance(text, HierText):
        return [text.overall], text
    if isinstance(text, str):
        text = [text]
    if not isinstance(text, (list, tuple)) or not text or not all(isinstance(t, str) and t.strip() for t in text):
        raise MotionError(f"MotionLibWriter.add: text must be a HierText, a str or a non-empty list of str, got {text!r}")
    return list(text), None


class MotionLibWriter:
    """Writes a MotionLib dataset; use as a context manager (the index is written on a clean exit).

    Args:
        root: output folder (created; must not already hold an index.json unless ``overwrite``).
        shard_size: samples per shard file.
        fps: frame rate every sample must have [1/s]; default: the first sample's.
        val_frac, test_frac: split fractions (by sequence id).
    """

    def __init__(self, root: str | Path, shard_size: int = 1000, fps: float | None = None,
                 val_frac: float = 0.05, test_frac: float = 0.05, overwrite: bool = False) -> None:
        if not isinstance(shard_size, int) or shard_size < 1:
            raise MotionError(f"MotionLibWriter.shard_size: must be an int >= 1, got {shard_size!r}")
        if not (0 <= val_frac < 1 and 0 <= test_frac < 1 and val_frac + test_frac < 1):
            raise MotionError(f"MotionLibWriter: val_frac + test_frac must be in [0, 1), got {val_frac}, {test_frac}")
        self.root = Path(root)
        if (self.root / "index.json").exists() and not overwrite:
            raise MotionError(f"MotionLibWriter.root: {self.root} already holds a dataset (pass overwrite=True)")
        self.root.mkdir(parents=True, exist_ok=True)
        self.shard_size, self.fps = shard_size, fps
        self.val_frac, self.test_frac = val_frac, test_frac
        self._samples: list[dict] = []
        self._shards: list[dict] = []
        self._buf: list[tuple[Motion, dict]] = []
        self._ids: set[str] = set()

    def __enter__(self) -> MotionLibWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()

    def add(self, motion: Motion, text, meta: dict | None = None, *, hier: HierText | None = None,
            seq_id: str | None = None, sample_id: str | None = None) -> str:
        """Append one pair; returns its sample id. ``text``: HierText, str or list of paraphrases."""
        if not isinstance(motion, Motion):
            raise MotionError(f"MotionLibWriter.add: motion must be a Motion, got {type(motion).__name__}")
        if self.fps is None:
            self.fps = motion.fps
        if abs(motion.fps - self.fps) > 1e-9:
            raise MotionError(f"MotionLibWriter.add: motion fps {motion.fps} differs from the dataset fps {self.fps}")
        texts, h = _texts_and_hier(text)
        hier = hier or h
        sid = sample_id or f"{len(self._samples) + len(self._buf):08d}"
        if sid in self._ids:
            raise MotionError(f"MotionLibWriter.add: duplicate sample id {sid!r}")
        self._ids.add(sid)
        meta = dict(meta or {})
        json.dumps(meta)  # fail early on non-JSON meta
        rec = {"id": sid, "seq": str(seq_id if seq_id is not None else sid), "texts": texts,
               "hier": asdict(hier) if hier else None, "meta": meta}
        self._buf.append((motion, rec))
        if len(self._buf) >= self.shard_size:
            self._flush()
        return sid

    def _flush(self) -> None:
        if not self._buf:
            return
        k = len(self._shards)
        name = f"shard-{k:05d}"
        lengths = [m.n_frames for m, _ in self._buf]
        root_pos = np.concatenate([m.root_pos for m, _ in self._buf]).astype(np.float32)
        rotations = np.concatenate([m.rotations for m, _ in self._buf]).astype(np.float32)
        with open(self.root / f"{name}.npz", "wb") as f:
            np.savez(f, root_pos=root_pos, rotations=rotations, fps=np.array(self.fps))
        offset = 0
        with open(self.root / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for (m, rec), n in zip(self._buf, lengths):
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                self._samples.append({"id": rec["id"], "seq": rec["seq"], "shard": k, "offset": offset,
                                      "length": n, "split": split_of(rec["seq"], self.val_frac, self.test_frac)})
                offset += n
        self._shards.append({"name": name, "n_samples": len(lengths), "n_frames": offset})
        self._buf = []

    def close(self) -> Path:
        """Flush the last shard and write index.json atomically; returns the root folder."""
        self._flush()
        index = {"format": MOTIONLIB_FORMAT, "version": MOTIONLIB_VERSION, "fps": self.fps,
                 "n_samples": len(self._samples), "n_frames": sum(s["n_frames"] for s in self._shards),
                 "shards": self._shards, "samples": self._samples}
        tmp = self.root / "index.json.tmp"
        tmp.write_text(json.dumps(index), encoding="utf-8")
        os.replace(tmp, self.root / "index.json")
        return self.root


def _load_index(root: Path) -> dict:
    path = root / "index.json"
    if not path.is_file():
        raise MotionError(f"MotionLibDataset: {root} has no index.json (not a dataset, or its writer did not finish)")
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MotionError(f"MotionLibDataset: {path} is not valid JSON ({exc})") from None
    if not isinstance(index, dict) or index.get("format") != MOTIONLIB_FORMAT:
        raise MotionError(f"MotionLibDataset: {path} is not a {MOTIONLIB_FORMAT} index")
    if int(index.get("version", -1)) > MOTIONLIB_VERSION or int(index.get("version", -1)) < 1:
        raise MotionError(f"MotionLibDataset: {path} version {index.get('version')!r}, this code reads 1..{MOTIONLIB_VERSION}")
    for key in ("fps", "shards", "samples"):
        if key not in index:
            raise MotionError(f"MotionLibDataset: {path} lacks the key {key!r}")
    return index


class MotionLibDataset:
    """Read a MotionLib dataset; ``split`` in ("train", "val", "test") or None for all samples.

    Shards are loaded lazily and the ``cache_shards`` most recently used ones are kept in memory.
    """

    def __init__(self, root: str | Path, split: str | None = "train", cache_shards: int = 4) -> None:
        if split is not None and split not in SPLITS:
            raise MotionError(f"MotionLibDataset.split: must be one of {SPLITS} or None, got {split!r}")
        self.root = Path(root)
        self.index = _load_index(self.root)
        self.fps = float(self.index["fps"])
        self.split = split
        self.samples = [s for s in self.index["samples"] if split is None or s["split"] == split]
        self._cache: OrderedDict[int, tuple[np.ndarray, np.ndarray, dict[str, dict]]] = OrderedDict()
        self._cache_size = max(1, int(cache_shards))

    def __len__(self) -> int:
        return len(self.samples)

    @property
    def lengths(self) -> np.ndarray:
        """(N,) frame count of each sample of this split."""
        return np.array([s["length"] for s in self.samples], dtype=np.int64)

    def _shard(self, k: int):
        if k in self._cache:
            self._cache.move_to_end(k)
            return self._cache[k]
        try:
            name = self.index["shards"][k]["name"]
        except (IndexError, KeyError, TypeError):
            raise MotionError(f"MotionLibDataset: index.json refers to a missing shard {k}") from None
        npz, jsonl = self.root / f"{name}.npz", self.root / f"{name}.jsonl"
        try:
            with np.load(npz, allow_pickle=False) as z:
                root_pos, rotations = z["root_pos"], z["rotations"]
            lines = jsonl.read_text(encoding="utf-8").splitlines()
            records = {rec["id"]: rec for rec in (json.loads(line) for line in lines if line.strip())}
        except (OSError, ValueError, KeyError) as exc:
            raise MotionError(f"MotionLibDataset: cannot read shard {name} in {self.root} ({exc})") from None
        if rotations.ndim != 3 or rotations.shape[1:] != (NUM_JOINTS, 3) or root_pos.shape != (rotations.shape[0], 3):
            raise MotionError(f"MotionLibDataset: shard {name} has arrays of shapes {root_pos.shape}, {rotations.shape}")
        self._cache[k] = (root_pos, rotations, records)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return self._cache[k]

    def _record(self, i: int) -> tuple[dict, tuple]:
        if not -len(self) <= i < len(self):
            raise IndexError(f"MotionLibDataset: index {i} out of range for {len(self)} samples")
        s = self.samples[i]
        return s, self._shard(int(s["shard"]))

    def texts(self, i: int) -> list[str]:
        """Paraphrases of sample ``i`` (reads only its shard's text file)."""
        s, (_, _, records) = self._record(i)
        return list(self._find(records, s)["texts"])

    @staticmethod
    def _find(records: dict[str, dict], s: dict) -> dict:
        if s["id"] in records:
            return records[s["id"]]
        raise MotionError(f"MotionLibDataset: sample {s['id']!r} missing from its shard's text file")

    def __getitem__(self, i: int) -> MotionSample:
        s, (root_pos, rotations, records) = self._record(i)
        o, n = int(s["offset"]), int(s["length"])
        if o < 0 or n < 1 or o + n > rotations.shape[0]:
            raise MotionError(f"MotionLibDataset: sample {s['id']!r} offset {o} length {n} outside its shard")
        rec = self._find(records, s)
        hier = HierText(**rec["hier"]) if rec.get("hier") else None
        motion = Motion(self.fps, root_pos[o : o + n], rotations[o : o + n], rec["texts"][0])
        return MotionSample(motion, list(rec["texts"]), hier, dict(rec.get("meta") or {}), rec["id"])

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]
