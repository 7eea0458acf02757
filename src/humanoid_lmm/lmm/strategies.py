"""Distribution strategies of `lmm train`: one engine per strategy, one interface for the training loop.

``ddp``: a full replica per process (``DistributedDataParallel``), optimizer state in trainer_state.pt.
``fsdp2``: torch ``fully_shard`` on every decoder layer, then on the root (embedding, final norm and
    a tied ``lm_head`` stay in the root group); optional bf16 ``MixedPrecisionPolicy`` (bf16 compute,
    fp32 sharded master weights, fp32 gradient reduction) and activation checkpointing; a DCP
    checkpoint (``checkpoint-N/dcp``) of model + optimizer, resumed on any number of ranks; the
    full state dict is gathered to rank 0 and written with ``save_pretrained``.
``deepspeed-zero2`` / ``deepspeed-zero3``: see :mod:`humanoid_lmm.lmm.deepspeed_engine` (optional extra).

Every engine: ``module(**batch)`` (forward), ``optimizer.param_groups`` (the loop sets lr),
``step(loss)`` (backward, clip, update), ``save(ck)`` and ``export(directory)`` (collective: every rank
calls them), ``trainer_state()`` (what goes into trainer_state.pt). Weights come from the base folder
(``checkpoint-0``) or, for plain DDP, from the latest checkpoint; LoRA wraps them first (lora.py).

    from torch.distributed.run ...:  torchrun --nproc_per_node 8 -m humanoid_lmm.lmm.cli train --strategy fsdp2 ...
"""
from __future__ import annotations

import os
import socket
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm.configuration_scale import ScaleConfig
from humanoid_lmm.lmm.lora import apply_lora, is_peft_model, load_adapter, merge_lora, save_adapter
from humanoid_lmm.lmm.modeling_lmm import LargeMotionModel

__all__ = ["EngineOptions", "TrainEngine", "FSDP2Engine", "make_engine", "init_distributed",
           "decoder_layers"]


@dataclass
class EngineOptions:
    """What an engine needs besides the model: optimizer settings [lr: 1/step], per-rank batch, device."""

    scale: ScaleConfig
    lr: float
    weight_decay: float
    grad_clip: float
    batch_size: int
    device: torch.device
    amp: bool = True
    betas: tuple[float, float] = (0.9, 0.98)

    @property
    def cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def bf16(self) -> bool:
        return self.amp and self.scale.use_bf16(self.cuda)


def init_distributed(cuda: bool) -> None:
    """Join (or, for one process outside torchrun, create) the process group: nccl on CUDA, gloo on CPU."""
    if dist.is_initialized():
        return
    if "MASTER_ADDR" not in os.environ:   # a single process that was not started by torchrun
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK="0", WORLD_SIZE="1", LOCAL_RANK="0")
    dist.init_process_group("nccl" if cuda else "gloo")


def decoder_layers(model) -> list[torch.nn.Module]:
    """The transformer blocks of an HF causal LM (classes named in ``_no_split_modules``), in order."""
    base = model.get_base_model() if is_peft_model(model) else model
    names = set(getattr(base, "_no_split_modules", None) or [])
    layers = [m for m in base.modules() if type(m).__name__ in names]
    if not layers:
        raise ConfigError(f"cannot find the decoder layers of {type(base).__name__} (no _no_split_modules)")
    return layers


class TrainEngine:
    """DDP-style base: plain optimizer over the trainable parameters, HF / adapter checkpoints."""

    name = "ddp"

    def __init__(self, lmm: LargeMotionModel, opts: EngineOptions, resume: Path | None, state: dict | None):
        self.lmm, self.opts = lmm, opts
        self.rank, self.world = (dist.get_rank(), dist.get_world_size()) if dist.is_initialized() else (0, 1)
        self.lora = opts.scale.lora
        model = lmm.model
        if self.lora is not None and not is_peft_model(model):
            adapter = resume / "adapter" if resume is not None and self.name == "ddp" else None
            model = (load_adapter(model, adapter, trainable=True) if adapter is not None and adapter.is_dir()
                     else apply_lora(model, lmm.vocab, self.lora))
        if opts.scale.activation_checkpointing:
            if hasattr(model, "activation_checkpointing_enable"):     # transformers >= 5.2x
                model.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
            else:
                model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
            if is_peft_model(model):
                model.enable_input_require_grads()
        model.train()
        self.model = model
        self.module = self._wrap(model)
        self.optimizer = self._optimizer(state)

    # ---- hooks a strategy overrides
    def _wrap(self, model):
        model.to(self.opts.device)
        if self.world == 1:
            return model
        ids = [self.opts.device.index] if self.opts.cuda else None
        return torch.nn.parallel.DistributedDataParallel(model, device_ids=ids)

    def _optimizer(self, state: dict | None):
        params = [p for p in self.model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=self.opts.lr, weight_decay=self.opts.weight_decay, betas=self.opts.betas)
        if state and state.get("optimizer") is not None:
            opt.load_state_dict(state["optimizer"])
        return opt

    def autocast(self):
        return torch.autocast(self.opts.device.type, dtype=torch.bfloat16) if self.opts.bf16 else nullcontext()

    def step(self, loss: torch.Tensor) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in self.model.parameters() if p.requires_grad], self.opts.grad_clip)
        self.optimizer.step()

    def trainer_state(self) -> dict:
        return {"optimizer": self.optimizer.state_dict(), "strategy": self.name,
                "lora": str(self.lora) if self.lora else None}

    def save(self, ck: Path, motion_tokenizer_src=None) -> None:
        """Model (or adapter) of this checkpoint; the caller writes trainer_state.pt on rank 0."""
        if self.rank == 0:
            if self.lora is not None:
                save_adapter(self.model, self.lmm, ck / "adapter", self.lora)
            else:
                self._plain_lmm(self.model).save_pretrained(ck, motion_tokenizer_src=motion_tokenizer_src)

    def export(self, directory: Path, motion_tokenizer_src=None, base_dir: Path | None = None) -> Path:
        """A plain LMM folder for `generate` (LoRA: merged; the adapter goes to ``directory``-adapter too)."""
        if self.rank == 0:
            self._write_plain(self.model, directory, motion_tokenizer_src)
        return directory

    # ---- helpers
    def _plain_lmm(self, model) -> LargeMotionModel:
        lmm = LargeMotionModel.__new__(LargeMotionModel)
        lmm.__dict__.update(self.lmm.__dict__)
        lmm.model = model
        return lmm

    def _write_plain(self, model, directory: Path, motion_tokenizer_src) -> None:
        if is_peft_model(model):
            save_adapter(model, self.lmm, directory.with_name(directory.name + "-adapter"), self.lora)
            model = merge_lora(model)
        model.eval()
        self._plain_lmm(model).save_pretrained(directory, motion_tokenizer_src=motion_tokenizer_src)


class FSDP2Engine(TrainEngine):
    """torch FSDP2: ``fully_shard`` per decoder layer + root; DCP checkpoints (see the module doc)."""

    name = "fsdp2"

    def _wrap(self, model):
        from torch.distributed.device_mesh import init_device_mesh
        from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard

        mesh = init_device_mesh(self.opts.device.type, (self.world,))
        kw = {"mesh": mesh}
        if self.opts.bf16:
            kw["mp_policy"] = MixedPrecisionPolicy(param_dtype=torch.bfloat16, reduce_dtype=torch.float32)
        for layer in decoder_layers(model):
            fully_shard(layer, **kw)
        fully_shard(model, **kw)
        return model

    def _optimizer(self, state: dict | None):
        return super()._optimizer(None)   # the optimizer state comes from the DCP checkpoint (load)

    def autocast(self):
        return nullcontext()              # MixedPrecisionPolicy casts inside the sharded modules

    def load(self, ck: Path) -> None:
        import torch.distributed.checkpoint as dcp
        from torch.distributed.checkpoint.state_dict import get_state_dict, set_state_dict

        msd, osd = get_state_dict(self.model, self.optimizer)
        state = {"model": msd, "optim": osd}
        dcp.load(state, checkpoint_id=str(ck / "dcp"))
        set_state_dict(self.model, self.optimizer, model_state_dict=state["model"], optim_state_dict=state["optim"])

    def trainer_state(self) -> dict:
        return {"optimizer": None, "strategy": self.name, "lora": str(self.lora) if self.lora else None}

    def save(self, ck: Path, motion_tokenizer_src=None) -> None:
        import torch.distributed.checkpoint as dcp
        from torch.distributed.checkpoint.state_dict import get_state_dict

        msd, osd = get_state_dict(self.model, self.optimizer)
        dcp.save({"model": msd, "optim": osd}, checkpoint_id=str(ck / "dcp"))

    def full_state_dict(self) -> dict:
        """Every parameter and buffer gathered, on rank 0's CPU (empty elsewhere); collective."""
        from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

        return get_model_state_dict(self.model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))

    def export(self, directory: Path, motion_tokenizer_src=None, base_dir: Path | None = None) -> Path:
        full = self.full_state_dict()
        if self.rank == 0:
            write_full_state(self.lmm, full, base_dir, self.lora, directory, motion_tokenizer_src, self)
        return directory


def write_full_state(lmm, full: dict, base_dir: Path, lora, directory: Path, motion_tokenizer_src, engine) -> None:
    """Rank 0: a fresh CPU copy of the base (+ LoRA) takes the gathered weights and is written plain."""
    fresh = LargeMotionModel.from_pretrained(base_dir).model
    if lora is not None:
        fresh = apply_lora(fresh, lmm.vocab, lora)
    missing, unexpected = fresh.load_state_dict(full, strict=False)
    tied = {k for k in missing if k.endswith(("lm_head.weight", "lm_head.base_layer.weight"))}
    if set(missing) - tied or unexpected:
        raise ConfigError(f"gathered state does not fit the model: missing {sorted(set(missing) - tied)[:4]}, "
                          f"unexpected {sorted(unexpected)[:4]}")
    engine._write_plain(fresh, directory, motion_tokenizer_src)


def make_engine(lmm: LargeMotionModel, opts: EngineOptions, resume: Path | None, state: dict | None) -> TrainEngine:
    """The engine of ``opts.scale.strategy``; ``resume`` = checkpoint to continue (None: a fresh run)."""
    name = opts.scale.strategy
    if name == "ddp":
        return TrainEngine(lmm, opts, resume, state)
    if name == "fsdp2":
        engine = FSDP2Engine(lmm, opts, resume, state)
    elif name.startswith("deepspeed-zero"):
        from humanoid_lmm.lmm.deepspeed_engine import DeepSpeedEngine

        engine = DeepSpeedEngine(lmm, opts, resume, state)
    else:  # ScaleConfig validated this already
        raise ConfigError(f"strategy={name!r} is invalid")
    if resume is not None:
        engine.load(resume)
    return engine


def weights_dir(strategy: str, lora, latest: Path, base: Path) -> Path:
    """Where a run's starting weights are: the latest HF checkpoint for plain DDP, else the base folder."""
    return latest if strategy == "ddp" and lora is None else base
