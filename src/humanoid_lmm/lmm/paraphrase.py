"""Paraphrase augmentation of corpus captions (design (b) of issue 17) and the set of training captions.

:func:`augment` rewrites one caption the way people phrase requests: synonyms, politeness and indirect
requests, fillers, moved side phrases, other count words, casual spellings and typos. Sides, counts,
speeds and durations keep their meaning (a "left" stays "left", "twice" may become "two times").
:func:`is_training_caption` says whether a text is one the model was trained on verbatim: a filled corpus
template (:mod:`humanoid_lmm.motion.synth`), a join of those ("X then Y"), or either inside an
instruction template (:mod:`humanoid_lmm.lmm.templates`); the held-out sets are tested against it.

    rng = random.Random(0)
    augment("wave your right hand twice", rng)    # e.g. "could you give a wave with ur right hand 2 times"
    is_training_caption("Please squat twice.")    # True
"""
from __future__ import annotations

import itertools
import random
import re
from functools import lru_cache

from humanoid_lmm.lmm.templates import T2M_TEMPLATES
from humanoid_lmm.text.thesaurus import SYNONYMS

__all__ = ["augment", "is_training_caption", "training_captions", "normalise_caption"]

_KEEP = re.compile(r"[^a-z0-9' ]+")


def normalise_caption(text: str) -> str:
    """Lower case, punctuation to spaces, single spaces ("Wave, your hand." -> "wave your hand")."""
    return " ".join(_KEEP.sub(" ", str(text).lower().replace("-", " ")).split())


# ------------------------------------------------------------------------------ training captions
def _fills(template: str) -> list[str]:
    from humanoid_lmm.motion.synth.text import _COUNT, _NUM

    reps = [""] + [" " + w for w in _COUNT.values()]
    opts = {
        "reps": reps, "speed": ["", " slowly", " quickly"],
        "dur": [""] + [f" for {d / 2:g} seconds" for d in range(2, 21)] + [f" for {w} seconds" for w in _NUM.values()],
        "n": ["a step"] + [f"{w} steps" for w in _NUM.values()] + [f"{k} steps" for k in range(2, 7)],
        "degrees": ["45", "90", "135", "180"],
    }
    names = [n for n in opts if "{" + n + "}" in template]
    out = []
    for combo in itertools.product(*(opts[n] for n in names)):
        out.append(" ".join(template.format(**{**{n: "" for n in opts}, **dict(zip(names, combo))}).split()))
    return out


@lru_cache(maxsize=1)
def training_captions() -> tuple[frozenset, frozenset]:
    """(imperative verb phrases, descriptive verb phrases) of every corpus template with every filling,
    normalised; descriptive phrases lack their subject ("waves the right hand")."""
    from humanoid_lmm.motion.synth import PRIMITIVES

    imp, desc = set(), set()
    for prim in PRIMITIVES.values():
        for t in prim.imperative:
            imp.update(normalise_caption(s) for s in _fills(t))
        for t in prim.descriptive:
            desc.update(normalise_caption(s) for s in _fills(t))
    return frozenset(imp), frozenset(desc)


_SUBJECTS = ("a person", "someone", "the person", "a man", "a woman", "a human")


def _is_phrase_sequence(text: str, phrases: frozenset) -> bool:
    """``text`` is one phrase or phrases joined as the corpus joins them ("a then b", "first a, then b",
    "a and then b", "a, and after that b"; commas are gone after normalisation)."""
    if text in phrases:
        return True
    words = text.split()
    for i, w in enumerate(words):
        if w == "then" and i > 0:
            a = " ".join(words[:i]).removeprefix("first ").removesuffix(" and")
            b = " ".join(words[i + 1:])
            if a.endswith(" and after that"):
                continue
            if a in phrases and _is_phrase_sequence(b, phrases):
                return True
        if w == "after" and i > 1 and words[i - 1] == "and" and i + 1 < len(words) and words[i + 1] == "that":
            a = " ".join(words[:i - 1]).removeprefix("first ")
            if a in phrases and _is_phrase_sequence(" ".join(words[i + 2:]), phrases):
                return True
    return False


@lru_cache(maxsize=1)
def _wrappers() -> tuple[re.Pattern, ...]:
    out = []
    for t in T2M_TEMPLATES:
        pre, _, post = normalise_caption(t.replace("{x}", " XPLACEHOLDER ")).partition("xplaceholder")
        out.append(re.compile("^" + re.escape(pre.strip() + " " if pre.strip() else "") + "(.+?)"
                              + re.escape((" " + post.strip()) if post.strip() else "") + "$"))
    return tuple(out)


def is_training_caption(text: str) -> bool:
    """True when ``text`` (normalised) is a caption or instruction the LMM was trained on verbatim."""
    imp, desc = training_captions()
    t = normalise_caption(text)
    t = re.sub(r" for \d+(?:\.\d+)? seconds?$", "", t) if not (t in imp or t in desc) else t
    bodies = {t} | {m.group(1) for p in _wrappers() if (m := p.match(t))}
    for body in bodies:
        body = re.sub(r" for \d+(?:\.\d+)? seconds?$", "", body) if body not in imp else body
        if _is_phrase_sequence(body, imp):
            return True
        for s in _SUBJECTS:
            if body.startswith(s + " ") and _is_phrase_sequence(body[len(s) + 1:], desc):
                return True
    return False


# ------------------------------------------------------------------------------------- augmentation
POLITE = ("please {x}", "{x} please", "could you {x}", "can you {x}", "would you {x}", "{x} for me",
          "could you please {x}", "would you kindly {x}", "can u {x}", "{x}, thanks", "kindly {x}")
INDIRECT = ("I'd like you to {x}", "I want you to {x}", "how about you {x}", "try to {x}", "I'd love it if you {x}",
            "it would be nice if you could {x}", "go on and {x}", "mind if you {x}", "I need you to {x}",
            "let me see you {x}", "show me you can {x}", "time to {x}")
FILLERS = ("hey robot, {x}", "ok {x}", "um, {x}", "so, {x}", "alright, {x}", "now then, {x}",
           "{x}, ok", "hey, {x}", "yo {x}", "robot, {x} now")
_SIDE_PHRASE = re.compile(r"\s*\b((?:with|using) (?:your|the) (?:left|right) (?:hand|arm|leg|foot|fist))\b")
_KEYS = "qwertyuiopasdfghjklzxcvbnm"


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:   # swap two neighbours
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:   # drop a letter
        return word[:i] + word[i + 1:]
    if kind == 2:   # double a letter
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice(_KEYS) + word[i + 1:]


def _synonyms(text: str, rng: random.Random, p: float) -> str:
    keys = sorted(SYNONYMS, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in keys) + r")\b")
    return pattern.sub(lambda m: rng.choice(SYNONYMS[m.group(1)]) if rng.random() < p else m.group(1), text)


def augment(caption: str, rng: random.Random, p_synonym: float = 0.35, p_typo: float = 0.15) -> str:
    """One paraphrase of ``caption`` (a corpus command or description); sides, counts, speeds and
    durations keep their meaning. Lower-case, without final punctuation."""
    x = normalise_caption(caption)
    for s in _SUBJECTS:  # descriptions -> requests sometimes ("a man waves" stays a description otherwise)
        if x.startswith(s + " ") and rng.random() < 0.5:
            return x if rng.random() < 0.5 else _synonyms(x, rng, p_synonym)
    x = _synonyms(x, rng, p_synonym)
    m = _SIDE_PHRASE.search(x)
    if m and rng.random() < 0.25:  # "wave with your left hand" -> "with your left hand, wave"
        x = m.group(1) + ", " + (x[:m.start()] + x[m.end():]).strip()
    r = rng.random()
    if r < 0.3:
        x = rng.choice(POLITE).format(x=x)
    elif r < 0.5:
        x = rng.choice(INDIRECT).format(x=x)
    elif r < 0.65:
        x = rng.choice(FILLERS).format(x=x)
    words = x.split()
    for i, w in enumerate(words):
        if rng.random() < p_typo / max(1, len(words) / 3):
            words[i] = _typo(w, rng)
    return " ".join(words)
