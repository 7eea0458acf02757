"""Choose the command gate's two thresholds on its labelled examples (never on the held-out sets).

The gate compares each clause with the catalogue's phrases and with the labelled written commands of
config/gate_examples.tsv (gate.examples), so its thresholds are chosen by K-fold cross-validation
(``--folds``, 5): each line is read by a gate built without the lines of its fold (folds by a hash of
the text, so they stay put when lines are added). For every line the weakest clause's capability
similarity s and margin m (s minus the best "cannot" similarity) are kept; a command is accepted when
s >= min_similarity and m >= min_margin. Among grid points that let through at most ``--max-accept``
(4 %) of the cannot lines, the one with the fewest false refusals is chosen; among equal points, the one
whose neighbourhood (+-0.03) has the lowest mean of (false-refusal rate + false-accept rate), so the
thresholds do not sit on a cliff edge. ``--folds 0`` is the gate without the examples, every line read
by it once. Copy the printed values into config/language.yaml (gate.min_similarity, gate.min_margin).

The judge (speech/judge.py, ``--judge PATH``): a logistic model over features of each line's reading
(the similarities above, content words that no capability phrase uses, the nearest "cannot" kind),
fitted on the same cross-validated readings. It is measured by nested cross-validation: for each fold, the
model and its threshold (at most ``--max-accept`` of the training folds' cannot lines let through) are
fitted on the other folds, then the fold is judged; the two-threshold rule is measured the same way for
comparison. The written judge is fitted on all lines, its threshold chosen on the nested out-of-fold
probabilities. ``gate.judge`` in config/language.yaml names the file.

    python bench/calibrate_gate.py            # table of the best points + summary line
    python bench/calibrate_gate.py -v         # also the lines it gets wrong
    python bench/calibrate_gate.py --folds 0  # the gate without examples
    python bench/calibrate_gate.py --judge config/gate_judge.json   # also fit and write the judge
"""
from __future__ import annotations

import argparse
import dataclasses
import zlib
from pathlib import Path

import numpy as np


def main(argv=None) -> int:
    import torch

    from humanoid_lmm.speech.gate import CommandGate, load_gate_examples, load_language_config

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=None, help="labelled examples (default: the config's gate.examples)")
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds (0: the gate without examples)")
    ap.add_argument("--max-accept", type=float, default=0.04,
                    help="largest share of cannot-lines let through (goal 5 %%, minus 1 point of headroom)")
    ap.add_argument("--wordnet-senses", type=int, default=None,
                    help="override gate.wordnet_senses (WordNet verb synonyms in the phrase table; 0 = off)")
    ap.add_argument("--judge", default=None, help="fit the judge and write it here (e.g. config/gate_judge.json)")
    ap.add_argument("--l2", type=float, default=0.1, help="the judge's L2 penalty on standardised weights")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    config = load_language_config()
    if args.wordnet_senses is not None:
        config = dataclasses.replace(config, wordnet_senses=args.wordnet_senses)
    examples = load_gate_examples(Path(args.data).resolve() if args.data else config.examples or "gate_examples.tsv")
    texts, can = [e.text for e in examples], np.array([e.can for e in examples])
    fold = np.array([zlib.crc32(t.encode()) % max(args.folds, 1) for t in texts])
    config = dataclasses.replace(config, judge="")   # readings only: the judge is what is being fitted
    readings, words = [None] * len(examples), {}
    for f in range(max(args.folds, 1)):
        gate = CommandGate(config, examples=[e for e, k in zip(examples, fold) if k != f] if args.folds else [])
        words[f] = gate.reader.capability_words
        for i in np.flatnonzero(fold == f):
            readings[i] = gate.reader.read(texts[i])
    s = np.array([min(c.score for c in r.clauses) for r in readings])
    m = np.array([min(c.score - c.negative for c in r.clauses) for r in readings])
    taus, margins, fr, fa, best, (i, j), local = choose_thresholds(s, m, can, args.max_accept)
    print("| min_similarity | min_margin | false refusals | false accepts | neighbourhood cost |")
    print("|---|---|---|---|---|")
    for a, b in sorted(best.tolist(), key=lambda ij: local[ij[0], ij[1]])[:8]:
        print(f"| {taus[a]:.2f} | {margins[b]:+.2f} | {fr[a, b]:.1%} | {fa[a, b]:.1%} | {local[a, b]:.3f} |")
    if args.verbose:
        ok = (s >= taus[i]) & (m >= margins[j])
        for t, c, a, si, mi, r in zip(texts, can, ok, s, m, readings):
            if a != c:
                print(f"{'FALSE REFUSAL' if c else 'FALSE ACCEPT '} {t!r}: s={si:.2f} m={mi:+.2f} -> {r.capabilities}, "
                      f"nearest cannot {r.clauses[0].negative_phrase!r}")
    how = f"{args.folds}-fold cross-validation" if args.folds else "gate without examples"
    print(f"calibration ({how}): {can.sum()} can-do + {(~can).sum()} cannot lines; min_similarity={taus[i]:.2f} "
          f"min_margin={margins[j]:+.2f}: false refusals {fr[i, j]:.1%}, false accepts {fa[i, j]:.1%}")
    if args.judge and args.folds:
        fit_and_write_judge(args, readings, words, fold, s, m, can, texts)
    return 0


def choose_thresholds(s, m, can, max_accept):
    """Grid search of (min_similarity, min_margin): the fewest false refusals among points that let through
    at most ``max_accept`` of the cannot lines, ties broken by the lowest cost of the +-0.03 neighbourhood."""
    taus, margins = np.round(np.arange(0.20, 0.801, 0.01), 2), np.round(np.arange(-0.30, 0.301, 0.01), 2)
    acc = (s[None, None] >= taus[:, None, None]) & (m[None, None] >= margins[None, :, None])   # (T, M, N)
    fr = (~acc & can).sum(-1) / can.sum()
    fa = (acc & ~can).sum(-1) / (~can).sum()
    k = 3
    pad = np.pad(fr + fa, k, mode="edge")
    local = np.mean([pad[k + i:k + i + len(taus), k + j:k + j + len(margins)]
                     for i in range(-k, k + 1) for j in range(-k, k + 1)], axis=0)
    # the goals are asymmetric (refuse >= 95 % of what it cannot do, <= 2 % false refusals): the fewest false
    # refusals among points that refuse all but max_accept of the cannot lines
    feasible = fa <= max_accept
    if not feasible.any():
        raise SystemExit(f"no threshold pair keeps calibration false accepts <= {max_accept:.1%}")
    best = np.argwhere(feasible & (fr == fr[feasible].min()))
    return taus, margins, fr, fa, best, tuple(min(best, key=lambda ij: local[ij[0], ij[1]])), local


def fit_and_write_judge(args, readings, words, fold, s, m, can, texts) -> None:
    """Nested cross-validation of the judge and of the two-threshold rule, then the judge on all lines."""
    from humanoid_lmm.speech.judge import fit_judge, reading_features, threshold_at

    x = np.array([reading_features(r, words[f]) for r, f in zip(readings, fold)])
    judged, ruled, p_out = np.zeros(len(x), bool), np.zeros(len(x), bool), np.zeros(len(x))
    for f in np.unique(fold):
        tr, te = fold != f, fold == f
        model = fit_judge(x[tr], can[tr], args.l2)
        t = threshold_at(model.probability(x[tr]), can[tr], args.max_accept)
        p_out[te] = model.probability(x[te])
        judged[te] = (p_out[te] >= t) & (m[te] >= 0.0)   # the gate's floor: no clause nearer a cannot phrase
        taus, margins, _, _, _, (i, j), _ = choose_thresholds(s[tr], m[tr], can[tr], args.max_accept)
        ruled[te] = (s[te] >= taus[i]) & (m[te] >= margins[j])
    print("\n| nested cross-validation (threshold chosen on the other folds) | false refusals | false accepts |")
    print("|---|---|---|")
    for name, acc in (("two thresholds", ruled), ("judge", judged)):
        print(f"| {name} | {(~acc & can).sum()}/{can.sum()} = {(~acc & can).mean() / can.mean():.1%} | "
              f"{(acc & ~can).sum()}/{(~can).sum()} = {(acc & ~can).sum() / (~can).sum():.1%} |")
    if args.verbose:
        for t, c, a, p in zip(texts, can, judged, p_out):
            if a != c:
                print(f"JUDGE {'FALSE REFUSAL' if c else 'FALSE ACCEPT '} {t!r}: p={p:.2f}")
    judge = fit_judge(x, can, args.l2, threshold_at(p_out, can, args.max_accept))
    note = (f"bench/calibrate_gate.py --judge, {len(x)} lines of the examples file, {len(np.unique(fold))}-fold; nested "
            f"cross-validation: false refusals {(~judged & can).sum() / can.sum():.1%}, false accepts "
            f"{(judged & ~can).sum() / (~can).sum():.1%}")
    judge.save(args.judge, note)
    print(f"judge: threshold {judge.threshold:.3f} (nested out-of-fold), written to {args.judge}; {note}")


if __name__ == "__main__":
    raise SystemExit(main())
