"""Text-motion evaluator: contrastive text and motion encoders (Guo et al. 2022 / TMR style) whose
embeddings give the field's text-to-motion metrics (R-precision, FID, MM-Dist, Diversity, MModality).

* text side: its own word-level encoder (lower-cased words of the training texts -> 128-d embeddings ->
  bidirectional GRU -> MLP on the two final states), trained with the motion side. The pretrained
  MiniLM sentence encoder was the first choice; embedding the training split's 48,891 distinct texts
  with it costs ~40 CPU-minutes here, the word encoder a few seconds;
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

__all__ = ["EvaluatorConfig", "TextMotionEvaluator", "default_evaluator_dir", "motion_features", "words",
           "build_vocab"]

FEATURE_DIM = 263
PAD, UNK = 0, 1
MAX_WORDS = 48


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words of a text ("Turn 90 degrees." -> ["turn", "90", "degrees"])."""
    return "".join(c.lower() if c.isalnum() else " " for c in str(text)).split()


def build_vocab(texts, min_count: int = 2) -> list[str]:
    """["<pad>", "<unk>", words seen >= min_count times, most frequent first]."""
    from collections import Counter

    counts = Counter(w for t in texts for w in words(t))
    return ["<pad>", "<unk>"] + [w for w, n in counts.most_common() if n >= min_count]


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

    vocab_size: int = 512        # words of the text encoder (incl. <pad>, <unk>)
    word_dim: int = 128
    text_hidden: int = 128       # GRU width per direction
    width: int = 128             # motion trunk channels
    layers: int = 2              # transformer layers
    heads: int = 4
    embed_dim: int = 256
    dropout: float = 0.1
    max_frames: int = 224        # longest motion (frames of features); longer ones are cut
    temperature: float = 0.07    # InfoNCE temperature used in training

    def __post_init__(self) -> None:
        for f in ("vocab_size", "word_dim", "text_hidden", "width", "layers", "heads", "embed_dim", "max_frames"):
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

    def __init__(self, cfg: EvaluatorConfig, vocab: list[str] | None = None):
        super().__init__()
        self.cfg = cfg
        self.vocab = list(vocab) if vocab is not None else ["<pad>", "<unk>"]
        if len(self.vocab) != cfg.vocab_size:
            raise ConfigError(f"EvaluatorConfig.vocab_size={cfg.vocab_size} but the vocabulary has {len(self.vocab)} words")
        self._index = {w: i for i, w in enumerate(self.vocab)}
        c = cfg.width
        self.word_emb = nn.Embedding(cfg.vocab_size, cfg.word_dim, padding_idx=PAD)
        self.text_gru = nn.GRU(cfg.word_dim, cfg.text_hidden, batch_first=True, bidirectional=True)
        self.text_head = nn.Sequential(nn.Linear(2 * cfg.text_hidden, 2 * cfg.embed_dim), nn.GELU(), nn.Dropout(cfg.dropout),
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

    # ------------------------------------------------------------------------------------ encoders
    def token_ids(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Texts -> (B, L) word ids (right-padded) and (B,) lengths (>= 1)."""
        rows = [[self._index.get(w, UNK) for w in words(t)][:MAX_WORDS] or [UNK] for t in texts]
        ids = torch.zeros(len(rows), max(len(r) for r in rows), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = torch.tensor(r)
        return ids, torch.tensor([len(r) for r in rows])

    def encode_text(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(B, L) word ids, (B,) lengths -> (B, D) unit vectors."""
        from torch.nn.utils.rnn import pack_padded_sequence

        packed = pack_padded_sequence(self.word_emb(ids), lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, last = self.text_gru(packed)                                       # (2, B, H)
        return F.normalize(self.text_head(torch.cat([last[0], last[1]], -1)), dim=-1)

    def encode_motion(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(B, T, 263) raw features (right-padded), (B,) lengths [frames] -> (B, D) unit vectors."""
        T = x.shape[1]
        frames = (torch.arange(T, device=x.device)[None] < lengths[:, None]).unsqueeze(-1)
        xn = torch.where(frames, (x - self.mean) / self.std, torch.zeros_like(x))   # padding = 0 after normalising
        h = self.conv(xn.transpose(1, 2)).transpose(1, 2)                           # (B, T/4, C)
        S = h.shape[1]
        valid = torch.arange(S, device=x.device)[None] < ((lengths + 3) // 4).clamp(1, S)[:, None]
        h = self.trunk(h + self.pe[:S], src_key_padding_mask=~valid)
        m = valid.unsqueeze(-1).to(h.dtype)
        return F.normalize(self.motion_head((h * m).sum(1) / m.sum(1)), dim=-1)

    # --------------------------------------------------------------------------- numpy front end
    @torch.no_grad()
    def embed_texts(self, texts: list[str], batch_size: int = 256) -> np.ndarray:
        """(N, D) float32 embeddings of texts."""
        self.eval()
        texts = list(texts)
        out = [self.encode_text(*self.token_ids(texts[i:i + batch_size])).numpy() for i in range(0, len(texts), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, self.cfg.embed_dim), np.float32)

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
        (d / "vocab.json").write_text(json.dumps(self.vocab) + "\n")
        return d

    @classmethod
    def from_pretrained(cls, directory: str | Path | None = None) -> "TextMotionEvaluator":
        from safetensors.torch import load_file

        d = Path(directory) if directory is not None else default_evaluator_dir()
        if not (d / "config.json").is_file() or not (d / "model.safetensors").is_file():
            raise ConfigError(f"no evaluator at {d}: train one with `humanoid-lmm eval train-evaluator`")
        cfg = EvaluatorConfig.from_dict(json.loads((d / "config.json").read_text())["evaluator"])
        model = cls(cfg, json.loads((d / "vocab.json").read_text()))
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
