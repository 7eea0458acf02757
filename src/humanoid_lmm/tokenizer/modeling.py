"""MotionBook network: motion as a one-channel (time x feature) image, 2D conv encoder, quantizer, decoder.

Shapes (B batch, T frames, P parts, C = config.width, D = latent dim, S = T / alpha time steps)::

    x (B, T, 135) normalised d135
      -> per-part Linear(n_p -> C), stacked              (B, C, T, P)   "image": time x part, C channels
      -> Conv2d 3x3 + [ResBlocks, stride-(2,1) conv] x log2(alpha) + ResBlocks
      -> 1x1 conv to D                                   (B, D, S, P)
      -> quantizer on each (s, p) position               ids (B, S, P)
      -> decoder (mirror: [ResBlocks, nearest x2 in time + conv] x log2(alpha))
      -> per-part Linear(C -> n_p), scattered back       (B, T, 135)

Token order: time-major, part-minor; flat index ``s * P + p``.

Receptive field / streaming: the DECODER is causal in time (every time convolution pads on the past
side only, nearest upsampling repeats a step forward), so output frame ``f`` depends only on tokens of
steps ``<= f // alpha``. Decoding a prefix of k steps therefore yields exactly the first ``k * alpha``
frames of decoding the full sequence (no lookahead needed). The encoder is non-causal (tokens are made
from complete motions). The part axis uses ordinary symmetric 3-wide convolutions.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .configuration import MotionTokenizerConfig
from .parts import part_columns
from .quantizers import EMAVectorQuantizer, LookupFreeQuantizer, ResidualVectorQuantizer

__all__ = ["MotionBook"]


class Conv(nn.Module):
    """3 x 3 conv over (time, part); causal in time when ``causal`` (pads past frames only)."""

    def __init__(self, cin: int, cout: int, dilation: int = 1, causal: bool = False, kernel_t: int = 3):
        super().__init__()
        self.causal = causal
        self.pad_t = (kernel_t - 1) * dilation
        self.conv = nn.Conv2d(cin, cout, (kernel_t, 3), dilation=(dilation, 1), padding=(0, 1))

    def forward(self, x):  # (B, C, T, P)
        if self.causal:
            x = F.pad(x, (0, 0, self.pad_t, 0), mode="replicate")
        else:
            x = F.pad(x, (0, 0, self.pad_t // 2, self.pad_t - self.pad_t // 2), mode="replicate")
        return self.conv(x)


class ResBlock(nn.Module):
    def __init__(self, c: int, dilation: int, causal: bool):
        super().__init__()
        self.conv1 = Conv(c, c, dilation, causal)
        self.conv2 = nn.Conv2d(c, c, 1)

    def forward(self, x):
        return x + self.conv2(F.silu(self.conv1(F.silu(x))))


def _res_stack(c: int, n: int, causal: bool) -> list[nn.Module]:
    return [ResBlock(c, 3**i, causal) for i in range(n)]  # dilations 1, 3, 9, ...


class Encoder(nn.Module):
    def __init__(self, cfg: MotionTokenizerConfig):
        super().__init__()
        c = cfg.width
        layers: list[nn.Module] = [Conv(c, c)]
        for _ in range(int(math.log2(cfg.downsample))):
            layers += _res_stack(c, cfg.res_blocks, False)
            layers += [nn.SiLU(), nn.Conv2d(c, c, (4, 3), stride=(2, 1), padding=(1, 1))]
        layers += _res_stack(c, cfg.res_blocks, False)
        layers += [nn.SiLU(), nn.Conv2d(c, cfg.latent_dim, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, h):  # (B, C, T, P) -> (B, D, T/alpha, P)
        return self.net(h)


class Upsample(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv = Conv(c, c, causal=True)

    def forward(self, x):  # (B, C, S, P) -> (B, C, 2S, P), causal
        return self.conv(x.repeat_interleave(2, dim=2))


class Decoder(nn.Module):
    def __init__(self, cfg: MotionTokenizerConfig):
        super().__init__()
        c = cfg.width
        layers: list[nn.Module] = [nn.Conv2d(cfg.latent_dim, c, 1)]
        layers += _res_stack(c, cfg.res_blocks, True)
        for _ in range(int(math.log2(cfg.downsample))):
            layers += [Upsample(c)]
            layers += _res_stack(c, cfg.res_blocks, True)
        layers += [nn.SiLU(), Conv(c, c, causal=True)]
        self.net = nn.Sequential(*layers)

    def forward(self, q):  # (B, D, S, P) -> (B, C, S*alpha, P)
        return self.net(q)


class MotionBook(nn.Module):
    """Encoder + quantizer + decoder on normalised d135; normalisation statistics are buffers."""

    def __init__(self, cfg: MotionTokenizerConfig):
        super().__init__()
        self.cfg = cfg
        cols = part_columns(cfg.part_layout)
        for p, c in enumerate(cols):
            self.register_buffer(f"cols_{p}", torch.tensor(c, dtype=torch.long), persistent=False)
        self.part_in = nn.ModuleList(nn.Linear(len(c), cfg.width) for c in cols)
        self.part_out = nn.ModuleList(nn.Linear(cfg.width, len(c)) for c in cols)
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)
        if cfg.quantizer == "lfq":
            self.quantizer = LookupFreeQuantizer(cfg.codebook_bits, cfg.entropy_temperature)
        elif cfg.quantizer == "rq":
            self.quantizer = ResidualVectorQuantizer(cfg.vq_codes, cfg.vq_dim, cfg.rq_levels, cfg.vq_decay,
                                                     cfg.vq_dead_threshold)
        else:
            self.quantizer = EMAVectorQuantizer(cfg.vq_codes, cfg.vq_dim, cfg.vq_decay, cfg.vq_dead_threshold)
        self.register_buffer("mean", torch.zeros(135))
        self.register_buffer("std", torch.ones(135))

    # ------------------------------------------------------------------ normalisation
    def normalise(self, x):  # (..., 135) raw d135 -> normalised
        return (x - self.mean) / self.std

    def denormalise(self, x):
        return x * self.std + self.mean

    # ------------------------------------------------------------------ stages
    def _cols(self, p: int) -> torch.Tensor:
        return getattr(self, f"cols_{p}")

    def encode_latent(self, xn: torch.Tensor) -> torch.Tensor:
        """(B, T, 135) normalised, T a multiple of alpha -> (B, S, P, D) continuous latents."""
        h = torch.stack([lin(xn[..., self._cols(p)]) for p, lin in enumerate(self.part_in)], -1)  # (B, T, C, P)
        z = self.encoder(h.transpose(1, 2))  # (B, D, S, P)
        return z.permute(0, 2, 3, 1)

    def decode_latent(self, q: torch.Tensor) -> torch.Tensor:
        """(B, S, P, D) quantised latents -> (B, S*alpha, 135) normalised d135."""
        h = self.decoder(q.permute(0, 3, 1, 2)).transpose(1, 2)  # (B, T, C, P)
        B, T = h.shape[:2]
        out = h.new_zeros(B, T, 135)
        for p, lin in enumerate(self.part_out):
            out[..., self._cols(p)] = lin(h[..., p])
        return out

    def quantize(self, z: torch.Tensor):
        """(B, S, P, D) -> quantised (B, S, P, D), ids (B, S, P), aux losses."""
        q, ids, aux = self.quantizer(z.reshape(-1, z.shape[-1]))
        return q.reshape(z.shape), ids.reshape(z.shape[:-1]), aux

    def forward(self, xn: torch.Tensor):
        """(B, T, 135) normalised -> reconstruction (B, T, 135) normalised, ids (B, S, P), aux."""
        T = xn.shape[1]
        if T % self.cfg.downsample:
            raise ValueError(f"MotionBook: T={T} frames is not a multiple of downsample={self.cfg.downsample}")
        q, ids, aux = self.quantize(self.encode_latent(xn))
        return self.decode_latent(q), ids, aux

    @torch.no_grad()
    def encode_ids(self, xn: torch.Tensor) -> torch.Tensor:
        """(B, T, 135) normalised -> (B, S, P) int64 token ids."""
        z = self.encode_latent(xn)
        return self.quantizer.codes_to_ids(z)

    @torch.no_grad()
    def decode_ids(self, ids: torch.Tensor) -> torch.Tensor:
        """(B, S, P) int64 -> (B, S*alpha, 135) normalised d135."""
        return self.decode_latent(self.quantizer.ids_to_codes(ids))
