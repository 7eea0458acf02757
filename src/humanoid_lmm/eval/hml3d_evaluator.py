"""Loader of the official HumanML3D (Guo et al. 2022, text-to-motion) evaluator weights, to score the
project's HML263 exports with the field's own evaluator. No weights ship here or are downloaded: the
user points it at their copy of ``checkpoints/t2m/text_mot_match/model/finest.tar`` (and of the
dataset's ``mean.npy`` / ``std.npy``, e.g. ``checkpoints/t2m/Comp_v6_KLD01/meta/``).

Format (read from the public repository's evaluator wrapper and modules; the code here is our own):
a torch-saved dict with ``movement_encoder``, ``text_encoder``, ``motion_encoder`` state dicts and an
``epoch``. Networks:

* movement encoder: Conv1d(259 -> 512, k4 s2 p1), dropout, LeakyReLU(0.2), Conv1d(512 -> 512, k4 s2 p1),
  dropout, LeakyReLU(0.2), Linear(512 -> 512) per step (``main.0``, ``main.3``, ``out_net``); it reads the
  normalised 263-d features without the 4 foot contacts;
* motion encoder: Linear(512 -> 1024), bidirectional GRU(1024), head Linear(2048 -> 1024), LayerNorm,
  LeakyReLU, Linear(1024 -> 512) on the two final GRU states, lengths = frames // 4; learned initial
  state ``hidden`` (2, 1, 1024);
* text encoder: word vectors (GloVe 300-d) + Linear(15 -> 300) of the one-hot part-of-speech tags,
  Linear(300 -> 512), bidirectional GRU(512), head Linear(1024 -> 512), LayerNorm, LeakyReLU,
  Linear(512 -> 512); ``hidden`` (2, 1, 512). Captions are "word/POS" tokens (HumanML3D text files).

Layer sizes are read from the checkpoint's tensor shapes, so a small checkpoint in the same format
loads too (tests/eval/test_hml3d_evaluator.py).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

from humanoid_lmm.errors import ConfigError

__all__ = ["HumanML3DEvaluator", "POS_TAGS", "UNIT_LENGTH"]

UNIT_LENGTH = 4
POS_TAGS = ("VERB", "NOUN", "DET", "ADP", "NUM", "AUX", "PRON", "ADJ", "ADV", "Loc_VIP", "Body_VIP", "Obj_VIP",
            "Act_VIP", "Desc_VIP", "OTHER")   # the one-hot order of the public word vectorizer (15)


class _Movement(nn.Module):
    def __init__(self, cin: int, hidden: int, out: int):
        super().__init__()
        self.main = nn.Sequential(nn.Conv1d(cin, hidden, 4, 2, 1), nn.Dropout(0.2), nn.LeakyReLU(0.2),
                                  nn.Conv1d(hidden, out, 4, 2, 1), nn.Dropout(0.2), nn.LeakyReLU(0.2))
        self.out_net = nn.Linear(out, out)

    def forward(self, x):  # (B, T, C) -> (B, T/4, out)
        return self.out_net(self.main(x.transpose(1, 2)).transpose(1, 2))


class _BiGRUCo(nn.Module):
    """Linear -> bidirectional GRU -> head on the concatenated final states (both co-embedding encoders)."""

    def __init__(self, cin: int, hidden: int, out: int, pos_size: int = 0, word_size: int = 0):
        super().__init__()
        if pos_size:
            self.pos_emb = nn.Linear(pos_size, word_size)
        self.input_emb = nn.Linear(cin, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.output_net = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.LayerNorm(hidden), nn.LeakyReLU(0.2),
                                        nn.Linear(hidden, out))
        self.hidden = nn.Parameter(torch.zeros(2, 1, hidden))

    def forward(self, x, lengths, pos=None):
        if pos is not None:
            x = x + self.pos_emb(pos)
        h0 = self.hidden.repeat(1, x.shape[0], 1)
        packed = pack_padded_sequence(self.input_emb(x), lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, last = self.gru(packed, h0)
        return self.output_net(torch.cat([last[0], last[1]], -1))


class HumanML3DEvaluator:
    """The three official networks with their weights; ``motion_embeddings`` / ``text_embeddings``."""

    def __init__(self, state: dict, mean: np.ndarray | None = None, std: np.ndarray | None = None):
        try:
            mv, mo, tx = state["movement_encoder"], state["motion_encoder"], state["text_encoder"]
            w0, w3 = mv["main.0.weight"], mv["main.3.weight"]          # (hidden, cin, 4), (latent, hidden, 4)
            self.movement = _Movement(w0.shape[1], w0.shape[0], w3.shape[0])
            mh, mout = mo["input_emb.weight"].shape[0], mo["output_net.3.weight"].shape[0]
            self.motion = _BiGRUCo(mo["input_emb.weight"].shape[1], mh, mout)
            th, tout = tx["input_emb.weight"].shape[0], tx["output_net.3.weight"].shape[0]
            word, pos = tx["pos_emb.weight"].shape
            self.text = _BiGRUCo(tx["input_emb.weight"].shape[1], th, tout, pos_size=pos, word_size=word)
            for net, sd in ((self.movement, mv), (self.motion, mo), (self.text, tx)):
                net.load_state_dict(sd)
                net.eval()
        except (KeyError, RuntimeError, ValueError) as e:
            raise ConfigError(f"not a HumanML3D text_mot_match checkpoint: {e}") from e
        self.epoch = int(state.get("epoch", -1))
        self.feature_dim = w0.shape[1] + 4        # the 4 foot contacts are dropped before the encoder
        self.mean = None if mean is None else np.asarray(mean, np.float32)
        self.std = None if std is None else np.asarray(std, np.float32)

    @classmethod
    def load(cls, checkpoint: str | Path, mean: str | Path | None = None, std: str | Path | None = None):
        """``finest.tar`` (torch.load with weights_only=True: tensors and numbers only) + mean/std .npy."""
        path = Path(checkpoint)
        if not path.is_file():
            raise ConfigError(f"HumanML3D evaluator checkpoint {path} not found (it is not shipped; see "
                              "docs/evaluation.md)")
        state = torch.load(path, map_location="cpu", weights_only=True)
        return cls(state, None if mean is None else np.load(mean), None if std is None else np.load(std))

    @torch.no_grad()
    def motion_embeddings(self, feats: list[np.ndarray]) -> np.ndarray:
        """(N, 512) embeddings of raw (T_i, 263) HML263 feature arrays (normalised with mean / std here)."""
        lens = [(len(f) // UNIT_LENGTH) * UNIT_LENGTH for f in feats]
        T = max(lens)
        x = np.zeros((len(feats), T, self.feature_dim), np.float32)
        for i, (f, n) in enumerate(zip(feats, lens)):
            f = np.asarray(f[:n], np.float32)
            x[i, :n] = f if self.mean is None else (f - self.mean) / self.std
        h = self.movement(torch.from_numpy(x[..., :-4]))
        return self.motion(h, torch.tensor(lens) // UNIT_LENGTH).numpy()

    @torch.no_grad()
    def text_embeddings(self, word_vectors: np.ndarray, pos_onehot: np.ndarray, lengths) -> np.ndarray:
        """(N, 512) embeddings of captions given as (N, L, 300) word vectors, (N, L, 15) POS one-hots."""
        return self.text(torch.as_tensor(word_vectors, dtype=torch.float32), torch.as_tensor(lengths),
                         torch.as_tensor(pos_onehot, dtype=torch.float32)).numpy()
