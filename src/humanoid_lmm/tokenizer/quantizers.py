"""Quantizers of MotionBook: lookup-free quantization (LFQ, MAGVIT-v2), an EMA VQ-VAE baseline and a
residual VQ (RQ-VAE, Lee et al. 2022: each level quantizes what the previous levels left).

Both take latents ``z`` of shape (N, D) (one row per (time step, part) position) and return
``(q, ids, aux)``: the straight-through quantised latents (N, D), the integer token ids (N,) and a dict
of auxiliary losses / statistics.

LFQ (Yu et al., "Language Model Beats Diffusion: Tokenizer is Key to Visual Generation", 2023):
``q_i = +1 if z_i > 0 else -1``; token id ``sum_i 2**i * [z_i > 0]``; codebook size ``2**D`` with no
codebook parameters. Gradient: straight-through (``q = z + (sign(z) - z).detach()``). Losses:

* commitment ``mean((z - q)**2)``;
* entropy penalty ``E[H(p(c|z))] - H(E[p(c|z)])`` with ``p(c|z) ∝ exp(-|z - c|**2 / tau)`` over the
  2**D codes ``c ∈ {-1, +1}**D``. This distribution factorises per bit: ``p(bit_i = +1) =
  sigmoid(4 z_i / tau)``, so the per-sample entropy is the sum of the bit entropies (exact). The
  codebook entropy of the batch-mean distribution is computed exactly over all 2**D codes for a random
  subsample of at most ``max_entropy_rows`` rows (memory N x 2**D).
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["LookupFreeQuantizer", "EMAVectorQuantizer", "ResidualVectorQuantizer"]


def _binary_entropy(p: torch.Tensor) -> torch.Tensor:
    p = p.clamp(1e-7, 1 - 1e-7)
    return -(p * p.log() + (1 - p) * (1 - p).log())


class LookupFreeQuantizer(nn.Module):
    """Sign quantizer with a 2**bits implicit codebook (no parameters besides a bit-weight buffer)."""

    def __init__(self, bits: int, temperature: float = 1.0, max_entropy_rows: int = 512):
        super().__init__()
        self.bits = bits
        self.codebook_size = 2**bits
        self.temperature = temperature
        self.max_entropy_rows = max_entropy_rows
        self.register_buffer("bit_weights", 2 ** torch.arange(bits, dtype=torch.int64), persistent=False)

    def ids_to_codes(self, ids: torch.Tensor) -> torch.Tensor:
        """(...,) int64 ids -> (..., bits) float codes in {-1, +1}."""
        bits = (ids.unsqueeze(-1) // self.bit_weights) % 2  # (..., bits) in {0, 1}
        return bits.float() * 2 - 1

    def codes_to_ids(self, z: torch.Tensor) -> torch.Tensor:
        """(..., bits) -> (...,) int64 ids, bit i set where z_i > 0."""
        return ((z > 0).long() * self.bit_weights).sum(-1)

    def forward(self, z: torch.Tensor):
        # z: (N, bits)
        hard = torch.where(z > 0, torch.ones_like(z), -torch.ones_like(z))
        q = z + (hard - z).detach()  # straight-through
        ids = self.codes_to_ids(z)
        aux = {"commit": F.mse_loss(z, hard)}
        if self.training:
            aux["entropy"] = self._entropy_penalty(z)
        return q, ids, aux

    def _entropy_penalty(self, z: torch.Tensor) -> torch.Tensor:
        p1 = torch.sigmoid(4 * z.float() / self.temperature)  # (N, bits) P(bit = +1)
        sample_entropy = _binary_entropy(p1).sum(-1).mean()
        rows = p1
        if rows.shape[0] > self.max_entropy_rows:
            idx = torch.randperm(rows.shape[0], device=rows.device)[: self.max_entropy_rows]
            rows = rows[idx]
        if self.bits <= 16:
            all_codes = (torch.arange(self.codebook_size, device=z.device).unsqueeze(-1) // self.bit_weights) % 2
            all_codes = all_codes.float()  # (K, bits) in {0, 1}
            logp1 = rows.clamp_min(1e-7).log()
            logp0 = (1 - rows).clamp_min(1e-7).log()
            log_pc = logp1 @ all_codes.T + logp0 @ (1 - all_codes).T  # (n, K) log p(code | z)
            avg = log_pc.exp().mean(0)  # (K,)
            codebook_entropy = -(avg * avg.clamp_min(1e-12).log()).sum()
        else:  # upper bound: sum of the marginal bit entropies
            codebook_entropy = _binary_entropy(rows.mean(0)).sum()
        return sample_entropy - codebook_entropy


class EMAVectorQuantizer(nn.Module):
    """VQ-VAE codebook updated by exponential moving averages, with dead-code reset.

    Codes whose EMA usage count drops below ``dead_threshold`` are replaced by random encoder outputs of
    the current batch. The first training batch initialises the codebook from encoder outputs.
    """

    def __init__(self, num_codes: int, dim: int, decay: float = 0.99, dead_threshold: float = 1.0, eps: float = 1e-5):
        super().__init__()
        self.codebook_size = num_codes
        self.dim = dim
        self.decay = decay
        self.dead_threshold = dead_threshold
        self.eps = eps
        self.register_buffer("codebook", torch.randn(num_codes, dim) * 0.1)
        self.register_buffer("ema_count", torch.ones(num_codes))
        self.register_buffer("ema_sum", self.codebook.clone())
        self.register_buffer("initialised", torch.zeros((), dtype=torch.bool))

    def ids_to_codes(self, ids: torch.Tensor) -> torch.Tensor:
        return self.codebook[ids]

    def codes_to_ids(self, z: torch.Tensor) -> torch.Tensor:
        flat = z.reshape(-1, self.dim).float()
        d = flat.pow(2).sum(-1, keepdim=True) - 2 * flat @ self.codebook.T + self.codebook.pow(2).sum(-1)
        return d.argmin(-1).reshape(z.shape[:-1])

    def forward(self, z: torch.Tensor):
        # z: (N, dim)
        if self.training and not bool(self.initialised):
            self._init_from(z.detach())
        ids = self.codes_to_ids(z)
        e = self.codebook[ids]
        if self.training:
            self._ema_update(z.detach().float(), ids)
        q = z + (e - z).detach()
        return q, ids, {"commit": F.mse_loss(z, e.detach())}

    @torch.no_grad()
    def _init_from(self, z: torch.Tensor) -> None:
        idx = torch.randint(0, z.shape[0], (self.codebook_size,), device=z.device)
        self.codebook.copy_(z[idx].float())
        self.ema_sum.copy_(self.codebook)
        self.ema_count.fill_(1.0)
        self.initialised.fill_(True)

    @torch.no_grad()
    def _ema_update(self, z: torch.Tensor, ids: torch.Tensor) -> None:
        onehot = F.one_hot(ids, self.codebook_size).float()  # (N, K)
        count = onehot.sum(0)
        total = onehot.T @ z  # (K, dim)
        self.ema_count.mul_(self.decay).add_(count, alpha=1 - self.decay)
        self.ema_sum.mul_(self.decay).add_(total, alpha=1 - self.decay)
        n = self.ema_count.sum()
        smoothed = (self.ema_count + self.eps) / (n + self.codebook_size * self.eps) * n  # Laplace smoothing
        self.codebook.copy_(self.ema_sum / smoothed.unsqueeze(-1))
        dead = self.ema_count < self.dead_threshold
        if dead.any():
            n_dead = int(dead.sum())
            new = z[torch.randint(0, z.shape[0], (n_dead,), device=z.device)]
            self.codebook[dead] = new
            self.ema_sum[dead] = new
            self.ema_count[dead] = 1.0


class ResidualVectorQuantizer(nn.Module):
    """``levels`` EMA codebooks of ``num_codes`` codes; level l quantizes the residual of levels < l and
    the quantised latent is the sum of the chosen codes. One token id per position combines the level
    ids in base ``num_codes`` (``id = sum_l ids_l * num_codes**l``), so the implicit codebook has
    ``num_codes**levels`` entries."""

    def __init__(self, num_codes: int, dim: int, levels: int = 2, decay: float = 0.99, dead_threshold: float = 1.0):
        super().__init__()
        self.num_codes, self.dim, self.levels = num_codes, dim, levels
        self.codebook_size = num_codes**levels
        self.stages = nn.ModuleList(EMAVectorQuantizer(num_codes, dim, decay, dead_threshold) for _ in range(levels))

    def level_ids(self, ids: torch.Tensor) -> list[torch.Tensor]:
        """(...,) combined ids -> per-level ids, finest last."""
        return [(ids // self.num_codes**l) % self.num_codes for l in range(self.levels)]

    def ids_to_codes(self, ids: torch.Tensor) -> torch.Tensor:
        return sum(stage.ids_to_codes(i) for stage, i in zip(self.stages, self.level_ids(ids)))

    def codes_to_ids(self, z: torch.Tensor) -> torch.Tensor:
        residual, ids = z.float(), torch.zeros(z.shape[:-1], dtype=torch.long, device=z.device)
        for l, stage in enumerate(self.stages):
            i = stage.codes_to_ids(residual)
            residual = residual - stage.ids_to_codes(i)
            ids = ids + i * self.num_codes**l
        return ids

    def forward(self, z: torch.Tensor):
        # z: (N, dim)
        residual, total = z.detach(), torch.zeros_like(z)
        ids = torch.zeros(z.shape[0], dtype=torch.long, device=z.device)
        for l, stage in enumerate(self.stages):
            q, i, _ = stage(residual)
            e = q.detach()                      # the chosen codes (straight-through value of the stage)
            total = total + e
            residual = residual - e
            ids = ids + i * self.num_codes**l
        return z + (total - z).detach(), ids, {"commit": F.mse_loss(z, total.detach())}
