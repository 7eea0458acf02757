"""Reading a command: which capabilities it asks for, in which order, with which slots, and how sure.

:class:`CommandReader` fixes spelling, cuts the command into clauses, embeds each clause with the
sentence encoder and compares it with every phrase of the capability catalogue (cosine similarity; a
capability scores its best phrase) and with phrases of things the robot cannot do (``anchors``, by
kind). Sides, counts, speed and duration come from :mod:`humanoid_lmm.text.slots`, not from the
embedding. The reading's ``caption`` is the corpus caption of what was understood ("retrieval
normalisation"): "could u give me a wave with ur lfet hand, then do 2 squats" ->
"wave with your left hand then squat twice". Deciding to refuse is the gate's job
(:mod:`humanoid_lmm.speech.gate`); this module only measures.

    reader = CommandReader()
    r = reader.read("hop up three times")
    r.caption, r.clauses[0].capability, r.clauses[0].score    # "jump three times", "jump_in_place", 0.71
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from humanoid_lmm.text.catalogue import Catalogue, capability_catalogue
from humanoid_lmm.text.slots import (Slots, SpellFixer, base_forms, read_slots, split_clauses, split_conjunctions,
                                     strip_courtesy, strip_slots)

__all__ = ["ClauseReading", "CommandReading", "CommandReader"]

_SLOT_WORDS = ("left right both once twice thrice times time slowly quickly fast slow seconds second "
               "degrees around please could would you your the a an for me".split())
_ELLIPSIS = re.compile(r"^(?:with|to|on|a|an|the|using|towards?)\b")
# words an elliptic clause ("... then with the other hand", "and to the right") is made of
_ELLIPTIC_WORDS = set(_SLOT_WORDS) | set("with to on using toward towards other side hand hands arm arms leg legs "
                                         "foot feet fist one again too as well same way this time".split())
# a clause that only undoes the one before it ("raise both arms, then lower them", "march, then stop"): every
# corpus clip ends back at rest, so it is part of the last action (never the first clause of a command)
_UNDO = re.compile(r"^(?:(?:and|then|now|just) )*(?:stop|relax|rest|(?:lower|drop|unfold|uncross|fold|put|bring|let) "
                   r"(?:it|them|those|your \w+)(?: back)?(?: down)?(?: again)?|(?:stand|come|get|straighten) (?:back )?"
                   r"up(?: again)?|(?:return|go back) to (?:rest|normal|standing))$")
_LIMBS = set("hand hands arm arms leg legs foot feet fist fists knee knees".split())
# the families a clause's heading (Slots.heading) allows
_HEADING_FAMILIES = {"turn": ("turn_*",), "in_place": ("walk_in_place", "jog_in_place"), "backward": ("step_back",),
                     "forward": ("step_forward",), "sideways": ("step_*",)}


@dataclass(frozen=True)
class ClauseReading:
    """One clause: the capability it is closest to, after the side was applied."""

    text: str                      # the clause as read (spelling fixed)
    capability: str                # catalogue name ("kick_left")
    score: float                   # cosine similarity of the clause to its closest capability family [-1, 1]
                                   # (= capability's family unless the heading chose another of the five closest)
    negative: float                # best similarity to a "cannot do" anchor ([-1, 1]; -1 without anchors)
    negative_kind: str             # kind of that anchor ("object", "unsafe", ...) or ""
    negative_phrase: str
    slots: Slots
    ranking: tuple[tuple[str, float], ...]   # the closest capabilities, best first (name, score)
    caption: str                   # corpus caption for this clause


@dataclass(frozen=True)
class CommandReading:
    """A whole command: its clauses in order, the corpus caption of it and its duration [s] if said."""

    text: str
    clauses: tuple[ClauseReading, ...]
    caption: str
    duration_s: float | None = None
    capabilities: tuple[str, ...] = field(default=())
    steps: tuple[tuple[str, float | None], ...] = field(default=())   # (caption, duration [s]) per action
    counts: tuple[int | None, ...] = field(default=())   # repetitions each action was asked for (None: not said)
    # per capability: the family when its clause named no side ("stands on one leg": the reader picks the right
    # leg, but nothing was said against the left), else the capability itself
    shown: tuple[str, ...] = field(default=())


class CommandReader:
    """Command text -> :class:`CommandReading` (about 10 ms on one CPU thread for a short command)."""

    def __init__(self, encoder=None, catalogue: Catalogue | None = None, anchors: dict[str, list[str]] | None = None,
                 expand: bool = True, onnxruntime: bool = True, wordnet_senses: int = 0,
                 examples: dict[str, list[str]] | None = None):
        """``examples``: more phrases per capability name (written commands, compared as they are after
        courtesy is stripped), next to the catalogue's own."""
        from humanoid_lmm.text.encoder import SentenceEncoder

        self.encoder = encoder or SentenceEncoder.load()
        if onnxruntime:   # half the CPU time per command (SentenceEncoder.use_onnxruntime); torch if unavailable
            self.encoder.use_onnxruntime()
        self.catalogue = catalogue or capability_catalogue()
        phrases, owners = self.catalogue.phrase_table(expand, wordnet_senses)
        words = [w for p in phrases for w in re.findall(r"[a-z]+", p.lower())] + list(_SLOT_WORDS) + \
            "meh lol lmao haha hmm yo pls plz lemme gimme wanna gonna".split()   # the spelling fixer's words
        if examples:
            unknown = set(examples) - set(self.catalogue.by_name)
            if unknown:
                raise ValueError(f"examples name no capability: {sorted(unknown)}")
            table: dict[str, list[str]] = {c.name: [] for c in self.catalogue}
            for p, o in zip(phrases, owners):
                table[o].append(p)
            for name, texts in examples.items():
                table[name] += [strip_slots(strip_courtesy(t)) for t in texts]
            table = {n: list(dict.fromkeys(v)) for n, v in table.items()}
            phrases = [p for v in table.values() for p in v]
            owners = [n for n, v in table.items() for _ in v]
        self._names = [c.name for c in self.catalogue]
        # every word some capability phrase uses (the gate's judge counts the words of a command outside it)
        self.capability_words = frozenset(w for p in phrases for w in re.findall(r"[a-z]+", p.lower()))
        index = {n: i for i, n in enumerate(self._names)}
        owner = np.array([index[o] for o in owners])
        if np.any(np.diff(owner) < 0) or len(set(owner)) != len(self._names):
            raise ValueError("phrase table must list each capability's phrases together, in catalogue order")
        self._starts = np.flatnonzero(np.r_[True, np.diff(owner) != 0])      # first phrase of each capability
        self._phrase_emb = self.encoder.encode_cached(phrases)                      # (Np, D)
        self.anchors = [(k, p) for k, ps in (anchors or {}).items() for p in ps]
        self._anchor_emb = (self.encoder.encode_cached([p for _, p in self.anchors]) if self.anchors
                            else np.zeros((0, self.encoder.dim), np.float32))
        import torch

        self._phrase_t = torch.from_numpy(np.ascontiguousarray(self._phrase_emb.T))    # (D, Np)
        self._anchor_t = torch.from_numpy(np.ascontiguousarray(self._anchor_emb.T))    # (D, Na)
        words += [w for _, p in self.anchors for w in re.findall(r"[a-z]+", p.lower())]
        self.fix_spelling = SpellFixer(words, known=self.encoder.tokenizer.get_vocab())
        self._vocabulary = frozenset(words)

    # ---------------------------------------------------------------------------------------- scoring
    def _similarities(self, emb: np.ndarray, table) -> np.ndarray:
        """(C, N) cosine similarities; torch's matmul (its own thread setting): numpy's multi-threaded BLAS
        waking up after the encoder's run cost ~7 ms a call here, torch ~0.05 ms."""
        import torch

        return (torch.from_numpy(np.ascontiguousarray(emb)) @ table).numpy()

    def _capability_scores(self, emb: np.ndarray) -> np.ndarray:
        """(C, N_caps): best phrase similarity per capability for each of C clause embeddings."""
        return np.maximum.reduceat(self._similarities(emb, self._phrase_t), self._starts, axis=1)

    def _family_score(self, scores: np.ndarray, name: str) -> float:
        fam = self.catalogue.families[self.catalogue[name].family]
        return float(max(scores[self._names.index(c.name)] for c in fam.values()))

    @staticmethod
    def _elliptic(clause: str) -> bool:
        """"with the other hand", "and to the right": the last action again."""
        return bool(_ELLIPSIS.match(clause)) and set(clause.replace(",", " ").split()) <= _ELLIPTIC_WORDS

    @staticmethod
    def _same_but_side(clause: str, previous: str) -> bool:
        """"raise your left arm, then raise your right": the last clause's words and another side, no limb named."""
        words, sides = set(clause.replace(",", " ").split()), {"left", "right", "both"}
        return bool(words & sides) and not words & _LIMBS and words - sides <= (
            set(previous.replace(",", " ").split()) | _ELLIPTIC_WORDS)

    def _cut_lists(self, clauses: list[str]) -> tuple[list[str], np.ndarray]:
        """Clauses that list actions ("squat, jump, clap", "point right and nod") cut into one clause per
        action where every piece is nearer to a capability than the whole clause is ("hands on hips and hold"
        stays whole); with the embeddings of the clauses kept (slots are read by rules, not embedded)."""
        pieces = [[strip_courtesy(p) for p in split_conjunctions(c)] for c in clauses]
        texts = list(dict.fromkeys(clauses + [p for ps in pieces if len(ps) > 1 for p in ps]))
        emb = self.encoder.encode([strip_slots(t) for t in texts])
        best = dict(zip(texts, self._capability_scores(emb).max(axis=1)))
        out: list[str] = []
        for c, ps in zip(clauses, pieces):
            own = [p for p in ps if not self._elliptic(p)]
            cut = len(ps) > 1 and not self._elliptic(ps[0]) and min(best[p] for p in own) > best[c]
            out += ps if cut else [c]
        at = {t: i for i, t in enumerate(texts)}
        return out, emb[[at[t] for t in out]]

    def read(self, text: str) -> CommandReading:
        fixed = self.fix_spelling(text)   # base forms after the cut: "followed by" is a sequence word
        clauses = [strip_courtesy(base_forms(c, self._vocabulary)) for c in split_clauses(fixed)]
        clauses, emb = self._cut_lists(clauses or [fixed])
        keep = [i for i, c in enumerate(clauses) if i == 0 or not _UNDO.match(c)]
        clauses, emb = [clauses[i] for i in keep], emb[keep]
        caps = self._capability_scores(emb)
        neg = self._similarities(emb, self._anchor_t) if len(self.anchors) else np.full((len(clauses), 1), -1.0)
        readings: list[ClauseReading] = []
        for i, clause in enumerate(clauses):
            slots = read_slots(clause)
            order = np.argsort(-caps[i])
            ranking, seen = [], set()
            for k in order:
                fam = self.catalogue[self._names[int(k)]].family
                if fam not in seen:
                    seen.add(fam)
                    ranking.append((self._names[int(k)], float(caps[i, k])))
                if len(ranking) == 5:
                    break
            best = ranking[0][0]
            score, j = self._family_score(caps[i], best), (int(np.argmax(neg[i])) if len(self.anchors) else -1)
            if slots.heading:   # "face left", "march forward": the closest of the five families that goes that way
                allowed = _HEADING_FAMILIES[slots.heading]   # (score stays the clause's best: the gate's question
                best = next((n for n, _ in ranking if self.catalogue[n].family in allowed), best)   # is "any")
            negative = float(neg[i, j]) if j >= 0 else -1.0
            if readings and (self._elliptic(clause) or self._same_but_side(clause, readings[-1].text)):
                prev = readings[-1]   # "... then with your right": the last action again, as sure as it was
                best, score, negative = prev.capability, prev.score, prev.negative
            cap = self.catalogue[best]
            sides = self.catalogue.families[cap.family]   # "both" where the family has no both-sided member
            side = next((s for s in (slots.side, slots.named_side) if s and s in sides), "")   # gives way to the named side
            if side:
                cap = self.catalogue.sibling(best, side)
            elif cap.side == "left":   # no side said: the right-hand member of a left/right family
                cap = self.catalogue.sibling(best, "right")
            readings.append(ClauseReading(
                clause, cap.name, score, negative,
                self.anchors[j][0] if j >= 0 else "", self.anchors[j][1] if j >= 0 else "", slots,
                tuple(ranking), cap.caption(slots.count, slots.speed, slots.duration_s, slots.degrees)))
        merged: list[ClauseReading] = []
        for r in readings:   # "look left and then to the right": one capability, said twice
            if merged and merged[-1].capability == r.capability and r.slots.count is None:
                continue
            merged.append(r)
        duration = merged[0].slots.duration_s if len(merged) == 1 else None
        return CommandReading(text, tuple(readings), " then ".join(r.caption for r in merged), duration,
                              tuple(r.capability for r in merged),
                              tuple((r.caption, r.slots.duration_s) for r in merged),
                              tuple(r.slots.count for r in merged),
                              tuple(r.capability if r.slots.side or r.slots.named_side else
                                    self.catalogue[r.capability].family for r in merged))
