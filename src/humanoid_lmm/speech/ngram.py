"""A small n-gram language model of command sentences, written as an ARPA file for pocketsphinx.

A fixed grammar only hears the phrases it lists; people say "hop up then clap for me" or "do three
squats". The recogniser can instead use a trigram model of the command language: sentences generated
from the capability catalogue (corpus captions and thesaurus variants) with politeness, counts, speeds,
durations and "then" joins (:func:`command_sentences`), counted, discounted (absolute discounting,
D = 0.7, with back-off weights) and written in the ARPA format pocketsphinx reads (`Decoder(lm=...)`).

    sentences = command_sentences(config)
    write_arpa(sentences, "commands.lm", vocabulary=words_the_dictionary_knows)
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from pathlib import Path

from humanoid_lmm.speech.config import SpeechConfig

__all__ = ["command_sentences", "write_arpa"]

BOS, EOS = "<s>", "</s>"


def command_sentences(config: SpeechConfig, n: int = 20000, seed: int = 0) -> list[str]:
    """``n`` command sentences of the command language plus every action phrase once (deterministic)."""
    from humanoid_lmm.speech.grammar import JOINS, LEADS, MODIFIERS, TAILS
    from humanoid_lmm.text.catalogue import capability_catalogue

    from humanoid_lmm.text.catalogue import _neutral
    from humanoid_lmm.text.thesaurus import substitutions

    rng = random.Random(seed)
    imperative = [_neutral(t) for cap in capability_catalogue() for t in cap.templates]   # requests, not descriptions
    phrases = [*config.phrases, *imperative, *(v for p in imperative for v in substitutions(p))]
    phrases = [p for p in dict.fromkeys(" ".join(p.lower().replace("-", " ").replace(",", " ").split())
                                        for p in phrases) if p]
    nouns = ("squats", "jumps", "claps", "kicks", "punches", "jabs", "bows", "waves", "steps", "hops", "nods")
    numbers = ("one", "two", "three", "four", "a couple of", "a few", "some")
    out = list(phrases)
    for _ in range(n):
        k = rng.choices((1, 2, 3), (0.65, 0.28, 0.07))[0]
        clauses = []
        for _ in range(k):
            c = rng.choice(phrases)
            if rng.random() < 0.1:
                c = f"do {rng.choice(numbers)} {rng.choice(nouns)}"
            if rng.random() < 0.3:
                c = f"{c} {rng.choice(MODIFIERS)}"
            clauses.append(c)
        s = f" {rng.choice(JOINS)} ".join(clauses)
        if rng.random() < 0.4:
            s = f"{rng.choice(LEADS)} {s}"
        if rng.random() < 0.2:
            s = f"{s} {rng.choice(TAILS)}"
        out.append(s)
    return out


def write_arpa(sentences, path: str | Path, vocabulary=None, order: int = 3, discount: float = 0.7) -> Path:
    """Count n-grams of ``sentences`` (words outside ``vocabulary`` drop the sentence) and write a
    back-off ARPA model of ``order`` with absolute discounting. Returns ``path``."""
    counts: list[Counter] = [Counter() for _ in range(order + 1)]
    for s in sentences:
        words = s.split()
        if not words or (vocabulary is not None and not all(w in vocabulary for w in words)):
            continue
        seq = [BOS] + words + [EOS]
        for n in range(1, order + 1):
            for i in range(len(seq) - n + 1):
                gram = tuple(seq[i:i + n])
                if n == 1 or gram[0] != EOS:
                    counts[n][gram] += 1
    total = sum(c for g, c in counts[1].items() if g[0] != BOS)
    vocab = sorted(g[0] for g in counts[1])
    prob: list[dict] = [{} for _ in range(order + 1)]
    prob[1] = {(w,): (counts[1][(w,)] / total if w != BOS else 1e-99) for w in vocab}
    followers: list[dict] = [defaultdict(list) for _ in range(order + 1)]
    for n in range(2, order + 1):
        for g in counts[n]:
            followers[n][g[:-1]].append(g)
    backoff: list[dict] = [{} for _ in range(order + 1)]
    for n in range(2, order + 1):
        ctx_total = Counter()
        for g, c in counts[n].items():
            ctx_total[g[:-1]] += c
        for g, c in counts[n].items():
            prob[n][g] = (c - discount) / ctx_total[g[:-1]]
        for h, grams in followers[n].items():   # the left-over mass, spread over the lower order
            left = discount * len(grams) / ctx_total[h]
            lower = sum(_p(prob, g[1:]) for g in grams)
            backoff[n - 1][h] = left / max(1e-12, 1.0 - lower)
    path = Path(path)
    lines = ["\\data\\"] + [f"ngram {n}={len(prob[n])}" for n in range(1, order + 1)]
    for n in range(1, order + 1):
        lines += ["", f"\\{n}-grams:"]
        for g in sorted(prob[n]):
            entry = f"{math.log10(prob[n][g]):.4f}\t{' '.join(g)}"
            if n < order:
                entry += f"\t{math.log10(backoff[n].get(g, 1.0)):.4f}"
            lines.append(entry)
    lines += ["", "\\end\\", ""]
    path.write_text("\n".join(lines))
    return path


def _p(prob, gram) -> float:
    """Back-off probability of ``gram`` from the lower orders computed so far."""
    if gram in prob[len(gram)]:
        return prob[len(gram)][gram]
    if len(gram) == 1:
        return 1e-99
    return _p(prob, gram[1:])
