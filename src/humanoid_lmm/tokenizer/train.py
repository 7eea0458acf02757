"""Training loop of MotionBook: AdamW with warmup + cosine decay on random windows of the train split,
periodic validation on fixed windows of the val split, checkpoints (safetensors + JSON) and resume.

Output directory layout::

    out/config.json, out/model.safetensors        final weights (loadable by load_motion_tokenizer)
    out/checkpoint/{config.json, model.safetensors, train_state.pt}   latest checkpoint, for resume
    out/log.jsonl                                  one JSON line per validation
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import torch

from ..errors import ConfigError
from .configuration import MotionTokenizerConfig, TrainConfig, load_config_json
from .data import WindowSampler, d135_stats, load_split_d135
from .losses import motionbook_loss
from .modeling import MotionBook
from .tokenizer import load_motionbook, save_motionbook

__all__ = ["train_motionbook", "validate", "lr_at"]


def lr_at(step: int, tc: TrainConfig, time_frac: float = 0.0) -> float:
    """Linear warmup then cosine decay to 10% of ``tc.lr``.

    ``time_frac`` (elapsed / time limit) advances the decay when a wall-clock limit is nearer than
    ``tc.steps``: progress = max(step fraction, time fraction).
    """
    if step < tc.warmup_steps:
        return tc.lr * (step + 1) / tc.warmup_steps
    frac = max((step - tc.warmup_steps) / max(tc.steps - tc.warmup_steps, 1), time_frac)
    return tc.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))


def _step_losses(model: MotionBook, x: torch.Tensor, mask: torch.Tensor):
    xn = model.normalise(x)
    pred_n, ids, aux = model(xn)
    loss, terms = motionbook_loss(model.cfg, pred_n, xn, model.denormalise(pred_n), x, mask, aux)
    return loss, terms, ids


@torch.no_grad()
def validate(model: MotionBook, x: torch.Tensor, mask: torch.Tensor, batch_size: int = 64) -> dict[str, float]:
    """Mean loss terms over fixed validation windows (B, W, 135) + codebook utilisation of their tokens."""
    model.eval()
    sums: dict[str, float] = {}
    ids_all = []
    n = 0
    for i in range(0, x.shape[0], batch_size):
        xb, mb = x[i : i + batch_size], mask[i : i + batch_size]
        _, terms, ids = _step_losses(model, xb, mb)
        for k, v in terms.items():
            sums[k] = sums.get(k, 0.0) + v * xb.shape[0]
        ids_all.append(ids.reshape(-1).cpu())
        n += xb.shape[0]
    model.train()
    out = {f"val_{k}": v / n for k, v in sums.items()}
    ids = torch.cat(ids_all)
    out["val_used_codes"] = int(ids.unique().numel())
    out["val_utilisation"] = out["val_used_codes"] / model.cfg.codebook_size
    return out


def train_motionbook(
    data: str | Path | list,
    out: str | Path,
    cfg: MotionTokenizerConfig,
    tc: TrainConfig,
    resume: bool = True,
    progress: bool = True,
    log=print,
    stop_at: int | None = None,
    time_limit_s: float | None = None,
    init: str | Path | None = None,
) -> Path:
    """Train on ``data`` (corpus dir(s) with train/val splits); returns ``out``. Resumes from out/checkpoint.

    ``stop_at``: leave after this step with a checkpoint (to split a run into time-boxed calls; the
    schedule still follows ``tc.steps``). The final weights are written to ``out`` only at ``tc.steps``.
    ``time_limit_s``: wall-clock budget of this call [s]; the learning rate decays by whichever of step
    and time runs out first, and training ends (final weights written) when the time is up. Such a run
    is not bit-reproducible; its step count is recorded in config.json and log.jsonl.
    ``init``: a MotionBook directory whose weights (and normalisation) start a new run (fine-tuning,
    e.g. with other loss weights); its architecture must equal ``cfg``'s. Ignored when resuming.
    """
    from humanoid_lmm.progress import progress_bar

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ckpt = out / "checkpoint"
    device = torch.device(tc.device)
    torch.manual_seed(tc.seed)
    if device.type == "cpu" and torch.get_num_threads() > 2:
        torch.set_num_threads(2)

    train = load_split_d135(data, "train", cfg.fps)
    val = load_split_d135(data, "val", cfg.fps)
    mean, std = d135_stats(train, tc.min_std)
    sampler = WindowSampler(train, tc.window, seed=tc.seed, yaw_augment=tc.yaw_augment)
    vx, vm = WindowSampler(val, tc.window, seed=tc.seed + 1).sample(max(256, tc.batch_size))
    vx, vm = torch.from_numpy(vx).to(device), torch.from_numpy(vm).to(device)

    model = MotionBook(cfg)
    model.mean.copy_(torch.from_numpy(mean))
    model.std.copy_(torch.from_numpy(std))
    if init is not None and not (resume and (ckpt / "train_state.pt").is_file()):
        start = load_motionbook(init)
        arch = ("quantizer", "codebook_bits", "vq_codes", "vq_dim", "part_layout", "downsample", "width",
                "res_blocks", "fps")
        diff = [k for k in arch if getattr(start.cfg, k) != getattr(cfg, k)]
        if diff:
            raise ConfigError(f"init={str(init)!r}: its {', '.join(f'{k}={getattr(start.cfg, k)!r}' for k in diff)} "
                              f"differ from the requested model; fine-tuning needs the same architecture")
        model.load_state_dict(start.state_dict())
        log(f"initialised from {init}")
    step = 0
    opt_state = None
    if resume and (ckpt / "train_state.pt").is_file():
        saved = load_config_json(ckpt / "config.json")
        if saved["model"] != cfg.to_dict():
            raise ValueError(f"{ckpt}: checkpoint model config differs from the requested one; use a new --out")
        model = load_motionbook(ckpt)
        st = torch.load(ckpt / "train_state.pt", map_location="cpu", weights_only=False)
        step, opt_state = st["step"], st["optimizer"]
        sampler.set_state(st["sampler"])
        torch.set_rng_state(st["torch_rng"])
        log(f"resumed from {ckpt} at step {step}")
    model.to(device).train()
    opt = torch.optim.AdamW(model.parameters(), lr=tc.lr, weight_decay=tc.weight_decay, betas=(0.9, 0.99))
    if opt_state is not None:
        opt.load_state_dict(opt_state)
    extra = {"train": tc.to_dict(), **({"init": str(init)} if init is not None else {}), "data": [str(d) for d in data] if isinstance(data, (list, tuple)) else str(data)}
    n_params = sum(p.numel() for p in model.parameters())
    log(f"MotionBook {cfg.quantizer} codebook {cfg.codebook_size} params {n_params:,} on {device}; "
        f"{len(train)} train / {len(val)} val motions")

    def save_checkpoint():
        save_motionbook(model, ckpt, {**extra, "step": step})
        torch.save({"step": step, "optimizer": opt.state_dict(), "sampler": sampler.state(),
                    "torch_rng": torch.get_rng_state()}, ckpt / "train_state.pt")

    bar = progress_bar(total=tc.steps, initial=step, enabled=progress, desc="tokenizer train", unit="step")
    t0 = time.time()
    time_frac = 0.0
    while step < tc.steps and time_frac < 1.0:
        if time_limit_s:
            time_frac = (time.time() - t0) / time_limit_s
        for g in opt.param_groups:
            g["lr"] = lr_at(step, tc, time_frac)
        xb, mb = sampler.sample(tc.batch_size)
        loss, terms, _ = _step_losses(model, torch.from_numpy(xb).to(device), torch.from_numpy(mb).to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), tc.grad_clip)
        opt.step()
        step += 1
        bar.update(1)
        bar.set_postfix(loss=f"{loss.item():.4f}", mpjpe=f"{terms['mpjpe_mm']:.1f}mm")
        out_of_time = bool(time_limit_s) and time.time() - t0 >= time_limit_s
        if step % tc.val_every == 0 or step == tc.steps or out_of_time:
            rec = {"step": step, "time_s": round(time.time() - t0, 1), "lr": opt.param_groups[0]["lr"],
                   **{f"train_{k}": v for k, v in terms.items()}, **validate(model, vx, vm)}
            with open(out / "log.jsonl", "a") as f:
                f.write(json.dumps(rec) + "\n")
            log(f"step {step}: val mpjpe {rec['val_mpjpe_mm']:.1f} mm, utilisation {rec['val_utilisation']:.3f}")
        if step % tc.ckpt_every == 0 or step == tc.steps or step == stop_at or out_of_time:
            save_checkpoint()
        if step == stop_at or out_of_time:
            break
    bar.close()
    if step < tc.steps and not (time_limit_s and time.time() - t0 >= time_limit_s):
        log(f"stopped at step {step} of {tc.steps}; checkpoint in {ckpt}")
        return out
    save_motionbook(model, out, {**extra, "step": step, "time_s": round(time.time() - t0, 1)})
    log(f"finished at step {step} after {time.time() - t0:.0f} s; saved {out}")
    return out
