"""Training the text-motion evaluator on its own corpus split (never the LMM's).

Data: a MotionLib corpus (``humanoid-lmm data synth ... --seed 1``): every clip's HumanML3D features
and all its texts (paraphrases + the hierarchical overall text); the word vocabulary is built from the
train split's texts.

Loss: symmetric InfoNCE (TMR) over a batch of (motion, one random text of it) pairs; off-diagonal pairs
whose drawn texts are the same words (e.g. "squat" drawn for two clips of one primitive) are not used
as negatives. AdamW, cosine schedule, a wall-clock budget;
validation R@1 in batches of 32 on the val split picks the saved weights.
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .evaluator import EvaluatorConfig, TextMotionEvaluator, build_vocab, motion_features, pad_features, words

__all__ = ["load_split", "train_evaluator", "content_hashes"]


def _texts(sample) -> list[str]:
    texts = [t for t in (sample.texts or []) if t and t.strip()]
    hier = getattr(sample, "hier", None)
    if hier is not None and getattr(hier, "overall", "") and hier.overall not in texts:
        texts.append(hier.overall)
    return texts or [sample.motion.text]


def load_split(root: str | Path, split: str, limit: int | None = None):
    """(features list of (T-1, 263), texts list of lists, sample ids) of one corpus split."""
    from humanoid_lmm.motion.dataset import MotionLibDataset

    ds = MotionLibDataset(root, split)
    n = len(ds) if limit is None else min(limit, len(ds))
    feats, texts, ids = [], [], []
    for i in range(n):
        s = ds[i]
        feats.append(motion_features(s.motion))
        texts.append(_texts(s))
        ids.append(ds.samples[i]["id"])
    return feats, texts, ids


def content_hashes(root: str | Path) -> dict[str, str]:
    """SHA-1 of every clip's float32 root positions + rotations -> sample id (disjointness proofs)."""
    from humanoid_lmm.motion.dataset import MotionLibDataset

    ds = MotionLibDataset(root, None)
    out = {}
    for i in range(len(ds)):
        m = ds[i].motion
        h = hashlib.sha1(np.asarray(m.root_pos, np.float32).tobytes() + np.asarray(m.rotations, np.float32).tobytes())
        out[h.hexdigest()] = ds.samples[i]["id"]
    return out


@torch.no_grad()
def r_precision(model: TextMotionEvaluator, feats, texts: list[str], batch: int = 32, seed: int = 0) -> float:
    """Top-1 retrieval of the motion for each text among ``batch`` (one text per motion)."""
    model.eval()
    m = model.embed_features(feats)
    t = model.embed_texts(texts)
    order = np.random.default_rng(seed).permutation(len(feats))
    hits, n = 0, 0
    for i in range(0, len(order) - batch + 1, batch):
        idx = order[i:i + batch]
        d = ((t[idx, None] - m[None, idx]) ** 2).sum(-1)
        hits += int((d.argmin(1) == np.arange(batch)).sum())
        n += batch
    return hits / max(n, 1)


def train_evaluator(data: str | Path, out: str | Path, cfg: EvaluatorConfig | None = None, steps: int = 4000,
                    batch_size: int = 128, lr: float = 5e-4, seed: int = 0, time_limit_min: float | None = None,
                    val_every: int = 250, log=print) -> Path:
    """Train on ``data``'s train split, validate on its val split, save the best weights in ``out``."""
    cfg = cfg or EvaluatorConfig()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    t0 = time.time()
    feats, texts, ids = load_split(data, "train")
    vfeats, vtexts, _ = load_split(data, "val")
    vocab = build_vocab(t for ts in texts for t in ts)
    cfg.vocab_size = len(vocab)
    log(f"{len(feats)} train / {len(vfeats)} val clips, {len(vocab)} words, {time.time() - t0:.0f} s")
    vcap = [ts[0] for ts in vtexts]
    model = TextMotionEvaluator(cfg, vocab)
    allf = np.concatenate(feats)
    model.mean.copy_(torch.from_numpy(allf.mean(0)))
    model.std.copy_(torch.from_numpy(np.maximum(allf.std(0), 1e-2)))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    best, best_step, step = -1.0, 0, 0
    history = []
    t_train = time.time()
    while step < steps:
        frac = max(step / steps, (time.time() - t_train) / (60 * time_limit_min) if time_limit_min else 0.0)
        if frac >= 1.0:
            break
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (step + 1) / 100) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))
        model.train()
        idx = rng.choice(len(feats), batch_size, replace=False)
        x, lens = pad_features([feats[i] for i in idx], cfg.max_frames)
        drawn = [" ".join(words(texts[i][rng.integers(len(texts[i]))])) for i in idx]
        tm, mm = model.encode_text(*model.token_ids(drawn)), model.encode_motion(x, lens)
        logits = tm @ mm.T / cfg.temperature
        same = torch.tensor([[a == b for b in drawn] for a in drawn])
        dup = same & ~torch.eye(batch_size, dtype=torch.bool)
        logits = logits.masked_fill(dup, float("-inf"))
        target = torch.arange(batch_size)
        loss = 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % val_every == 0 or step == steps:
            r1 = r_precision(model, vfeats, vcap)
            history.append({"step": step, "loss": loss.item(), "val_r1": r1, "minutes": (time.time() - t_train) / 60})
            log(json.dumps(history[-1]))
            if r1 > best:
                best, best_step = r1, step
                model.save_pretrained(out, {"step": step, "val_r1_batch32": r1})
    if best < 0:   # the budget ended before the first validation
        best, best_step = r_precision(model, vfeats, vcap), step
        model.save_pretrained(out, {"step": step, "val_r1_batch32": best})
    meta = json.loads((out / "config.json").read_text())
    meta.update({"data": str(data), "train_clips": len(feats), "val_clips": len(vfeats), "steps_run": step,
                 "best_step": best_step, "train_minutes": round((time.time() - t_train) / 60, 1),
                 "batch_size": batch_size, "lr": lr, "seed": seed, "history": history})
    (out / "config.json").write_text(json.dumps(meta, indent=2) + "\n")
    log(f"best val R@1 (batch 32) {best:.3f} at step {best_step}; saved {out}")
    return out
