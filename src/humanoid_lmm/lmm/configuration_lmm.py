"""Configuration dataclasses of the Large Motion Model: architecture, sampling and training.

Every dataclass validates itself in ``__post_init__`` and raises :class:`ConfigError` naming the
field, the bad value and the valid choices. ``LMMConfig`` is saved next to the Hugging Face
``config.json`` as ``lmm_config.json`` so a model directory names its motion tokenizer.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm.configuration_scale import ScaleConfig

__all__ = ["LMMConfig", "SamplingConfig", "TrainConfig", "ARCHITECTURES", "LMM_CONFIG_NAME"]

ARCHITECTURES = ("gpt2", "llama")
LMM_CONFIG_NAME = "lmm_config.json"


def _check(cond: bool, name: str, value, rule: str) -> None:
    if not cond:
        raise ConfigError(f"{name}={value!r} is invalid: {rule}")


@dataclass
class LMMConfig:
    """Architecture of the causal LM and the motion vocabulary it carries.

    arch: "gpt2" or "llama", used when ``base_model`` is None (the model is built from a config).
    base_model: optional local directory of any Hugging Face decoder-only causal LM; its own text
        tokenizer is kept and extended with the motion tokens.
    codebook_size, num_parts, downsample, fps: copied from the motion tokenizer (K, P, alpha, fps).
    motion_tokenizer: path of the motion tokenizer checkpoint (relative paths resolve against the
        LMM directory first, then the project root).
    max_text_chars / max_prompt_tokens: caps on the user's command (longer input is refused).
    max_motion_seconds: hard cap on generated length [s].
    """

    arch: str = "gpt2"
    base_model: str | None = None
    n_layer: int = 4
    n_embd: int = 256
    n_head: int = 4
    n_positions: int = 512
    dropout: float = 0.0
    text_vocab_size: int = 1024
    codebook_size: int = 512
    num_parts: int = 1
    downsample: int = 4
    fps: float = 20.0
    motion_tokenizer: str = ""
    max_text_chars: int = 200
    max_prompt_tokens: int = 64
    max_motion_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.base_model is None:
            _check(self.arch in ARCHITECTURES, "arch", self.arch, f"choose one of {ARCHITECTURES}")
        for name in ("n_layer", "n_embd", "n_head", "n_positions", "text_vocab_size", "codebook_size",
                     "num_parts", "downsample", "max_text_chars", "max_prompt_tokens"):
            v = getattr(self, name)
            _check(isinstance(v, int) and v > 0, name, v, "must be a positive integer")
        _check(self.n_embd % self.n_head == 0, "n_embd", self.n_embd, f"must be divisible by n_head={self.n_head}")
        _check(0.0 <= self.dropout < 1.0, "dropout", self.dropout, "must be in [0, 1)")
        _check(self.fps > 0, "fps", self.fps, "must be > 0 [frames/s]")
        _check(self.max_motion_seconds > 0, "max_motion_seconds", self.max_motion_seconds, "must be > 0 [s]")
        need = self.max_prompt_tokens + 2 + self.max_steps * self.num_parts + 2
        _check(self.n_positions >= need, "n_positions", self.n_positions,
               f"must hold max_prompt_tokens + the longest motion ({need} tokens)")

    @property
    def steps_per_second(self) -> float:
        """Token time steps per motion second (fps / downsample)."""
        return self.fps / self.downsample

    @property
    def max_steps(self) -> int:
        """Most time steps (each of ``num_parts`` tokens) a generated motion may have."""
        return max(1, int(round(self.max_motion_seconds * self.steps_per_second)))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "LMMConfig":
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise ConfigError(f"unknown LMMConfig fields {unknown}; valid fields: {sorted(names)}")
        return cls(**d)

    def save(self, directory: str | Path) -> Path:
        path = Path(directory) / LMM_CONFIG_NAME
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, directory: str | Path) -> "LMMConfig":
        path = Path(directory) / LMM_CONFIG_NAME
        if not path.is_file():
            raise ConfigError(f"{path} not found: not a humanoid_lmm LMM directory")
        return cls.from_dict(json.loads(path.read_text()))


@dataclass
class SamplingConfig:
    """How motion tokens are sampled.

    temperature: softmax temperature (0 = greedy). top_k: 0 disables. top_p: 1.0 disables.
    duration_tolerance: accepted relative deviation from a requested duration.
    min_seconds / default_max_seconds: bounds when no duration is requested [s].
    chunk_steps: token time steps per streamed chunk.
    stream_context_steps: decoder context re-decoded per chunk (0 = whole prefix; 16 covers the MotionBook
        decoder's receptive field, measured exact to 1e-6 with res_blocks=2).
    max_retries: attempts before GenerationError.
    use_hf_generate: sample with ``model.generate`` + the LogitsProcessor instead of the fast loop.
    fast_decoding: use the hand-held GPT-2 decoder when the model is GPT-2 (else HF forward + cache).
    constrained: apply the motion grammar (disable only to test failure handling).
    foot_lock: pin planted feet after decoding (:mod:`humanoid_lmm.motion.foot_lock`: the decoder lets a
        foot on the ground creep by centimetres); False = the decoder's raw output.
    """

    temperature: float = 0.8
    top_k: int = 0
    top_p: float = 0.95
    duration_tolerance: float = 0.15
    min_seconds: float = 1.0
    default_max_seconds: float = 8.0
    chunk_steps: int = 2
    stream_context_steps: int = 16
    max_retries: int = 3
    use_hf_generate: bool = False
    fast_decoding: bool = True
    constrained: bool = True
    foot_lock: bool = True

    def __post_init__(self) -> None:
        _check(self.temperature >= 0, "temperature", self.temperature, "must be >= 0 (0 = greedy)")
        _check(isinstance(self.top_k, int) and self.top_k >= 0, "top_k", self.top_k, "must be an int >= 0")
        _check(0 < self.top_p <= 1, "top_p", self.top_p, "must be in (0, 1]")
        _check(0 <= self.duration_tolerance < 1, "duration_tolerance", self.duration_tolerance, "must be in [0, 1)")
        _check(self.min_seconds > 0, "min_seconds", self.min_seconds, "must be > 0 [s]")
        _check(self.default_max_seconds >= self.min_seconds, "default_max_seconds", self.default_max_seconds,
               f"must be >= min_seconds={self.min_seconds}")
        _check(isinstance(self.chunk_steps, int) and self.chunk_steps > 0, "chunk_steps", self.chunk_steps,
               "must be a positive integer")
        _check(isinstance(self.stream_context_steps, int) and self.stream_context_steps >= 0, "stream_context_steps",
               self.stream_context_steps, "must be an integer >= 0 (0 = decode the whole prefix)")
        _check(isinstance(self.max_retries, int) and 1 <= self.max_retries <= 20, "max_retries",
               self.max_retries, "must be an integer in [1, 20]")


@dataclass
class TrainConfig:
    """One training run (stage 1 alignment or stage 2 instruction tuning).

    stage: 1 = text<->motion alignment on all pairs, 2 = instruction tuning with templates.
    response_only_loss: mask the prompt out of the loss (labels -100).
    m2t_fraction: share of motion->text examples.
    paraphrase_fraction: share of text->motion prompts rewritten by :func:`humanoid_lmm.lmm.paraphrase.augment`
        (synonyms, politeness, typos; sides and counts kept).
    bucket_pool: batches drawn together and split by length (less padding); 1 = plain random batches.
    amp: bfloat16 autocast when training on CUDA (ignored on CPU).
    max_minutes: wall-clock budget; training stops early (checkpoint + final) when it is spent.
    init: LMM directory to continue from as it is (e.g. stage 1's final for stage 2).
    warm_start: LMM directory whose text tokenizer and fitting weights seed a new ``model`` (e.g. after
        the motion tokenizer changed); ignored when ``init`` is set.
    scale: distribution strategy, bf16, activation checkpointing, LoRA (:class:`ScaleConfig`).
    """

    stage: int = 1
    data: str | tuple[str, ...] = "data/corpus_2k"   # MotionLib root, or several pooled
    out: str = "runs/lmm/stage1"
    init: str | None = None
    warm_start: str | None = None
    motion_tokenizer: str = "models/motionbook"
    model: LMMConfig = field(default_factory=LMMConfig)
    steps: int = 1000
    batch_size: int = 32
    bucket_pool: int = 8
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_steps: int = 50
    grad_clip: float = 1.0
    eval_every: int = 200
    eval_batches: int = 8
    save_every: int = 500
    keep_checkpoints: int = 2
    response_only_loss: bool = True
    m2t_fraction: float = 0.25
    paraphrase_fraction: float = 0.0
    amp: bool = True
    seed: int = 0
    device: str = "auto"
    threads: int = 2
    progress: bool = True
    max_minutes: float | None = None
    scale: ScaleConfig = field(default_factory=ScaleConfig)

    def __post_init__(self) -> None:
        _check(self.max_minutes is None or self.max_minutes > 0, "max_minutes", self.max_minutes,
               "must be > 0 [min] or None (no time limit)")
        _check(self.stage in (1, 2), "stage", self.stage, "choose 1 (alignment) or 2 (instruction tuning)")
        for name in ("steps", "batch_size", "bucket_pool", "eval_every", "eval_batches", "save_every", "keep_checkpoints",
                     "threads"):
            v = getattr(self, name)
            _check(isinstance(v, int) and v > 0, name, v, "must be a positive integer")
        _check(self.lr > 0, "lr", self.lr, "must be > 0")
        _check(self.warmup_steps >= 0, "warmup_steps", self.warmup_steps, "must be >= 0")
        _check(0 <= self.m2t_fraction <= 1, "m2t_fraction", self.m2t_fraction, "must be in [0, 1]")
        _check(0 <= self.paraphrase_fraction <= 1, "paraphrase_fraction", self.paraphrase_fraction, "must be in [0, 1]")
        _check(self.device in ("auto", "cpu", "cuda"), "device", self.device, "choose auto, cpu or cuda")
        _check(not (self.init and self.warm_start), "warm_start", self.warm_start,
               "give either init (continue a model) or warm_start (new model seeded by one), not both")
