"""Texts for procedural clips: filling a primitive's templates with its parameters, paraphrases of
single clips and of sequences ("X then Y"), and the hierarchical (overall / upper / lower body) text."""

from __future__ import annotations

import numpy as np

from ..dataset import HierText
from .base import Primitive

__all__ = ["fill", "describe_sequence", "SUBJECTS"]

SUBJECTS = ("a person", "someone", "the person", "a man", "a woman", "a human")
_COUNT = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times"}
_NUM = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _dur_words(dur: float, rng: np.random.Generator) -> str:
    if float(dur).is_integer() and int(dur) in _NUM and rng.random() < 0.5:
        return f" for {_NUM[int(dur)]} seconds"
    return f" for {dur:g} seconds"


def fill(template: str, p: dict, rng: np.random.Generator) -> str:
    """Fill ``{reps} {speed} {dur} {n} {degrees}`` placeholders from the parameters ``p``."""
    reps = int(p.get("reps", 1))
    values = {
        "reps": (" " + _COUNT[reps]) if reps > 1 or rng.random() < 0.25 else "",
        "speed": (" " + p["speed"]) if p.get("speed") else "",
        "dur": _dur_words(p["dur"], rng) if "dur" in p else "",
        "n": "a step" if reps == 1 else f"{_NUM.get(reps, str(reps))} steps",
        "degrees": str(p.get("degrees", "")),
    }
    return " ".join(template.format(**values).split())


def _sentence(s: str) -> str:
    s = s.strip()
    return s[:1].upper() + s[1:] + ("" if s.endswith(".") else ".")


def _then(sentences: list[str]) -> str:
    """"A." + "B." -> "A. Then b." """
    out = _sentence(sentences[0])
    prev = out
    for s in sentences[1:]:
        s = _sentence(s)
        if s != prev:  # "The legs are still. Then the legs are still." says nothing new
            out += " Then " + s[:1].lower() + s[1:]
        prev = s
    return out


def describe_sequence(
    parts: list[tuple[Primitive, dict]], rng: np.random.Generator, n_paraphrases: int = 8
) -> tuple[list[str], HierText]:
    """Paraphrases (commands and descriptions) and the hierarchical text of a clip of 1..k primitives."""
    imps = [[fill(t, p, rng) for t in prim.imperative] for prim, p in parts]
    descs = [[fill(t, p, rng) for t in prim.descriptive] for prim, p in parts]
    out: list[str] = []
    if len(parts) == 1:
        out += imps[0]
        out += [f"{SUBJECTS[rng.integers(len(SUBJECTS))]} {d}" for d in descs[0]]
        order = rng.permutation(len(out))
        out = [out[i] for i in order]
    else:
        joins_imp = ("{a} then {b}", "{a}, then {b}", "first {a}, then {b}", "{a} and then {b}",
                     "{a}, and after that {b}")
        joins_desc = ("{s} {a}, then {b}", "{s} {a} and then {b}", "{s} first {a}, then {b}",
                      "{s} {a}, and after that {b}")
        for k in range(n_paraphrases):
            if k % 2 == 0:
                chosen = [c[rng.integers(len(c))] for c in imps]
                j = joins_imp[rng.integers(len(joins_imp))]
                s = chosen[0]
                for c in chosen[1:]:
                    s = j.format(a=s, b=c)
            else:
                chosen = [c[rng.integers(len(c))] for c in descs]
                j = joins_desc[rng.integers(len(joins_desc))]
                s = j.format(s=SUBJECTS[rng.integers(len(SUBJECTS))], a=chosen[0], b=chosen[1])
                for c in chosen[2:]:
                    s = f"{s}, and then {c}"
            out.append(s)
        out = list(dict.fromkeys(out))  # unique, order kept
    out = [_sentence(s) if i % 2 else s for i, s in enumerate(out)]  # mix plain commands and sentences
    overall_parts = [descs[i][0] for i in range(len(parts))]
    overall = "The person " + ", then ".join(overall_parts)
    upper = _then([fill(prim.upper, p, rng) for prim, p in parts])
    lower = _then([fill(prim.lower, p, rng) for prim, p in parts])
    return out, HierText(_sentence(overall), upper, lower)
