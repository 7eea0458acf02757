"""DeepSpeed ZeRO-2 / ZeRO-3 engine of `lmm train` (optional extra: ``INSTALL_DEEPSPEED=1 scripts/install.sh``).

ZeRO-2 shards the optimizer state and gradients, ZeRO-3 the parameters too (each layer gathered for
its forward and backward). The optimizer is torch's AdamW handed to DeepSpeed as a factory (no
DeepSpeed Adam to compile); bf16 when ``ScaleConfig.use_bf16`` (fp32 master weights in the ZeRO
optimizer); gradient clipping by DeepSpeed. Checkpoints: ``checkpoint-N/ds`` (``save_checkpoint``:
model + optimizer partitions); export gathers the weights to rank 0 (ZeRO-3: layer by layer with
``_zero3_consolidated_16bit_state_dict``, which keeps the training dtype) and writes ``save_pretrained``.

On CPU the process group is gloo; the first run compiles DeepSpeed's CPU collective extension with
g++ into ``TORCH_EXTENSIONS_DIR`` (~2 min once, then cached).
"""
from __future__ import annotations

from pathlib import Path

import torch

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm.strategies import TrainEngine, write_full_state

__all__ = ["DeepSpeedEngine", "deepspeed_config", "require_deepspeed"]


def require_deepspeed():
    try:
        import deepspeed
    except ImportError as exc:
        raise ConfigError("strategy=deepspeed-zero*: DeepSpeed is not installed; install the optional extra with "
                          "INSTALL_DEEPSPEED=1 scripts/install.sh (requirements/deepspeed.txt)") from exc
    return deepspeed


def deepspeed_config(stage: int, batch_size: int, grad_clip: float, bf16: bool) -> dict:
    """The DeepSpeed JSON config of one ZeRO run (one micro-batch per step, no accumulation)."""
    zero = {"stage": stage, "contiguous_gradients": True, "overlap_comm": False}
    if stage == 3:
        zero.update(stage3_gather_16bit_weights_on_model_save=True, stage3_param_persistence_threshold=0)
    return {"train_micro_batch_size_per_gpu": batch_size, "gradient_accumulation_steps": 1,
            "gradient_clipping": grad_clip, "zero_optimization": zero, "bf16": {"enabled": bool(bf16)},
            "zero_allow_untested_optimizer": True, "steps_per_print": 2**31 - 1, "wall_clock_breakdown": False}


class DeepSpeedEngine(TrainEngine):
    """``deepspeed.initialize`` around the model; ``engine(**batch)``, ``engine.backward``, ``engine.step``."""

    def __init__(self, lmm, opts, resume, state):
        self.stage = int(opts.scale.strategy[-1])
        self.name = opts.scale.strategy
        super().__init__(lmm, opts, resume, state)

    def _wrap(self, model):
        deepspeed = require_deepspeed()
        deepspeed.init_distributed(dist_backend="nccl" if self.opts.cuda else "gloo")
        model.to(self.opts.device)
        o = self.opts

        def adamw(params):
            return torch.optim.AdamW(params, lr=o.lr, weight_decay=o.weight_decay, betas=o.betas)

        cfg = deepspeed_config(self.stage, o.batch_size, o.grad_clip, o.bf16)
        params = [p for p in model.parameters() if p.requires_grad]
        engine, optimizer, _, _ = deepspeed.initialize(model=model, model_parameters=params, optimizer=adamw,
                                                       config=cfg)
        self._ds_optimizer = optimizer
        return engine

    def _optimizer(self, state):
        return self._ds_optimizer        # ZeRO optimizer; param_groups are the inner AdamW's

    def autocast(self):
        from contextlib import nullcontext

        return nullcontext()              # the engine runs the module in bf16 itself

    def step(self, loss: torch.Tensor) -> None:
        self.module.backward(loss)
        self.module.step()

    def load(self, ck: Path) -> None:
        path, _ = self.module.load_checkpoint(str(ck / "ds"), tag="state")
        if path is None:
            raise ConfigError(f"{ck / 'ds'} holds no DeepSpeed checkpoint to resume from")

    def trainer_state(self) -> dict:
        return {"optimizer": None, "strategy": self.name, "lora": str(self.lora) if self.lora else None}

    def save(self, ck: Path, motion_tokenizer_src=None) -> None:
        self.module.save_checkpoint(str(ck / "ds"), tag="state")

    def full_state_dict(self) -> dict:
        """Every weight on rank 0's CPU (None elsewhere); collective."""
        if self.stage == 3:
            return self.module._zero3_consolidated_16bit_state_dict()
        if self.rank != 0:
            return None
        return {k: v.detach().float().cpu() if v.is_floating_point() else v.cpu()
                for k, v in self.module.module.state_dict().items()}

    def export(self, directory: Path, motion_tokenizer_src=None, base_dir: Path | None = None) -> Path:
        full = self.full_state_dict()
        if self.rank == 0:
            full = {k: v.float() if v.is_floating_point() else v for k, v in full.items()}
            write_full_state(self.lmm, full, base_dir, self.lora, directory, motion_tokenizer_src, self)
        return directory
