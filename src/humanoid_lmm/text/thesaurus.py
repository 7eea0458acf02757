"""Movement words and their everyday alternatives, shared by the paraphrase augmentation of training
captions (:mod:`humanoid_lmm.lmm.paraphrase`) and the command reader's phrase table
(:mod:`humanoid_lmm.text.catalogue`). A general thesaurus of the corpus' words; sides, counts and speeds
keep their meaning."""
from __future__ import annotations

import re

__all__ = ["SYNONYMS", "substitutions"]

# word or phrase -> alternatives with the same meaning in a movement command
SYNONYMS: dict[str, tuple[str, ...]] = {
    "raise": ("lift", "put up", "hold up", "bring up", "stick up"), "lift": ("raise", "bring up", "put up"),
    "wave your": ("wave with your", "give a wave with your", "wave hello with your", "wave goodbye with your"),
    "wave with your": ("wave your", "give a wave with your", "wave hi with your", "use a wave of your"),
    "clap your hands": ("put your hands together", "applaud", "give a clap", "clap"),
    "clap": ("applaud", "give a clap"), "applaud": ("clap",), "squat": ("crouch", "crouch down", "squat down"),
    "jump": ("hop", "leap", "spring up"), "hop": ("jump", "leap"), "turn": ("rotate", "pivot", "spin", "swivel"),
    "turn your head": ("move your head",), "rotate": ("turn", "spin"), "kick": ("boot", "kick out"),
    "punch": ("jab", "strike", "hook", "uppercut"), "jab": ("punch", "strike"), "bow": ("take a bow",),
    "step": ("move", "go", "shuffle", "scoot", "shift"), "walk": ("go", "move", "head", "stroll"),
    "move": ("go", "shift", "step"), "forward": ("ahead", "forwards", "straight ahead"),
    "backward": ("backwards",), "hand": ("arm",), "arm": ("hand",), "fist": ("hand",), "leg": ("foot",),
    "foot": ("leg",), "your": ("ur", "the", "your"), "the": ("your",),
    "twice": ("two times", "2 times", "a couple of times"), "once": ("one time", "1 time"),
    "three times": ("3 times", "thrice"), "four times": ("4 times",), "slowly": ("slow", "gently", "nice and slow"),
    "quickly": ("fast", "quick", "rapidly"), "nod": ("nod your head",), "dance": ("boogie", "dance around"),
    "jog": ("run", "trot"), "stand still": ("stay still", "freeze", "hold still", "wait there", "stay there", "don't move"),
    "step forward": ("come closer", "come here", "approach", "step ahead"), "side step": ("sidestep",), "salute": ("give a salute",),
    "shrug": ("shrug your shoulders",), "stretch": ("do some stretching",), "point": ("gesture",),
    "reach": ("stretch", "extend"), "look": ("glance", "peek"), "hips": ("waist",), "cross": ("fold",),
    "fold": ("cross",), "bend": ("flex",), "lunge": ("do a lunge",), "balance": ("stand",),
    "in place": ("on the spot",), "on the spot": ("in place",),
}


def substitutions(phrase: str, limit: int = 12) -> list[str]:
    """Variants of ``phrase`` with one thesaurus entry replaced (at most ``limit``, deterministic order)."""
    out = []
    for key in sorted(SYNONYMS, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(key)}\b", phrase):
            for alt in SYNONYMS[key]:
                v = " ".join((phrase[:m.start()] + alt + phrase[m.end():]).split())
                if v != phrase and v not in out:
                    out.append(v)
    return out[:limit]


def wordnet_substitutions(phrase: str, senses: int = 1) -> list[str]:
    """Variants of an imperative ``phrase`` with its leading verb (one word, or a two-word phrasal verb)
    replaced by a WordNet synonym (:func:`humanoid_lmm.text.wordnet.verb_synonyms`): "move back a step"
    -> "retreat a step", "withdraw a step", ..."""
    from humanoid_lmm.text.wordnet import verb_synonyms

    words, out = phrase.split(), []
    for n in (2, 1):
        if len(words) >= n:
            out += [" ".join([alt] + words[n:]) for alt in verb_synonyms(" ".join(words[:n]), senses)]
    return [v for v in dict.fromkeys(out) if v != phrase]
