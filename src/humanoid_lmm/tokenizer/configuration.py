"""Configuration dataclasses of the MotionBook tokenizer (model) and of its training run.

Both validate in ``__post_init__`` and raise :class:`~humanoid_lmm.errors.ConfigError` naming the
field, the bad value and the valid choices. Saved as ``config.json`` next to the safetensors weights.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..errors import ConfigError
from ..motion.skeleton import SMPL_JOINT_NAMES
from .parts import PART_LAYOUTS, part_columns

__all__ = ["MotionTokenizerConfig", "TrainConfig", "load_config_json"]

QUANTIZERS = ("lfq", "vq", "rq")


def _check(cond: bool, cls: str, field: str, value, want: str) -> None:
    if not cond:
        raise ConfigError(f"{cls}.{field}: got {value!r}; expected {want}")


@dataclass
class MotionTokenizerConfig:
    """MotionBook model: per-part projection, 2D conv encoder/decoder over (time, part), quantizer.

    quantizer: "lfq" (lookup-free, codebook 2**codebook_bits), "vq" (EMA codebook of vq_codes) or "rq"
        (residual VQ: rq_levels EMA codebooks of vq_codes, implicit codebook vq_codes**rq_levels).
    downsample: alpha, frames per token time step (power of two).
    fps: frame rate [1/s] of the motions the tokenizer is trained on (encode() requires it).
    """

    quantizer: str = "lfq"
    codebook_bits: int = 10  # LFQ: d, the latent dimension; codebook 2**d
    vq_codes: int = 512  # VQ: number of codes
    vq_dim: int = 64  # VQ: code dimension
    rq_levels: int = 2  # RQ: residual levels (each a codebook of vq_codes)
    part_layout: str = "body6"
    downsample: int = 4
    width: int = 128  # channels of the 2D conv trunk
    res_blocks: int = 2  # residual blocks per resolution level
    fps: float = 20.0
    # loss weights
    rec_weight: float = 1.0  # smooth-L1 on normalised d135
    pos_weight: float = 10.0  # L1 of world joint positions [m] through FK
    vel_weight: float = 50.0  # L1 of joint displacements [m/frame] through FK
    ee_weight: float = 1.0  # relative weight of wrists, ankles and feet in the position/velocity terms
    # relative weight, in the d135 term, of the rotation columns of joints whose turning barely moves any
    # joint position (a nod, a head shake, a shrug, rising onto the toes); the FK terms cannot see it
    rot_weight: float = 1.0
    rot_joints: tuple[str, ...] = ("neck", "head", "left_collar", "right_collar", "left_ankle", "right_ankle")
    commit_weight: float = 0.25
    entropy_weight: float = 0.1  # LFQ: per-sample entropy - codebook entropy
    entropy_temperature: float = 1.0
    vq_decay: float = 0.99
    vq_dead_threshold: float = 1.0  # EMA usage below this -> code reset to a random encoder output

    def __post_init__(self) -> None:
        c = "MotionTokenizerConfig"
        _check(self.quantizer in QUANTIZERS, c, "quantizer", self.quantizer, f"one of {QUANTIZERS}")
        _check(isinstance(self.codebook_bits, int) and 1 <= self.codebook_bits <= 20, c, "codebook_bits",
               self.codebook_bits, "an int in [1, 20]")
        _check(isinstance(self.vq_codes, int) and self.vq_codes >= 2, c, "vq_codes", self.vq_codes, "an int >= 2")
        _check(isinstance(self.vq_dim, int) and self.vq_dim >= 1, c, "vq_dim", self.vq_dim, "an int >= 1")
        _check(isinstance(self.rq_levels, int) and 1 <= self.rq_levels <= 4, c, "rq_levels", self.rq_levels,
               "an int in [1, 4]")
        _check(self.part_layout in PART_LAYOUTS, c, "part_layout", self.part_layout, f"one of {tuple(PART_LAYOUTS)}")
        a = self.downsample
        _check(isinstance(a, int) and a >= 1 and (a & (a - 1)) == 0 and a <= 64, c, "downsample", a,
               "a power of two in [1, 64]")
        _check(isinstance(self.width, int) and self.width >= 4, c, "width", self.width, "an int >= 4")
        _check(isinstance(self.res_blocks, int) and self.res_blocks >= 0, c, "res_blocks", self.res_blocks, "an int >= 0")
        _check(self.fps > 0, c, "fps", self.fps, "> 0 [frames/s]")
        self.rot_joints = tuple(self.rot_joints)
        bad = [n for n in self.rot_joints if n not in SMPL_JOINT_NAMES[1:22]]
        _check(not bad, c, "rot_joints", bad, f"SMPL body joints other than the pelvis: {SMPL_JOINT_NAMES[1:22]}")
        for name in ("rec_weight", "pos_weight", "vel_weight", "ee_weight", "rot_weight", "commit_weight", "entropy_weight", "vq_dead_threshold"):
            _check(getattr(self, name) >= 0, c, name, getattr(self, name), ">= 0")
        _check(self.entropy_temperature > 0, c, "entropy_temperature", self.entropy_temperature, "> 0")
        _check(0 < self.vq_decay < 1, c, "vq_decay", self.vq_decay, "in (0, 1)")

    @property
    def codebook_size(self) -> int:
        if self.quantizer == "rq":
            return self.vq_codes**self.rq_levels
        return 2**self.codebook_bits if self.quantizer == "lfq" else self.vq_codes

    @property
    def latent_dim(self) -> int:
        return self.codebook_bits if self.quantizer == "lfq" else self.vq_dim

    @property
    def num_parts(self) -> int:
        return len(part_columns(self.part_layout))

    @property
    def tokens_per_second(self) -> float:
        """Motion tokens per second of motion: fps / downsample * num_parts."""
        return self.fps / self.downsample * self.num_parts

    def to_dict(self) -> dict:
        return {**asdict(self), "rot_joints": list(self.rot_joints)}   # as it reads back from JSON

    @classmethod
    def from_dict(cls, d: dict) -> MotionTokenizerConfig:
        return _from_dict(cls, d)


@dataclass
class TrainConfig:
    """One training run: optimiser, batches of random windows, validation and checkpoint cadence."""

    steps: int = 20000
    batch_size: int = 64
    window: int = 64  # frames per training crop (multiple of downsample)
    lr: float = 2e-4
    weight_decay: float = 0.0
    warmup_steps: int = 500
    grad_clip: float = 1.0
    val_every: int = 1000
    ckpt_every: int = 1000
    seed: int = 0
    device: str = "cpu"
    yaw_augment: bool = False  # random heading per training window
    min_std: float = 0.01  # floor of the per-column normalisation std

    def __post_init__(self) -> None:
        c = "TrainConfig"
        for name in ("steps", "batch_size", "window", "val_every", "ckpt_every"):
            v = getattr(self, name)
            _check(isinstance(v, int) and v >= 1, c, name, v, "an int >= 1")
        _check(isinstance(self.warmup_steps, int) and self.warmup_steps >= 0, c, "warmup_steps", self.warmup_steps, "an int >= 0")
        _check(self.lr > 0, c, "lr", self.lr, "> 0")
        _check(self.weight_decay >= 0, c, "weight_decay", self.weight_decay, ">= 0")
        _check(self.grad_clip > 0, c, "grad_clip", self.grad_clip, "> 0")
        _check(self.min_std > 0, c, "min_std", self.min_std, "> 0")
        _check(self.device.split(":")[0] in ("cpu", "cuda"), c, "device", self.device, "'cpu' or 'cuda[:n]'")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        return _from_dict(cls, d)


def _from_dict(cls, d: dict):
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(d) - known)
    if unknown:
        raise ConfigError(f"{cls.__name__}: unknown fields {unknown}; valid: {sorted(known)}")
    return cls(**d)


def load_config_json(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"no config file at {path}")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc})") from None
