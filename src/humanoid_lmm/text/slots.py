"""Rule-based reading of what a sentence encoder reads badly: clause order, sides, counts, speed, duration.

A command is cut into clauses at sequence words ("then", "after that", "followed by"); each clause gets
its :class:`Slots`. Misspelt words that neither the encoder's vocabulary nor the catalogue's words know
are corrected to the nearest catalogue word first ("wvae your lfet hnad" -> "wave your left hand").

    clauses = split_clauses("first clap twice, then jump for 3 seconds")   # ["clap twice", "jump for 3 seconds"]
    read_slots("do three squats slowly")   # Slots(side='', count=3, speed='slowly', duration_s=None, degrees=None)
    read_slots("face the left side").heading   # "turn"   (the encoder puts it nearer "step to the left")
    read_slots("put your arms up").side        # "both"   (plural limbs, no side word)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Slots", "split_clauses", "read_slots", "heading", "strip_courtesy", "strip_slots", "SpellFixer", "tidy"]

_KEEP = re.compile(r"[^a-z0-9'. ]+")
_NUMBERS = {"a": 1, "one": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "couple": 2, "pair": 2, "few": 3}
_SPLIT = re.compile(r"\s*(?:,|;|\.)?\s*\b(?:and then|and after that|after that|then|followed by|afterwards|"
                    r"and afterwards|next|after which)\b\s*|\s*[.;]\s+")
_SPEED = {"slowly": "slowly", "slow": "slowly", "gently": "slowly", "calmly": "slowly", "leisurely": "slowly",
          "quickly": "quickly", "fast": "quickly", "quick": "quickly", "rapidly": "quickly", "swiftly": "quickly",
          "briskly": "quickly", "speedily": "quickly"}
_COUNTED = r"(?:squats?|jumps?|hops?|claps?|punch(?:es)?|jabs?|kicks?|waves?|bows?|steps?|nods?|lunges?|shrugs?)"


def tidy(text: str) -> str:
    """Lower-case ASCII words, digits and sentence punctuation, single spaces."""
    t = str(text).lower().replace("-", " ").replace(",", " , ")
    return " ".join(_KEEP.sub(" ", t).replace(" ,", ",").split()).replace(" , ", ", ")


def split_clauses(text: str) -> list[str]:
    """Clauses in the order they are to be done ("clap, then bow" -> ["clap", "bow"]); a leading "first"
    is dropped. Commas inside a clause stay ("right hand, give us a wave")."""
    parts = [p.strip(" ,.") for p in _SPLIT.split(tidy(text))]
    parts = [re.sub(r"^(?:first|firstly|to start|start by)\b\s*,?\s*", "", p) for p in parts]
    return [p for p in parts if p]


_LEAD = re.compile(
    r"^(?:(?:hey|hi|ok|okay|so|um+|uh+|erm|alright|all right|now|now then|robot|yo|please|pls|plz|kindly|"
    r"just|go on and|go ahead and|come on|and)\b,?\s*"
    r"|(?:would|do) you mind\b\s*|(?:could|can|would|will|won't) (?:you|u|ya)(?: please| kindly| maybe| just)?\b\s*"
    r"|(?:i'?d|i would) (?:like|love) (?:you to|it if you|to see you|to see)\b\s*"
    r"|i (?:want|need) (?:you to|to see you|to see)\b\s*|let(?:'s| me) see (?:you )?|show me (?:how )?(?:you can )?"
    r"|try to\b\s*|how about (?:you )?|time to\b\s*|it would be (?:great|nice|cool) if you(?: could)?\b\s*"
    r"|give me\b\s*|give us\b\s*)+")
_TAIL = re.compile(r"(?:,?\s*\b(?:please|pls|plz|for me|for us|thanks|thank you|now|ok|okay|if you can|real quick|"
                   r"will you|would you|could you)\b[?!.]*)+$")


_ADDRESSEE = re.compile(
    r"\b(?:at|to|for) (?:me|us|you|everyone|everybody|him|her|them|people|"
    r"(?:the|my|your|our|all the|those|these) (?:people|audience|crowd|camera|group|class|kids|children|guests|"
    r"friends?|family|grandma|grandpa|mom|mum|dad|teacher|visitors?))(?: over there| here)?\b|\bover there$")


_DECORATION = re.compile(r"\blike (?:a|an|you|the|some|it|in|if|when)\b.*$|\b(?:a bit|a little|for a while|for a bit|"
                         r"real quick|as high as you can|as high as possible|as far as you can)\b")


def strip_courtesy(clause: str) -> str:
    """The request without greetings, politeness, indirect framing, whom it is for and similes or
    softeners ("could you please wave at the people over there like a king" -> "wave"); unchanged when
    nothing would be left."""
    t = tidy(clause).strip(" ,.?!")
    out = _DECORATION.sub("", _ADDRESSEE.sub("", _TAIL.sub("", _LEAD.sub("", t))))
    out = " ".join(out.split()).strip(" ,.?!")
    return out if out else t


_SLOT_PHRASE = re.compile(
    r"\bfor (?:\w+(?:\.\d+)?|a few|a couple of) (?:seconds?|secs?|s)\b|\b(?:once|twice|thrice)\b"
    r"|\b(?:\w+ (?:more )?times?|a couple (?:of )?times|a few times)\b|\b(?:" + "|".join(_SPEED) + r")\b")


def strip_slots(clause: str) -> str:
    """The clause without its repetition, duration and speed phrases, which :func:`read_slots` reads
    ("point to the right for 4 seconds" -> "point to the right"): what is left is compared with the
    catalogue's phrases, which have none. Unchanged when nothing would be left."""
    t = tidy(clause)
    out = " ".join(_SLOT_PHRASE.sub(" ", t).split()).strip(" ,.?!")
    return out if out else t


@dataclass(frozen=True)
class Slots:
    """Side ("left" | "right" | "both" | ""), repetitions, speed word ("slowly" | "quickly" | ""), duration [s]
    and turn angle [deg] read from one clause (None / "" when not said); ``heading`` is the way a
    locomotion clause moves the body ("turn" | "in_place" | "backward" | "forward" | "sideways" | "");
    ``named_side`` is the one of "left" / "right" the clause names, also when ``side`` is "both" ("raises
    both fists and punches with the left hand": a one-sided action, the left)."""

    side: str = ""
    count: int | None = None
    speed: str = ""
    duration_s: float | None = None
    degrees: int | None = None
    heading: str = ""
    named_side: str = ""


# a body part or action word that makes a direction word belong to a gesture, not to walking
# ("reach forward", "kick forward with the left foot", "step forward into a lunge", "turn your head")
_GESTURE = re.compile(r"\b(?:reach|point|stretch|extend|punch|jab|kick|lunge|lean|bow|look|nod|wave|rais|lift|knee|"
                      r"head|arm|hand|fist|shake|glance|bend|squat|crouch|jump|hop|leap|clap|danc|salut|shrug|hips)\w*\b"
                      r"|\b(?:come|stand|get|spring|pop|bounce) (?:right )?back up\b")
_GO = re.compile(r"\b(?:walk|march|step|sidestep|move|go|come|stroll|advance|proceed|take|slide|shuffle|scoot|shift|"
                 r"strafe|back|retreat|jog|run|pace|travel)\w*\b")
# (heading, pattern) in priority order; every pattern but "turn" needs a verb of going (_GO)
_HEADINGS = (
    ("turn", re.compile(r"\b(?:turn|face|facing|rotate|pivot|swivel|spin)\w*\b")),
    ("in_place", re.compile(r"\b(?:in place|on the spot|where you are)\b")),
    ("backward", re.compile(r"\b(?:back|backward|backwards|away|reverse)\b")),
    ("forward", re.compile(r"\b(?:forward|forwards|ahead|straight|towards? me|closer)\b")),
    ("sideways", re.compile(r"\b(?:left|right|sideways|side step|sidestep)\b")),
)
_PLURAL_LIMBS = re.compile(r"\b(?:hands|arms)\b")


def heading(clause: str) -> str:
    """How a clause moves the body over the ground, by its words ("" for a gesture or when unsaid)."""
    t = tidy(clause)
    if _GESTURE.search(t):
        return ""
    for name, pattern in _HEADINGS:
        if pattern.search(t) and (name == "turn" or _GO.search(t)):
            return name
    return ""


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)


def read_slots(clause: str) -> Slots:
    """The slots of one (tidied, spelling-fixed) clause."""
    t = tidy(clause)
    words = t.replace(",", " ").split()
    sides = [w for w in words if w in ("left", "right")]
    side = "both" if ("both" in words or re.search(r"\b(two handed|two arms|two hands)\b", t)) else \
        (sides[0] if len(set(sides)) == 1 else ("both" if _PLURAL_LIMBS.search(t) and not sides else ""))
    count = None
    if re.search(r"\bonce\b|\bone time\b", t):
        count = 1
    elif re.search(r"\btwice\b", t):
        count = 2
    elif re.search(r"\bthrice\b", t):
        count = 3
    else:
        for m in [*re.finditer(r"(?=\b(\w+) (?:more |of )?(times?)\b)", t),
                  *re.finditer(rf"(?=\b(\w+) (?:\w+ )?({_COUNTED})\b)", t)]:
            n = _number(m.group(1))
            if n is not None and not (m.group(1) in ("a", "an", "few") and not m.group(2).startswith("time")):
                count = n
                break
    if count is not None:
        count = max(1, min(count, 6))
    speed = next((_SPEED[w] for w in words if w in _SPEED), "")
    duration = None
    m = re.search(r"\bfor (\w+(?:\.\d+)?|a few|a couple of) (?:seconds?|secs?|s)\b", t)
    if m:
        v = m.group(1)
        duration = 3.0 if v in ("a few", "a couple of") else (float(v) if re.fullmatch(r"\d+(?:\.\d+)?", v)
                                                                 else _NUMBERS.get(v))
        duration = float(duration) if duration else None
    degrees = None
    m = re.search(r"\b(\d+) degrees?\b", t)
    if m:
        degrees = int(m.group(1))
    elif re.search(r"\b(turn|spin|rotate|pivot|swivel)\w* (all the way )?around\b|\bhalf turn\b|\babout face\b", t):
        degrees = 180
    elif re.search(r"\bquarter\b", t):
        degrees = 90
    return Slots(side, count, speed, duration, degrees, heading(t), sides[0] if len(set(sides)) == 1 else "")


class SpellFixer:
    """Corrects a word that ``known`` (e.g. the encoder's vocabulary) lacks to the nearest word of
    ``targets`` (the catalogue's words, with repeats: their frequency breaks ties): at most 1 edit for
    words of <= 4 letters, 2 for longer ones (rapidfuzz OSA distance); far words stay as they are."""

    def __init__(self, targets, known=()):
        targets = [w for w in targets if w.isalpha()]
        self.frequency = {w: targets.count(w) for w in set(targets)}
        self.targets = sorted(self.frequency)
        self.known = set(known) | set(self.targets)
        self._cache: dict[str, str] = {}

    def word(self, w: str) -> str:
        if w in self.known or not w.isalpha() or len(w) < 3:
            return w
        if w not in self._cache:
            from rapidfuzz.distance import OSA   # optimal string alignment: swaps count as one edit
            from rapidfuzz.process import extract

            cap = 1 if len(w) <= 4 else 2
            found = extract(w, self.targets, scorer=OSA.distance, score_cutoff=cap, limit=None)
            # nearest first; among equals a swap of letters (same letters) and then the commoner word win
            ranked = sorted(found, key=lambda m: (m[1], sorted(m[0]) != sorted(w), -self.frequency[m[0]]))
            self._cache[w] = ranked[0][0] if ranked else w
        return self._cache[w]

    def __call__(self, text: str) -> str:
        return re.sub(r"[a-z]+", lambda m: self.word(m.group()), tidy(text))
