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

__all__ = ["Slots", "split_clauses", "split_conjunctions", "base_forms", "read_slots", "heading", "strip_courtesy", "strip_slots", "SpellFixer", "tidy"]

_KEEP = re.compile(r"[^a-z0-9'., ]+")
_NUMBERS = {"a": 1, "one": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "couple": 2, "pair": 2, "few": 3, "single": 1}
_SPLIT = re.compile(r"\s*(?:,|;|\.)?\s*\b(?:and then|and after that|after that|then|followed by|afterwards?|"
                    r"and afterwards?|next|after which|and finally|finally|and lastly|lastly|and to finish|to finish|"
                    r"(?:and )?once (?:you(?:'re| are) done|you(?:'ve| have)? finished|you finish|done)|"
                    r"(?:and )?when (?:you(?:'re| are) done|you(?:'ve| have)? finished|you finish|done)|"
                    r"and (?:end|finish) (?:with|by)|(?:end|finish) (?:with|by))\b\s*,?\s*|\s*[.;]\s+"
                    r"|\s*,\s*(?:and\s+)?(?:second|secondly|third|thirdly)\b\s*,?\s*")   # "first X, second Y"
# "before you bow, clap" / "clap before you bow" / "bow, but first clap" / "after you nod, clap" / "clap after a nod"
_ORDER = (
    (re.compile(r"^(?:right |just )?before (?:you )?(.+?),\s*(.+)$"), (1, 0)),
    (re.compile(r"^(?:right |just )?after (?:you(?:'ve| have)? )?(.+?),\s*(.+)$"), (0, 1)),
    (re.compile(r"^(.+?),?\s+but (?:first|before that),?\s+(.+)$"), (1, 0)),
    (re.compile(r"^(.+?),?\s+(?:right |just |straight )?after (?:you(?:'ve| have)? |a |an |the |that |doing )?(.+)$"), (1, 0)),
    (re.compile(r"^(.+?),?\s+(?:right |just )?before (?:you )?(.+)$"), (0, 1)),
)
# within a clause, the places it may list actions at ("squat, jump, clap", "point right and nod"); the
# reader keeps such a cut only where every piece reads as an action better than the whole does
_CONJUNCTION = re.compile(r"\s*,\s*(?:and\s+|plus\s+)?|\s+(?:and|plus|&)\s+")
_SPEED = {"slowly": "slowly", "slow": "slowly", "gently": "slowly", "calmly": "slowly", "leisurely": "slowly",
          "quickly": "quickly", "fast": "quickly", "quick": "quickly", "rapidly": "quickly", "swiftly": "quickly",
          "briskly": "quickly", "speedily": "quickly"}
_COUNTED = (r"(?:squats?|jumps?|hops?|claps?|punch(?:es)?|jabs?|hooks?|kicks?|waves?|bows?|steps?|nods?|lunges?|"
            r"shrugs?|salutes?|raises?|turns?)")


def tidy(text: str) -> str:
    """Lower-case ASCII words, digits and sentence punctuation, single spaces."""
    t = _KEEP.sub(" ", str(text).lower().replace("-", " ")).replace(",", " , ")
    t = re.sub(r"\b(left|right)wards?\b", r"to the \1", t)
    return re.sub(r"\s*(?:,\s*)+", ", ", " ".join(t.split())).strip(" ,")


def split_clauses(text: str) -> list[str]:
    """Clauses in the order they are to be done ("clap, then bow" -> ["clap", "bow"]); a leading "first"
    is dropped. Commas inside a clause stay ("right hand, give us a wave")."""
    parts = [p.strip(" ,.") for p in _SPLIT.split(tidy(text))]
    parts = [re.sub(r"^(?:first of all|first|firstly|to start|to begin|start by|start off by|start off with|start with|"
                    r"begin by|begin with)\b\s*,?\s*", "", p) for p in parts]
    return [q for p in parts if p for q in _in_order(p) if q]


def _in_order(part: str) -> list[str]:
    """One part cut at "before" / "after" / "but first", in the order the actions are to be done."""
    for pattern, order in _ORDER:
        m = pattern.match(part)
        if m and all(g.strip(" ,.") for g in m.groups()):
            return [m.group(k + 1).strip(" ,.") for k in order]
    return [part]


def split_conjunctions(clause: str) -> list[str]:
    """The pieces of a clause at commas, "and" and "plus" ("squat, jump and clap" -> three); whether they
    are separate actions is for the reader to judge."""
    return [p for p in (q.strip(" ,.") for q in _CONJUNCTION.split(tidy(clause))) if p]


_LEAD = re.compile(
    r"^(?:(?:hey|hi|ok|okay|so|um+|uh+|erm|hmm+|meh|lol|lmao|haha|alright|all right|now|now then|robot|yo|please|"
    r"sorry(?: to (?:bother|trouble|interrupt) you)?|excuse me|pardon me|"
    r"pls|plz|kindly|"
    r"just|go on and|go ahead and|come on|and)\b,?\s*"
    r"|(?:would|do) you mind\b\s*|(?:could|can|would|will|won't) (?:you|u|ya)(?: please| kindly| maybe| just)?\b\s*"
    r"|(?:i'?d|i would) (?:like|love) (?:you to|it if you|to see you|to see)\b\s*"
    r"|(?:i|we|they|everyone|everybody|the \w+) (?:want|wants|need|needs|would like|'d like|would love|'d love) "
    r"(?:you to|to see you|to see|a|an)\b\s*|let(?:'s| me) see (?:you )?|show me (?:how )?(?:you can )?"
    r"|how (?:high|fast|far|well|low|many times) (?:you )?can\b\s*"
    r"|try to\b\s*|how about (?:you )?|time to\b\s*|it would be (?:great|nice|cool) if you(?: could)?\b\s*"
    r"|give me\b\s*|give us\b\s*|(?:maybe|perhaps|dude|bro|buddy|mate|man|wanna|feel free to|why don't you|"
    r"i wonder if you(?: can| could)?|what if you|if you could|if you can|you (?:might|should|could|can|may)|"
    r"(?:would|will|could) you be able to|are you able to|(?:i'?d|i would) appreciate(?: it if you)?|"
    r"(?:i'?d|i would) really (?:like|love) (?:you to|it if you|to see you|to see)|"
    r"it'?d be (?:great|nice|cool|good) if you(?: could)?|it would (?:help|be good) if you(?: could)?|"
    r"(?:may|can|could) i ask you to|(?:i'?m|i am) curious (?:whether|if) you (?:can|could)|lemme see|"
    r"(?:can|could|may) (?:i|we) (?:get|have|see)|(?:i )?(?:bet|dare) you (?:can'?t |to )?|pretend to )\b,?\s*)+")
# a role or scene set before the request ("pretend you're a butler and bow" -> "bow"; "imagine you're at a party,
# dance" -> "dance"); without a request after it, the scene is the request ("pretend you're a statue")
_PRETEND = re.compile(r"^(?:just )?(?:pretend|imagine|act like|act as if)(?: that)? (?:you'?re|you are|you were) (.+?)"
                      r"(?:(?:,| and| then| so)\s+(.+))?$")
_TAIL = re.compile(r"(?:,?\s*\b(?:please|pls|plz|for me|for us|thanks|thank you|now|right now|ok|okay|if you can|"
                   r"real quick|will you|would you|could you|already|again|if you like|if you want|if you don't mind)\b[?!.]*)+$")


_ADDRESSEE = re.compile(
    r"\b(?:at|to|for) (?:me|us|you|everyone|everybody|him|her|them|people|"
    r"(?:the|my|your|our|all the|those|these) (?:people|audience|crowd|camera|group|class|kids|children|guests|"
    r"friends?|family|grandma|grandpa|mom|mum|dad|teacher|visitors?))(?: over there| here)?\b|\bover there$")


_DECORATION = re.compile(r"\blike (?:a|an|you|the|some|it|in|if|when)\b.*$|\b(?:a bit|a little|for a while|for a bit|"
                         r"real quick|as high as you can|as high as possible|as far as you can|"
                         r"(?:and )?(?:hold|keep) (?:it|that|this|the pose|the position)(?: there)?)\b")


# a statement of the situation before the request ("the music's on, dance"; "you're too close, move back")
_CONTEXT = re.compile(r"^(?:(?:you|we|they)(?:'re|'ve| are| have)|(?:it|there|that)(?:'s| is)|i'?m|i am|everyone'?s?|"
                      r"everybody'?s?|the \w+(?:'s| is| are))\b[^,]*,\s*")


# an opinion around the request ("i think a head shake would be funny"): the request is what it is about
_OPINION = re.compile(r"^(?:i think|i bet|maybe) (.+?) (?:would|will|could) be (?:funny|fun|nice|cool|great|good|"
                      r"awesome|perfect|hilarious|neat)$")


def strip_courtesy(clause: str) -> str:
    """The request without greetings, politeness, indirect framing, whom it is for and similes or
    softeners ("could you please wave at the people over there like a king" -> "wave"); unchanged when
    nothing would be left."""
    t = tidy(clause).strip(" ,.?!")
    t = _OPINION.sub(r"\1", t)
    m = _PRETEND.match(t)
    if m:
        t = m.group(2) or m.group(1)
    out = _DECORATION.sub("", _ADDRESSEE.sub("", _TAIL.sub("", _LEAD.sub("", _CONTEXT.sub("", t)))))
    out = tidy(out).strip(" ,.?!")
    return out if out else t


# a duration: "for 4 seconds", "20 seconds", "for half a minute" (group 1: the number, or "half a" / "a")
_DURATION = re.compile(r"\b(?:for )?(?:about |around |roughly )?(?:(\w+(?:\.\d+)?|a few|a couple of) (?:seconds?|secs?)"
                       r"|(half a|a full|a) minute|(\w+(?:\.\d+)?) (?:minutes|mins?))\b(?: of)?")
_SLOT_PHRASE = re.compile(
    _DURATION.pattern + r"|\bfor \d+(?:\.\d+)? s\b|\b(?:once|twice|thrice)\b"
    r"|\b(?:\w+ (?:more )?times?|a couple (?:of )?times|a few times|\w+ (?:reps?|repetitions?)|in a row)\b"
    r"|\b(?:in )?slow motion\b|\ba single\b|\b(?:\d+|" + "|".join(w for w in _NUMBERS if len(w) > 2) + rf") (?={_COUNTED}\b)"
    r"|\b(?:" + "|".join(_SPEED) + r")\b")


def strip_slots(clause: str) -> str:
    """The clause without its repetition, duration and speed phrases, which :func:`read_slots` reads
    ("point to the right for 4 seconds" -> "point to the right"): what is left is compared with the
    catalogue's phrases, which have none. Unchanged when nothing would be left."""
    t = tidy(clause)
    out = tidy(_SLOT_PHRASE.sub(" ", t)).strip(" ,.?!")
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
_NOT_SIDE = re.compile(r"\b(?:not|never|but not) (?:the |your |with the |with your |using the |using your )?(?:left|right)\b"
                       # "raise your left arm but leave the right one down": the side kept still
                       r"|\b(?:leave|leaving|keep|keeping) (?:the |your )?(?:left|right)(?: one| arm| hand| leg| foot)? "
                       r"(?:down|still|where it is|on the (?:ground|floor)|at your side|relaxed)\b")
# "lift the right foot and stand on your left": with a stand / balance, the lifted foot is not the one stood on
_LIFTED = re.compile(r"\b(?:lift|lifting|raise|raising|pick up|hold up) (?:the |your )?(?:left|right) (?:foot|leg)"
                     r"(?: off the (?:ground|floor)| up)?\b")
_STAND = re.compile(r"\b(?:stand|standing|balance|balancing)\b")


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
    kept = _LIFTED.sub(" ", t) if _STAND.search(t) and len(set(re.findall(r"\b(?:left|right)\b", t))) > 1 else t
    words = _NOT_SIDE.sub(" ", kept).replace(",", " ").split()   # "with your left, not the right"
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
        for m in [*re.finditer(r"(?=\b(\w+) (?:more |of )?(times?|reps?|repetitions?|in a row)\b)", t),
                  *re.finditer(rf"(?=\b(\w+) (?:\w+ )?({_COUNTED})\b)", t)]:
            n = _number(m.group(1))
            if n is not None and not (m.group(1) in ("a", "an", "few") and not m.group(2).startswith(("time", "rep"))):
                count = n
                break
    if count is not None:
        count = max(1, count)
    speed = next((_SPEED[w] for w in words if w in _SPEED), "")
    duration = None
    m = _DURATION.search(t) or re.search(r"\bfor (\d+(?:\.\d+)?) s\b", t)
    if m and m.lastindex == 3:   # "five minutes"
        n = float(m.group(3)) if re.fullmatch(r"\d+(?:\.\d+)?", m.group(3)) else _NUMBERS.get(m.group(3))
        duration = 60.0 * n if n else None
    elif m and m.lastindex and m.group(1) is None:   # minutes
        duration = {"half a": 30.0}.get(m.group(2), 60.0)
    elif m:
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


_IRREGULAR = {"came": "come", "went": "go", "took": "take", "gave": "give", "stood": "stand", "threw": "throw",
              "held": "hold", "ran": "run", "did": "do", "got": "get", "stuck": "stick", "swung": "swing", "kept": "keep",
              "bent": "bend", "sat": "sit", "lay": "lie", "shook": "shake", "leapt": "leap", "knelt": "kneel"}
# (suffix, endings that may replace it); a doubled last consonant goes too ("nodded" -> "nod")
_SUFFIXES = (("ies", ("y",)), ("ing", ("", "e")), ("ed", ("", "e")), ("es", ("",)), ("s", ("",)))


def base_forms(text: str, vocabulary) -> str:
    """Inflected words that ``vocabulary`` (the catalogue's words) lacks, in the base form it has
    ("what if you shrugged" -> "what if you shrug", "half a minute of dancing" -> "... of dance")."""
    def one(w: str) -> str:
        if w in vocabulary or not w.isalpha():
            return w
        if w in _IRREGULAR:
            return _IRREGULAR[w]
        for suffix, endings in _SUFFIXES:
            stem = w[: -len(suffix)]
            if w.endswith(suffix) and len(stem) >= 2:
                for e in endings:
                    if stem + e in vocabulary:
                        return stem + e
                if len(stem) >= 3 and stem[-1] == stem[-2] and stem[:-1] in vocabulary:
                    return stem[:-1]
        return w

    return re.sub(r"[a-z]+", lambda m: one(m.group()), text)
