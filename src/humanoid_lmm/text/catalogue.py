"""What the robot can do, in words: one entry per procedural-corpus primitive, built from its own templates.

Each :class:`Capability` holds the primitive's name, its family and side (``wave_*`` with left / right /
both), the example phrases the gate compares commands with (every imperative and descriptive template
of the primitive, filled with neutral parameters: the captions the motion model was trained on) and
:meth:`Capability.caption`, the corpus caption that asks for it with given slots (count, speed, duration,
degrees). Nothing here is learned; it changes when :mod:`humanoid_lmm.motion.synth` changes.

    cat = capability_catalogue()
    cat["wave_left"].caption(count=2)                      # "wave your left hand twice"
    cat.sibling("kick_right", "left").name                 # "kick_left"
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Capability", "Catalogue", "capability_catalogue"]

_COUNT = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times"}
_NUM = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
# primitives whose name has no side word but which have a two-sided family member
_BOTH = {"wave_both": ("wave_*", "both"), "raise_both_arms": ("raise_*_arm", "both")}
# the caption a plain request maps to (the phrasing of lmm.evaluate's command table where it has one). For reach
# up and salute, the built-in motion model follows another of the corpus's own templates far better (each
# template of every primitive generated with seeds 100-107 and checked, 2026-12-07, docs/language.md):
# "reach for the sky" 7/8 against "reach up" 0/8 (no rise onto the toes), "raise your right hand to your
# forehead in a salute" 6/8 against "salute" 1/8; every other primitive's first template does as well as any
_PREFERRED = {"wave_right": 0, "wave_left": 1, "kick_left": 4, "kick_right": 0, "step_back": 1,
              "step_forward": 2, "jump_in_place": 0, "clap": 0, "reach_up": 1, "salute": 4}


@dataclass(frozen=True)
class Capability:
    """One thing the robot can do: a corpus primitive with its phrases and its caption template."""

    name: str
    family: str                 # name with the side replaced by "*" ("kick_*"); = name when sideless
    side: str                   # "left" | "right" | "both" | ""
    category: str               # locomotion | upper | lower | whole
    holds: bool                 # a held pose: a duration applies to it
    counts: bool                # a repetition count applies to it
    templates: tuple[str, ...]  # imperative templates of the corpus, {reps} {speed} {dur} {n} {degrees}
    phrases: tuple[str, ...]    # filled imperative + descriptive templates (what the gate compares with)

    def caption(self, count: int | None = None, speed: str = "", duration_s: float | None = None,
                degrees: int | None = None) -> str:
        """The corpus caption asking for this capability with these slots (unknown slots are dropped)."""
        want = {"reps": count is not None and self.counts, "dur": duration_s is not None and self.holds,
                "degrees": degrees is not None, "speed": bool(speed)}

        def score(item):
            i, t = item
            has = {k: "{" + k + "}" in t for k in ("reps", "dur", "degrees", "speed", "n")}
            if count is not None and has["n"]:
                has["reps"] = True
            missing = sum(want[k] and not has[k] for k in want)
            extra = has["degrees"] and degrees is None
            return (missing, extra, i != _PREFERRED.get(self.name, 0), i)

        _, template = min(enumerate(self.templates), key=score)
        reps = int(count) if count else 1
        dur = ""
        if duration_s is not None and self.holds:
            dur = f" for {_NUM[int(duration_s)]} seconds" if float(duration_s).is_integer() and int(duration_s) in _NUM \
                else f" for {duration_s:g} seconds"
        text = template.format(
            reps=(" " + _COUNT.get(reps, f"{reps} times")) if count is not None and self.counts else "",
            speed=(" " + speed) if speed else "", dur=dur,
            n="a step" if reps == 1 else f"{_NUM.get(reps, str(reps))} steps",
            degrees=str(degrees if degrees is not None else 90))
        return " ".join(text.split())


class Catalogue:
    """All capabilities by name, with family lookups."""

    def __init__(self, capabilities: list[Capability]):
        self.by_name = {c.name: c for c in capabilities}
        self.families: dict[str, dict[str, Capability]] = {}
        for c in capabilities:
            self.families.setdefault(c.family, {})[c.side] = c

    def __getitem__(self, name: str) -> Capability:
        return self.by_name[name]

    def __iter__(self):
        return iter(self.by_name.values())

    def __len__(self) -> int:
        return len(self.by_name)

    def sibling(self, name: str, side: str) -> Capability:
        """The member of ``name``'s family with ``side`` (itself when the family has no such side)."""
        cap = self.by_name[name]
        return self.families[cap.family].get(side, cap)

    def phrase_table(self, expand: bool = False, wordnet_senses: int = 0) -> tuple[list[str], list[str]]:
        """(phrases, capability name of each phrase) over the whole catalogue; ``expand`` adds each phrase
        with one word replaced by a thesaurus alternative (:mod:`humanoid_lmm.text.thesaurus`), and
        ``wordnet_senses`` > 0 each of those with its leading verb replaced by a WordNet synonym from that
        many of the verb's most frequent senses (:func:`humanoid_lmm.text.thesaurus.wordnet_substitutions`)."""
        from humanoid_lmm.text.thesaurus import substitutions, wordnet_substitutions

        phrases, owners = [], []
        for c in self:
            mine = list(c.phrases)
            if expand:
                mine += [v for p in c.phrases for v in substitutions(p)]
            if wordnet_senses > 0:
                mine += [v for p in mine for v in wordnet_substitutions(p, wordnet_senses)]
            mine = list(dict.fromkeys(mine))
            phrases += mine
            owners += [c.name] * len(mine)
        return phrases, owners


def _neutral(template: str) -> str:
    text = template.format(reps="", speed="", dur="", n="a step", degrees="90")
    return " ".join(text.split())


@lru_cache(maxsize=1)
def capability_catalogue() -> Catalogue:
    """The catalogue of every registered corpus primitive (42)."""
    from humanoid_lmm.motion.synth import PRIMITIVES

    caps = []
    for name, prim in sorted(PRIMITIVES.items()):
        if name in _BOTH:
            family, side = _BOTH[name]
        elif prim.side in ("left", "right"):
            family, side = re.sub(rf"\b{prim.side}\b|(?<=_){prim.side}(?=_|$)", "*", name), prim.side
        else:
            family, side = name, ""
        counts = any("{reps}" in t or "{n}" in t for t in prim.imperative)
        phrases = tuple(dict.fromkeys([_neutral(t) for t in prim.imperative]
                                      + [_neutral(t) for t in prim.descriptive]))
        caps.append(Capability(name, family, side, prim.category, prim.holds, counts, tuple(prim.imperative), phrases))
    return Catalogue(caps)
