"""``MotionTokenizer``: the public Motion <-> token-id interface of the MotionBook tokenizer.

Contract (the LMM stage codes against this)::

    tok = load_motion_tokenizer("models/motionbook")      # or MotionTokenizer.from_pretrained(dir)
    tok.codebook_size, tok.num_parts, tok.downsample, tok.fps
    ids = tok.encode(motion)        # np.ndarray (S, P) int64, S = ceil(T / alpha)
    motion = tok.decode(ids)        # Motion with S * alpha frames at tok.fps
    x = tok.decode_d135(ids)        # np.ndarray (S * alpha, 135) float32
    tok.save_pretrained(dir)        # model.safetensors + config.json

Token order is time-major, part-minor: ``ids.reshape(-1)[s * P + p]`` is part ``p`` at step ``s``.
``encode`` pads a motion whose length is not a multiple of alpha by repeating its last frame.
The decoder is causal in time (see ``modeling.py``): ``decode_d135(ids[:k])`` equals
``decode_d135(ids)[:k * alpha]``, so a streaming consumer can decode chunks as tokens arrive.
Decoded motions start at the pelvis xy (0, 0) (the d135 root velocity is translation-invariant).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from ..errors import ConfigError, MotionError
from ..motion import Motion, d135_to_motion, motion_to_d135
from .configuration import MotionTokenizerConfig, load_config_json
from .modeling import MotionBook
from .parts import part_names

__all__ = ["MotionTokenizer", "load_motion_tokenizer", "WEIGHTS_NAME", "CONFIG_NAME"]

WEIGHTS_NAME = "model.safetensors"
CONFIG_NAME = "config.json"


class MotionTokenizer:
    """Motion <-> (S, P) token ids. CPU by default; pass ``device="cuda"`` to run on a GPU."""

    def __init__(self, model: MotionBook, device: str | torch.device = "cpu", metadata: dict | None = None):
        self.model = model.to(device).eval()
        self.metadata = dict(metadata or {})  # provenance from config.json (training config, data, step)
        self.device = torch.device(device)
        self.config: MotionTokenizerConfig = model.cfg

    # ------------------------------------------------------------------ properties
    @property
    def codebook_size(self) -> int:
        return self.config.codebook_size

    @property
    def num_parts(self) -> int:
        return self.config.num_parts

    @property
    def downsample(self) -> int:
        return self.config.downsample

    @property
    def fps(self) -> float:
        return float(self.config.fps)

    @property
    def part_names(self) -> tuple[str, ...]:
        return part_names(self.config.part_layout)

    @property
    def tokens_per_second(self) -> float:
        return self.config.tokens_per_second

    # ------------------------------------------------------------------ encode / decode
    def encode_d135(self, x: np.ndarray) -> np.ndarray:
        """(T, 135) raw d135 -> (ceil(T/alpha), P) int64 ids (last frame repeated to a multiple of alpha)."""
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != 135 or x.shape[0] < 1:
            raise MotionError(f"encode_d135: expected (T>=1, 135), got {x.shape}")
        a = self.downsample
        pad = (-x.shape[0]) % a
        if pad:
            x = np.concatenate([x, np.repeat(x[-1:], pad, 0)], 0)
        with torch.no_grad():
            xt = torch.from_numpy(x).to(self.device)[None]
            ids = self.model.encode_ids(self.model.normalise(xt))[0]
        return ids.cpu().numpy().astype(np.int64)

    def encode(self, motion: Motion) -> np.ndarray:
        """Motion at ``self.fps`` -> (S, P) int64 token ids."""
        if not isinstance(motion, Motion):
            raise MotionError(f"encode: expected a Motion, got {type(motion).__name__}")
        if abs(motion.fps - self.fps) > 1e-6:
            raise MotionError(f"encode: motion is at {motion.fps:g} fps, this tokenizer needs {self.fps:g} fps; resample it first")
        return self.encode_d135(motion_to_d135(motion))

    def _check_ids(self, ids) -> torch.Tensor:
        ids = np.asarray(ids)
        if ids.ndim != 2 or ids.shape[1] != self.num_parts or ids.shape[0] < 1:
            raise ValueError(f"ids: expected shape (S>=1, {self.num_parts}), got {ids.shape}")
        if not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"ids: expected integers, got dtype {ids.dtype}")
        if ids.min() < 0 or ids.max() >= self.codebook_size:
            raise ValueError(f"ids: values must be in [0, {self.codebook_size}), got [{ids.min()}, {ids.max()}]")
        return torch.from_numpy(ids.astype(np.int64)).to(self.device)

    def decode_d135(self, ids: np.ndarray) -> np.ndarray:
        """(S, P) ids -> (S * alpha, 135) float32 raw d135. A prefix of steps decodes to a prefix of frames."""
        with torch.no_grad():
            xn = self.model.decode_ids(self._check_ids(ids)[None])[0]
            x = self.model.denormalise(xn)
        return x.cpu().numpy().astype(np.float32)

    def decode(self, ids: np.ndarray, text: str = "", start_xy=(0.0, 0.0)) -> Motion:
        """(S, P) ids -> Motion of S * alpha frames at ``self.fps``; pelvis starts at ``start_xy`` [m]."""
        return d135_to_motion(self.decode_d135(ids), self.fps, start_xy=start_xy, text=text)

    def reconstruct(self, motion: Motion) -> Motion:
        """decode(encode(motion)) cut to the input length, starting at the input's pelvis xy."""
        out = self.decode(self.encode(motion), motion.text, start_xy=motion.root_pos[0, :2])
        return out.slice(0, motion.n_frames)

    # ------------------------------------------------------------------ files
    def save_pretrained(self, directory: str | Path, dtype: torch.dtype = torch.float32) -> Path:
        """Write ``model.safetensors`` and ``config.json`` into ``directory``.

        ``dtype=torch.float16`` halves the file: network weights are stored in half precision (loaded
        back into float32), normalisation statistics and the VQ codebook stay float32.
        """
        return save_motionbook(self.model, directory, self.metadata, dtype=dtype)

    @classmethod
    def from_pretrained(cls, directory: str | Path, device: str | torch.device = "cpu") -> MotionTokenizer:
        model = load_motionbook(directory, map_location="cpu")
        meta = {k: v for k, v in load_config_json(Path(directory) / CONFIG_NAME).items() if k != "model"}
        return cls(model, device=device, metadata=meta)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def __repr__(self) -> str:
        c = self.config
        return (f"MotionTokenizer(quantizer={c.quantizer}, codebook_size={self.codebook_size}, "
                f"num_parts={self.num_parts}, downsample={self.downsample}, fps={self.fps:g})")


def save_motionbook(
    model: MotionBook, directory: str | Path, extra: dict | None = None, dtype: torch.dtype = torch.float32
) -> Path:
    """Weights (+ normalisation and codebook buffers) as safetensors, config as JSON.

    ``dtype`` applies to the network weights only (not ``mean``, ``std``, ``quantizer.*``).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    keep = ("mean", "std", "quantizer.")
    state = {
        k: (v if k.startswith(keep) or not v.is_floating_point() else v.to(dtype)).detach().cpu().contiguous()
        for k, v in model.state_dict().items()
    }
    save_file(state, str(directory / WEIGHTS_NAME), metadata={"format": "humanoid_lmm.motionbook"})
    (directory / WEIGHTS_NAME).chmod(0o644)
    cfg = {"model": model.cfg.to_dict(), **{k: v for k, v in (extra or {}).items() if k != "model"}}
    (directory / CONFIG_NAME).write_text(json.dumps(cfg, indent=2) + "\n")
    return directory


def load_motionbook(directory: str | Path, map_location: str = "cpu") -> MotionBook:
    directory = Path(directory)
    if not (directory / WEIGHTS_NAME).is_file():
        raise ConfigError(f"no tokenizer weights at {directory / WEIGHTS_NAME}")
    raw = load_config_json(directory / CONFIG_NAME)
    if "model" not in raw:
        raise ConfigError(f"{directory / CONFIG_NAME}: missing the 'model' section")
    model = MotionBook(MotionTokenizerConfig.from_dict(raw["model"]))
    state = load_file(str(directory / WEIGHTS_NAME), device=map_location)
    state = {k: v.float() if v.is_floating_point() else v for k, v in state.items()}  # fp16 files
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ConfigError(f"{directory}: weights do not match the config (missing {missing}, unexpected {unexpected})")
    return model.eval()


def load_motion_tokenizer(path: str | Path, device: str | torch.device = "cpu") -> MotionTokenizer:
    """Load a tokenizer saved by :meth:`MotionTokenizer.save_pretrained` (or a training checkpoint dir)."""
    return MotionTokenizer.from_pretrained(path, device=device)
