"""Build a MotionLib dataset from a folder of motion files (+ optional ``.txt`` descriptions).

For every supported file under the folder (see :mod:`.io.loaders`):

1. load it (position data is fitted by IK; the residual is kept in the sample's meta),
2. resample to the dataset ``fps``, align the lowest foot joint with z = 0 (5th percentile, robust),
3. cut it into clips of at most ``clip_seconds`` (all clips of a file share its sequence id, so they land
   in the same split),
4. run the quality filters (:mod:`.filters`) and keep clips without reasons,
5. texts: lines of ``<file>.txt`` next to the motion (HumanML3D ``caption#tokens#start#end`` lines: the
   part before the first ``#``), otherwise the annotator's :class:`HierText`.

Example::

    from humanoid_lmm.motion.build import build_motionlib
    report = build_motionlib("mocap/", "data/mocap_lib", fps=20)
    print(report.summary())
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import MotionError
from .annotate import Annotator, RuleAnnotator
from .dataset import MotionLibWriter
from .filters import FilterConfig, check_motion
from .io.loaders import MOTION_SUFFIXES, load_motion
from .ops import ground_align, resample

__all__ = ["BuildReport", "build_motionlib", "read_texts"]


@dataclass
class BuildReport:
    """What :func:`build_motionlib` did: counts, rejected clips with reasons, unreadable files."""

    n_files: int = 0
    n_kept: int = 0
    rejected: dict[str, tuple[str, ...]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    ik_residual_mm: dict[str, float] = field(default_factory=dict)

    def reason_counts(self) -> Counter:
        return Counter(r for rs in self.rejected.values() for r in rs)

    def summary(self) -> str:
        lines = [f"files {self.n_files}, clips kept {self.n_kept}, rejected {len(self.rejected)}, "
                 f"unreadable {len(self.errors)}"]
        for reason, n in sorted(self.reason_counts().items()):
            lines.append(f"  rejected {reason}: {n}")
        for f, msg in self.errors.items():
            lines.append(f"  error {f}: {msg}")
        for f, mm in self.ik_residual_mm.items():
            lines.append(f"  IK residual {f}: {mm:.1f} mm")
        return "\n".join(lines)


def read_texts(path: Path) -> list[str]:
    """Non-empty description lines of a ``.txt`` file (text before the first ``#`` of each line)."""
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        t = line.split("#", 1)[0].strip()
        if t:
            out.append(t)
    return out


def build_motionlib(
    folder: str | Path,
    out: str | Path,
    *,
    fps: float = 20.0,
    clip_seconds: float = 10.0,
    filters: FilterConfig = FilterConfig(),
    annotator: Annotator | None = None,
    refine_steps: int = 30,
    overwrite: bool = False,
    shard_size: int = 1000,
) -> BuildReport:
    """Import every motion file under ``folder`` into the MotionLib folder ``out``; returns a report."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MotionError(f"build_motionlib: {folder} is not a folder")
    if clip_seconds <= 0:
        raise MotionError(f"build_motionlib: clip_seconds must be > 0, got {clip_seconds}")
    annotator = annotator or RuleAnnotator()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in MOTION_SUFFIXES)
    report = BuildReport(n_files=len(files))
    clip_len = max(1, int(round(clip_seconds * fps)))
    with MotionLibWriter(out, shard_size=shard_size, fps=fps, overwrite=overwrite) as writer:
        for path in files:
            rel = str(path.relative_to(folder))
            try:
                loaded = load_motion(path, refine_steps=refine_steps)
            except MotionError as exc:
                report.errors[rel] = str(exc)
                continue
            if loaded.ik_residual_mm is not None:
                report.ik_residual_mm[rel] = loaded.ik_residual_mm
            motion = ground_align(resample(loaded.motion, fps), mode="percentile")
            txt = path.with_suffix(".txt")
            texts = read_texts(txt) if txt.is_file() else []
            starts = range(0, motion.n_frames, clip_len)
            for k, s in enumerate(starts):
                clip = motion.slice(s, s + clip_len)
                name = f"{rel}#{k}" if len(starts) > 1 else rel
                res = check_motion(clip, filters)
                if not res.ok:
                    report.rejected[name] = res.reasons
                    continue
                meta = {"source": rel, "format": loaded.format, "clip": k, "start_s": s / fps}
                if loaded.ik_residual_mm is not None:
                    meta["ik_residual_mm"] = round(loaded.ik_residual_mm, 2)
                text = texts if texts else annotator(clip)
                writer.add(clip, text, meta, seq_id=rel, sample_id=name)
                report.n_kept += 1
    return report
