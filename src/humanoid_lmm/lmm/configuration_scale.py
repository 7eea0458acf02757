"""Configuration of scaled-out LMM training: distribution strategy, precision, LoRA, motion-row init.

Held by :class:`humanoid_lmm.lmm.configuration_lmm.TrainConfig` as ``TrainConfig.scale``; every field
is validated at construction and a bad value raises :class:`ConfigError` naming the field and the
valid choices.
"""
from __future__ import annotations

from dataclasses import dataclass

from humanoid_lmm.errors import ConfigError

__all__ = ["STRATEGIES", "MOTION_INITS", "LoRASpec", "ScaleConfig"]

STRATEGIES = ("ddp", "fsdp2", "deepspeed-zero2", "deepspeed-zero3")
MOTION_INITS = ("mean", "hf")


@dataclass(frozen=True)
class LoRASpec:
    """LoRA adapter shape: rank ``r``, scale ``alpha`` (update = alpha / r * B A), ``dropout`` on its input.

    ``target_modules``: PEFT's module selector; "all-linear" = every linear layer of the decoder
    (attention and MLP projections), not the output head. The motion-token rows of the embedding (and
    of ``lm_head`` when it is not tied) are trained as well, see :mod:`humanoid_lmm.lmm.lora`.
    """

    r: int = 16
    alpha: float = 32.0
    dropout: float = 0.05
    target_modules: str = "all-linear"

    def __post_init__(self) -> None:
        if not (isinstance(self.r, int) and self.r > 0):
            raise ConfigError(f"lora r={self.r!r} is invalid: must be a positive integer")
        if not self.alpha > 0:
            raise ConfigError(f"lora alpha={self.alpha!r} is invalid: must be > 0")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"lora dropout={self.dropout!r} is invalid: must be in [0, 1)")

    @classmethod
    def parse(cls, text: str) -> "LoRASpec":
        """``"r,alpha,dropout"`` (``"16,32,0.05"``; alpha and dropout may be left out) -> LoRASpec."""
        parts = [p.strip() for p in str(text).split(",")]
        try:
            r = int(parts[0])
            alpha = float(parts[1]) if len(parts) > 1 and parts[1] else 2.0 * r
            dropout = float(parts[2]) if len(parts) > 2 and parts[2] else 0.05
        except ValueError:
            raise ConfigError(f"lora={text!r} is invalid: write r,alpha,dropout, e.g. 16,32,0.05") from None
        if len(parts) > 3:
            raise ConfigError(f"lora={text!r} is invalid: at most three values r,alpha,dropout")
        return cls(r, alpha, dropout)

    def __str__(self) -> str:
        return f"{self.r},{self.alpha:g},{self.dropout:g}"


@dataclass
class ScaleConfig:
    """How one training run is distributed and what it trains.

    strategy: "ddp" (full replica per process), "fsdp2" (torch ``fully_shard`` per decoder layer + root),
        "deepspeed-zero2" (optimizer state + gradients sharded), "deepspeed-zero3" (parameters too).
    bf16: bfloat16 compute (FSDP2 ``MixedPrecisionPolicy``, DeepSpeed ``bf16``) with fp32 master
        weights and fp32 gradient reduction; None = on with CUDA, off on CPU.
    activation_checkpointing: recompute each decoder layer's activations in the backward pass
        (memory ~ one layer's activations instead of all of them; ~30 % more compute).
    lora: train a LoRA adapter (+ the motion-token rows) instead of every weight; None = full training.
    motion_init: how a big checkpoint's new motion rows (embedding and lm_head) start, when the model
        is created from ``base_model``: "mean" (mean of the text rows plus small noise, see
        :mod:`humanoid_lmm.lmm.vocab_init`) or "hf" (transformers' own ``resize_token_embeddings``).
    """

    strategy: str = "ddp"
    bf16: bool | None = None
    activation_checkpointing: bool = False
    lora: LoRASpec | None = None
    motion_init: str = "mean"

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ConfigError(f"strategy={self.strategy!r} is invalid: choose one of {', '.join(STRATEGIES)}")
        if self.motion_init not in MOTION_INITS:
            raise ConfigError(f"motion_init={self.motion_init!r} is invalid: choose one of {', '.join(MOTION_INITS)}")
        if isinstance(self.lora, str):
            self.lora = LoRASpec.parse(self.lora)

    def use_bf16(self, cuda: bool) -> bool:
        return cuda if self.bf16 is None else bool(self.bf16)
