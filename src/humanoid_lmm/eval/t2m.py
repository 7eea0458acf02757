"""Text-to-motion and motion-to-text evaluation of an LMM in the seed's table format.

Test set: the ``test`` split of the evaluator's corpus (procedural seed 1, 10,000 clips: neither the
LMM, trained on seed 0, nor the evaluator, trained on the train split, saw it), less the clips whose
motion also occurs in the LMM's corpus (held poses with discrete parameters repeat across seeds;
:func:`excluded_ids`). Without a corpus folder
the split is regenerated clip for clip (``clip_for_index(seed, i)`` for the ids the split hash puts in
it), so the command runs on a fresh clone. One caption per clip is drawn with ``seed``.

Rows: Real (test motions; FID of the disjoint val-split clips against the test clips: the noise floor),
shuffled texts (sanity: R@1 ~ 1/32), tokenizer round trip (real motions through the LMM's motion
tokenizer: the bound of any LMM on it), and the model, ``samples`` generations per caption;
replication r uses generation r mod samples and a new batch shuffle.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .t2m_metrics import METRICS, Interval, gaussian, r_precision, replicate

__all__ = ["EvalClips", "corpus_split", "excluded_ids", "load_corpus_split", "evaluate_t2m", "evaluate_m2t", "format_rows",
           "EVAL_SEED", "EVAL_CLIPS"]

EVAL_SEED, EVAL_CLIPS = 1, 10000   # humanoid-lmm data synth --n 10000 -o data/eval_s1 --seed 1


@dataclass
class EvalClips:
    motions: list
    texts: list[list[str]]
    ids: list[str]


def excluded_ids(evaluator_dir=None) -> set[str]:
    """Ids of evaluator-corpus clips whose motion also occurs in the LMM's training corpus
    (``lmm_overlap.json`` next to the evaluator, written by scripts/tables/lmm_overlap.py)."""
    import json
    from pathlib import Path

    from .evaluator import default_evaluator_dir

    path = Path(evaluator_dir or default_evaluator_dir()) / "lmm_overlap.json"
    if not path.is_file():
        return set()
    d = json.loads(path.read_text())
    return {i for split in ("test", "val") for i in d.get(split, {}).get("ids", [])}


def corpus_split(seed: int = EVAL_SEED, n: int = EVAL_CLIPS, split: str = "test", limit: int | None = None,
                 exclude: set[str] = frozenset()) -> EvalClips:
    """The clips of one split of ``synthesize_corpus(n=n, seed=seed)``, regenerated without writing it
    (``exclude``: ids to leave out)."""
    from humanoid_lmm.motion.dataset import split_of
    from humanoid_lmm.motion.synth import clip_for_index

    out = EvalClips([], [], [])
    for i in range(n):
        sid = f"synth-{seed}-{i:07d}"
        if split_of(sid) != split or sid in exclude:
            continue
        motion, hier, texts, _ = clip_for_index(seed, i)
        out.motions.append(motion)
        out.texts.append(list(texts) + ([hier.overall] if hier.overall not in texts else []))
        out.ids.append(sid)
        if limit is not None and len(out.ids) >= limit:
            break
    return out


def load_corpus_split(root, split: str = "test", limit: int | None = None,
                      exclude: set[str] = frozenset()) -> EvalClips:
    from humanoid_lmm.motion.dataset import MotionLibDataset

    from .evaluator_train import _texts

    ds = MotionLibDataset(root, split)
    n = len(ds) if limit is None else min(limit, len(ds))
    out = EvalClips([], [], [])
    for i in range(len(ds)):
        if len(out.ids) >= n:
            break
        if ds.samples[i]["id"] in exclude:
            continue
        s = ds[i]
        out.motions.append(s.motion)
        out.texts.append(_texts(s))
        out.ids.append(ds.samples[i]["id"])
    return out


def _captions(clips: EvalClips, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [ts[rng.integers(len(ts))] for ts in clips.texts]


def evaluate_t2m(lmm, evaluator, test: EvalClips, floor: EvalClips | None = None, samples: int = 3,
                 replications: int = 20, batch: int = 32, seed: int = 0, sampling=None, log=print) -> dict:
    """{row name: {metric: Interval}} plus "_info" (counts, seconds)."""
    from humanoid_lmm.lmm.generation import decode_codes

    from .batch_generation import sample_motion_codes

    t0 = time.time()
    captions = _captions(test, seed)
    text = evaluator.embed_texts(captions)
    real = evaluator.embed_motions(test.motions)
    ref = gaussian(real)
    N = len(real)
    rows = {"Real": replicate(text, real[:, None], ref, replications, batch, seed,
                              fid_motions=evaluator.embed_motions(floor.motions) if floor else None)}
    rows["Real"]["MModality"] = Interval(float("nan"), float("nan"))
    perm = np.random.default_rng(seed + 1).permutation(N)
    rows["Shuffled texts"] = replicate(text[perm], real[:, None], ref, replications, batch, seed)
    rows["Shuffled texts"]["MModality"] = Interval(float("nan"), float("nan"))
    tok = lmm.motion_tokenizer
    rt = evaluator.embed_motions([tok.decode(tok.encode(m)) for m in test.motions])
    rows["Tokenizer round trip"] = replicate(text, rt[:, None], ref, replications, batch, seed)
    rows["Tokenizer round trip"]["MModality"] = Interval(float("nan"), float("nan"))
    log(f"real rows: {N} clips, {time.time() - t0:.0f} s")
    t1 = time.time()
    gen = np.zeros((N, samples, real.shape[1]), np.float32)
    motion_s = 0.0
    for k in range(samples):
        codes = sample_motion_codes(lmm, captions, seed=seed * 1000 + k, sampling=sampling)
        motions = [decode_codes(tok, c, foot_lock=sampling.foot_lock if sampling else True) for c in codes]
        motion_s += sum(m.duration_s for m in motions)
        gen[:, k] = evaluator.embed_motions(motions)
        log(f"generation {k + 1}/{samples}: {time.time() - t1:.0f} s")
    rows["ours"] = replicate(text, gen, ref, replications, batch, seed)
    rows["_info"] = {"clips": N, "samples": samples, "replications": replications, "batch": batch,
                     "generated_motion_s": round(motion_s, 1), "generation_s": round(time.time() - t1, 1),
                     "seconds": round(time.time() - t0, 1)}
    return rows


def _words(s: str) -> list[str]:
    return "".join(c.lower() if c.isalnum() else " " for c in s).split()


def evaluate_m2t(lmm, evaluator, test: EvalClips, replications: int = 20, batch: int = 32, seed: int = 0) -> dict:
    """Captions of the real test motions (greedy): R-precision of the captions against the motions,
    BLEU-1 / BLEU-4 (nltk, smoothing 1) and ROUGE-L F (rouge-score) against all reference texts."""
    from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu
    from rouge_score import rouge_scorer

    from .batch_generation import caption_motions

    tok = lmm.motion_tokenizer
    caps = caption_motions(lmm, [tok.encode(m) for m in test.motions])
    real = evaluator.embed_motions(test.motions)
    cap_emb = evaluator.embed_texts(caps)
    rng = np.random.default_rng(seed)
    r = np.array([r_precision(cap_emb, real, rng.permutation(len(real)), batch)[0] for _ in range(replications)])
    refs = [[_words(t) for t in ts] for ts in test.texts]
    hyps = [_words(c) for c in caps]
    smooth = SmoothingFunction().method1
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    rouge = np.mean([max(scorer.score(t, c)["rougeL"].fmeasure for t in ts) for ts, c in zip(test.texts, caps)])
    ci = 1.96 * r.std(0) / np.sqrt(len(r))
    return {"R@1": Interval(float(r[:, 0].mean()), float(ci[0])), "R@2": Interval(float(r[:, 1].mean()), float(ci[1])),
            "R@3": Interval(float(r[:, 2].mean()), float(ci[2])),
            "BLEU-1": corpus_bleu(refs, hyps, weights=(1, 0, 0, 0), smoothing_function=smooth),
            "BLEU-4": corpus_bleu(refs, hyps, smoothing_function=smooth), "ROUGE-L": float(rouge),
            "examples": list(zip([ts[0] for ts in test.texts[:5]], caps[:5]))}


def format_rows(rows: dict) -> str:
    """Markdown table in the seed's format (mean±95 % CI per metric)."""
    lines = ["| | " + " | ".join(METRICS) + " |", "|---|" + "---|" * len(METRICS)]
    for name, m in rows.items():
        if name.startswith("_"):
            continue
        cells = ["-" if np.isnan(m[k].mean) else str(m[k]) for k in METRICS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
