"""Text-motion evaluator: contrastive text and motion encoders (Guo et al. 2022 / TMR style) whose
embeddings give the field's text-to-motion metrics (R-precision, FID, MM-Dist, Diversity, MModality).

* text side: the frozen all-MiniLM-L6-v2 sentence embedding (384-d, :mod:`humanoid_lmm.text`) through a
  trained 2-layer MLP;
* motion side: HumanML3D 263-d features (:func:`~humanoid_lmm.motion.io.humanml3d.motion_to_hml263`,
  normalised by the training split's mean / std) -> two stride-2 temporal convolutions (x4 down) ->
  a 2-layer transformer encoder -> masked mean -> linear;
* both end in ``embed_dim`` unit-length vectors (distances in [0, 2]; FID and MM-Dist values are on
  this scale, not comparable digit for digit with numbers from HumanML3D's own evaluator).

Saved as ``config.json`` + ``model.safetensors`` (mean / std inside) in a directory, e.g. the built-in
``models/evaluator``.

    ev = TextMotionEvaluator.from_pretrained()          # models/evaluator, CPU, offline
    t = ev.embed_texts(["wave your right hand"])        # (1, 256) numpy
    m = ev.embed_motions([motion])                      # (1, 256) numpy
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from humanoid_lmm.errors import ConfigError

__all__ = ["EvaluatorConfig", "TextMotionEvaluator", "default_evaluator_dir", "motion_features"]

FEATURE_DIM = 263


def default_evaluator_dir() -> Path:
    from humanoid_lmm import project_root

    return project_root() / "models" / "evaluator"


def motion_features(motion) -> np.ndarray:
    """(T-1, 263) float32 HumanML3D features of a Motion (20 fps expected)."""
    from humanoid_lmm.motion.io.humanml3d import motion_to_hml263

    return motion_to_hml263(motion)


@dataclass
class EvaluatorConfig:
    """Sizes of the evaluator (widths in channels, ``max_frames`` at 20 fps)."""

    text_dim: int = 384          # sentence encoder output
    width: int = 128             # motion trunk channels
    layers: int = 2              # transformer layers
    heads: int = 4
    embed_dim: int = 256
    dropout: float = 0.1
    max_frames: int = 224        # longest motion (frames of features); longer ones are cut
    temperature: float = 0.07    # InfoNCE temperature used in training

    def __post_init__(self) -> None:
        for f in ("text_dim", "width", "layers", "heads", "embed_dim", "max_frames"):
            v = getattr(self, f)
            if not isinstance(v, int) or v <= 0:
                raise ConfigError(f"EvaluatorConfig.{f}: got {v!r}; expected a positive int")
        if self.width % self.heads:
            raise ConfigError(f"EvaluatorConfig.width: {self.width} must be divisible by heads={self.heads}")
        if not 0 <= self.dropout < 1 or self.temperature <= 0:
            raise ConfigError(f"EvaluatorConfig: dropout {self.dropout} in [0, 1), temperature {self.temperature} > 0")

    @classmethod
    def from_dict(cls, d: dict) -> "EvaluatorConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ConfigError(f"EvaluatorConfig: unknown fields {unknown}; valid: {sorted(known)}")
        return cls(**d)


class TextMotionEvaluator(nn.Module):
    """Two encoders into one embedding space; ``mean`` / ``std`` (263,) normalise the motion features."""

    def __init__(self, cfg: EvaluatorConfig):
        super().__init__()
        self.cfg = cfg
        c = cfg.width
        self.text_head = nn.Sequential(nn.Linear(cfg.text_dim, 2 * cfg.embed_dim), nn.GELU(), nn.Dropout(cfg.dropout),
                                       nn.Linear(2 * cfg.embed_dim, cfg.embed_dim))
        self.conv = nn.Sequential(nn.Conv1d(FEATURE_DIM, c, 4, 2, 1), nn.GELU(), nn.Conv1d(c, c, 4, 2, 1), nn.GELU())
        layer = nn.TransformerEncoderLayer(c, cfg.heads, 2 * c, cfg.dropout, batch_first=True, norm_first=True)
        self.trunk = nn.TransformerEncoder(layer, cfg.layers, enable_nested_tensor=False)
        self.motion_head = nn.Linear(c, cfg.embed_dim)
        n = cfg.max_frames // 4 + 1
        pe = torch.zeros(n, c)
        pos = torch.arange(n).unsqueeze(1)
        div = torch.exp(torch.arange(0, c, 2) * (-math.log(10000.0) / c))
        pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * div), torch.cos(pos * div)
        self.register_buffer("pe", pe, persistent=False)
        self.register_buffer("mean", torch.zeros(FEATURE_DIM))
        self.register_buffer("std", torch.ones(FEATURE_DIM))
        self._sentence = None

    # ------------------------------------------------------------------------------------ encoders
    def encode_text(self, sent: torch.Tensor) -> torch.Tensor:
        """(B, 384) sentence embeddings -> (B, D) unit vectors."""
        return F.normalize(self.text_head(sent), dim=-1)

    def encode_motion(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(B, T, 263) raw features (right-padded), (B,) lengths [frames] -> (B, D) unit vectors."""
        h = self.conv(((x - self.mean) / self.std).transpose(1, 2)).transpose(1, 2)   # (B, T/4, C)
        S = h.shape[1]
        valid = torch.arange(S, device=x.device)[None] < ((lengths + 3) // 4).clamp(1, S)[:, None]
        h = self.trunk(h + self.pe[:S], src_key_padding_mask=~valid)
        m = valid.unsqueeze(-1).to(h.dtype)
        return F.normalize(self.motion_head((h * m).sum(1) / m.sum(1)), dim=-1)

    # --------------------------------------------------------------------------- numpy front end
    def _sentence_encoder(self):
        if self._sentence is None:
            from humanoid_lmm.text import SentenceEncoder

            self._sentence = SentenceEncoder.load()
        return self._sentence

    @torch.no_grad()
    def embed_texts(self, texts: list[str], sentence_embeddings: np.ndarray | None = None) -> np.ndarray:
        """(N, D) float32 embeddings of texts (or of precomputed (N, 384) sentence embeddings)."""
        self.eval()
        sent = sentence_embeddings if sentence_embeddings is not None else self._sentence_encoder().encode(list(texts))
        return self.encode_text(torch.as_tensor(np.asarray(sent, np.float32))).numpy()

    @torch.no_grad()
    def embed_features(self, feats: list[np.ndarray], batch_size: int = 128) -> np.ndarray:
        """(N, D) float32 embeddings of (T_i, 263) feature arrays (cut to ``max_frames``)."""
        self.eval()
        out = []
        order = np.argsort([len(f) for f in feats])
        for i in range(0, len(feats), batch_size):
            idx = order[i:i + batch_size]
            x, lens = pad_features([feats[k] for k in idx], self.cfg.max_frames)
            out.append((idx, self.encode_motion(x, lens).numpy()))
        emb = np.zeros((len(feats), self.cfg.embed_dim), np.float32)
        for idx, e in out:
            emb[idx] = e
        return emb

    def embed_motions(self, motions, batch_size: int = 128) -> np.ndarray:
        return self.embed_features([motion_features(m) for m in motions], batch_size)

    # ---------------------------------------------------------------------------------- save/load
    def save_pretrained(self, directory: str | Path, extra: dict | None = None) -> Path:
        from safetensors.torch import save_file

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in self.state_dict().items()}, d / "model.safetensors")
        (d / "config.json").write_text(json.dumps({"evaluator": asdict(self.cfg), **(extra or {})}, indent=2) + "\n")
        return d

    @classmethod
    def from_pretrained(cls, directory: str | Path | None = None) -> "TextMotionEvaluator":
        from safetensors.torch import load_file

        d = Path(directory) if directory is not None else default_evaluator_dir()
        if not (d / "config.json").is_file() or not (d / "model.safetensors").is_file():
            raise ConfigError(f"no evaluator at {d}: train one with `humanoid-lmm eval train-evaluator`")
        model = cls(EvaluatorConfig.from_dict(json.loads((d / "config.json").read_text())["evaluator"]))
        model.load_state_dict(load_file(d / "model.safetensors"))
        return model.eval()


def pad_features(feats: list[np.ndarray], max_frames: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad (T_i, 263) arrays (cut to ``max_frames``) -> (B, T, 263) tensor, (B,) lengths."""
    lens = [min(len(f), max_frames) for f in feats]
    T = max(4, -(-max(lens) // 4) * 4)
    x = np.zeros((len(feats), T, FEATURE_DIM), np.float32)
    for i, (f, n) in enumerate(zip(feats, lens)):
        x[i, :n] = f[:n]
    return torch.from_numpy(x), torch.tensor(lens)
