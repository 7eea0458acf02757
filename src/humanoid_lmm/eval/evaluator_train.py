"""Training the text-motion evaluator on its own corpus split (never the LMM's).

Data: a MotionLib corpus (``humanoid-lmm data synth ... --seed 1``): every clip's HumanML3D features
and all its texts (paraphrases + the hierarchical overall text). Sentence embeddings of the distinct
texts are computed once with the frozen MiniLM encoder and cached in ``out/text_cache.npz``.

Loss: symmetric InfoNCE (TMR) over a batch of (motion, one random text of it) pairs; off-diagonal pairs
whose texts are near-duplicates (sentence cosine >= ``dup_cos``, e.g. the same caption drawn for two
clips of one primitive) are not used as negatives. AdamW, cosine schedule, a wall-clock budget;
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

from .evaluator import EvaluatorConfig, TextMotionEvaluator, motion_features, pad_features

__all__ = ["load_split", "sentence_table", "train_evaluator", "content_hashes"]


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


def sentence_table(texts: list[str], cache: Path | None = None, log=print) -> dict[str, np.ndarray]:
    """{text: (384,) unit sentence embedding} for the distinct texts (cached in ``cache`` if given)."""
    from humanoid_lmm.text import SentenceEncoder

    distinct = sorted(set(texts))
    table: dict[str, np.ndarray] = {}
    if cache is not None and cache.is_file():
        with np.load(cache, allow_pickle=False) as z:
            table = dict(zip(json.loads(str(z["texts"])), z["emb"]))
    todo = [t for t in distinct if t not in table]
    if todo:
        log(f"sentence embeddings of {len(todo)} distinct texts ...")
        emb = SentenceEncoder.load().encode(todo, batch_size=128)
        table.update(zip(todo, emb))
        if cache is not None:
            keys = sorted(table)
            np.savez(cache, texts=np.array(json.dumps(keys)), emb=np.stack([table[k] for k in keys]))
    return table


@torch.no_grad()
def r_precision(model: TextMotionEvaluator, feats, sent: np.ndarray, batch: int = 32, seed: int = 0) -> float:
    """Top-1 retrieval of the motion for each text among ``batch`` (one text per motion)."""
    model.eval()
    m = model.embed_features(feats)
    t = model.embed_texts([], sentence_embeddings=sent)
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
                    dup_cos: float = 0.95, val_every: int = 250, log=print) -> Path:
    """Train on ``data``'s train split, validate on its val split, save the best weights in ``out``."""
    cfg = cfg or EvaluatorConfig()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    t0 = time.time()
    feats, texts, ids = load_split(data, "train")
    vfeats, vtexts, _ = load_split(data, "val")
    table = sentence_table([t for ts in texts + vtexts for t in ts], out / "text_cache.npz", log)
    log(f"{len(feats)} train / {len(vfeats)} val clips, {len(table)} distinct texts, {time.time() - t0:.0f} s")
    vsent = np.stack([table[ts[0]] for ts in vtexts])
    model = TextMotionEvaluator(cfg)
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
        s = torch.from_numpy(np.stack([table[texts[i][rng.integers(len(texts[i]))]] for i in idx]))
        tm, mm = model.encode_text(s), model.encode_motion(x, lens)
        logits = tm @ mm.T / cfg.temperature
        dup = (s @ s.T >= dup_cos) & ~torch.eye(batch_size, dtype=torch.bool)
        logits = logits.masked_fill(dup, float("-inf"))
        target = torch.arange(batch_size)
        loss = 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % val_every == 0 or step == steps:
            r1 = r_precision(model, vfeats, vsent)
            history.append({"step": step, "loss": float(loss), "val_r1": r1, "minutes": (time.time() - t_train) / 60})
            log(json.dumps(history[-1]))
            if r1 > best:
                best, best_step = r1, step
                model.save_pretrained(out, {"step": step, "val_r1_batch32": r1})
    if best < 0:   # the budget ended before the first validation
        best, best_step = r_precision(model, vfeats, vsent), step
        model.save_pretrained(out, {"step": step, "val_r1_batch32": best})
    meta = json.loads((out / "config.json").read_text())
    meta.update({"data": str(data), "train_clips": len(feats), "val_clips": len(vfeats), "steps_run": step,
                 "best_step": best_step, "train_minutes": round((time.time() - t_train) / 60, 1),
                 "batch_size": batch_size, "lr": lr, "seed": seed, "dup_cos": dup_cos, "history": history})
    (out / "config.json").write_text(json.dumps(meta, indent=2) + "\n")
    log(f"best val R@1 (batch 32) {best:.3f} at step {best_step}; saved {out}")
    return out
