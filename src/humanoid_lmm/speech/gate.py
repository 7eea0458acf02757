"""The semantic command gate: accept what the robot can do, refuse the rest with a reason and suggestions.

Replaces the verb whitelist. A command is read by :class:`humanoid_lmm.text.CommandReader`, which compares
each clause with capability phrases and with phrases of what the robot cannot do (``config/language.yaml``,
by kind). The phrases are the catalogue's and the can-do lines of ``gate.examples`` (config/gate_examples.tsv,
written commands labelled can / cannot; its cannot lines only calibrate, bench/calibrate_gate.py). The
judge (``gate.judge``, :mod:`humanoid_lmm.speech.judge`) then decides from the whole reading: similarities
and the words no capability phrase uses; a clause nearer to a "cannot" phrase than to every capability is
refused whatever it says. Without a judge, every clause must be at least ``min_similarity`` close to a
capability phrase and ``min_margin`` closer to it than to any "cannot" phrase. A refusal is a
:class:`CommandRejected` whose ``reason`` is ``out_of_scope`` or ``unsafe`` (or ``too_many_actions``, ``duration_too_long``),
whose message says why, and whose ``suggestions`` are the closest things the robot can do.

    gate = CommandGate.load()
    gate.accept("could u gimme a wave with ur left hand").caption   # "wave with your left hand"
    gate.accept("do a backflip")   # CommandRejected(reason="out_of_scope", suggestions=("jump", ...))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from humanoid_lmm.config_files import config_path, read_yaml_mapping
from humanoid_lmm.errors import CommandRejected, ConfigError

__all__ = ["LanguageConfig", "load_language_config", "GateExample", "load_gate_examples", "AcceptedCommand",
           "CommandGate", "WHY"]

# what a refusal of each kind says
WHY = {
    "acrobatics": "acrobatics and floor exercises are beyond what this robot can do safely",
    "object": "it needs an object to handle, and this robot does not grasp or carry things",
    "tool": "it needs a tool, and this robot does not use tools",
    "sit_lie": "this robot does not sit, kneel, crawl or lie down",
    "speech": "this robot moves; it does not talk, sing or answer questions",
    "nonsense": "it does not ask for a movement",
    "unsafe": "it could hurt someone or break something",
    "locomotion": "it needs more than a few steps on the spot: climbing, travelling or a vehicle",
    "fine_motor": "this robot has no fingers or face to move",
    "contact": "this robot does not touch people",
    "household": "it is a task, not a movement",
    "other": "it is not a movement",
    "": "it is not one of the movements this robot knows",
}


_KIND_SIMILARITY = 0.5   # [cosine] a refusal names the nearest "cannot" kind only when it is at least this close


@dataclass(frozen=True)
class LanguageConfig:
    """Gate thresholds [cosine similarity], the post-generation check, and the "cannot" phrases by kind."""

    min_similarity: float = 0.61
    min_margin: float = 0.14
    max_actions: int = 3
    max_seconds: float = 10.5      # [s] longest duration one action may ask for (the motion model's longest clip)
    max_repetitions: int = 10      # most repetitions one action may ask for
    max_total_seconds: float = 60.0   # [s] longest duration of a movement that is not a held pose (joined stretches)
    suggestions: int = 3
    wordnet_senses: int = 0        # capability phrases also with WordNet verb synonyms of this many senses (0 = off)
    examples: str = ""             # labelled written commands (file name in config/ or a path; "" = none)
    judge: str = ""                # fitted judge (speech/judge.py; file in config/ or a path); "" = the two thresholds
    check_enabled: bool = True
    check_attempts: int = 3
    check_repeat_above: int | None = 4   # counts above this are generated one repetition at a time (None: never)
    check_fill_durations: bool = True    # a duration of a movement (not a held pose): clips of its own length
    check_retime_holds: bool = True      # a duration of a held pose: the hold of a clip of its own length retimed
    check_retime_speed: bool = True      # "quickly" / "slowly": a clip without the speed word, played faster / slower
    cannot: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self):
        if not -1 <= self.min_similarity <= 1:
            raise ConfigError(f"language config: gate.min_similarity must be in [-1, 1], got {self.min_similarity}")
        if not -2 <= self.min_margin <= 2:
            raise ConfigError(f"language config: gate.min_margin must be in [-2, 2], got {self.min_margin}")
        if not isinstance(self.wordnet_senses, int) or not 0 <= self.wordnet_senses <= 10:
            raise ConfigError(f"language config: gate.wordnet_senses must be an integer in [0, 10], got {self.wordnet_senses!r}")
        if not isinstance(self.max_seconds, (int, float)) or not 0 < self.max_seconds <= 600:
            raise ConfigError(f"language config: gate.max_seconds must be in (0, 600] s, got {self.max_seconds!r}")
        if not isinstance(self.max_total_seconds, (int, float)) or not self.max_seconds <= self.max_total_seconds <= 600:
            raise ConfigError(f"language config: gate.max_total_seconds must be in [max_seconds, 600] s, "
                              f"got {self.max_total_seconds!r}")
        for name in ("max_actions", "suggestions", "check_attempts", "max_repetitions"):
            v = getattr(self, name)
            if not isinstance(v, int) or not 1 <= v <= 20:
                raise ConfigError(f"language config: {name} must be an integer in [1, 20], got {v!r}")
        r = self.check_repeat_above
        if r is not None and (not isinstance(r, int) or not 1 <= r <= 20):
            raise ConfigError(f"language config: check.repeat_above must be null or an integer in [1, 20], got {r!r}")
        for name in ("check_fill_durations", "check_retime_holds", "check_retime_speed"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"language config: check.{name[6:]} must be true or false, got {getattr(self, name)!r}")
        unknown = sorted(set(self.cannot) - set(WHY))
        if unknown:
            raise ConfigError(f"language config: unknown 'cannot' kind(s) {unknown}; valid: {sorted(k for k in WHY if k)}")


def load_language_config(path: str | Path | None = None) -> LanguageConfig:
    path = config_path(path, "language.yaml")
    raw = read_yaml_mapping(path, "language config", {"gate", "check", "cannot"})
    gate, check, cannot = raw.get("gate") or {}, raw.get("check") or {}, raw.get("cannot") or {}
    gate_keys = {"min_similarity", "min_margin", "max_actions", "max_seconds", "max_total_seconds", "max_repetitions",
                 "suggestions", "wordnet_senses", "examples", "judge"}
    for name, sect, keys in (("gate", gate, gate_keys), ("check", check, {"enabled", "attempts", "repeat_above", "fill_durations",
                                                                          "retime_holds", "retime_speed"})):
        if not isinstance(sect, dict) or set(sect) - keys:
            raise ConfigError(f"{path}: field {name!r} must be a mapping of {sorted(keys)}")
    if not isinstance(cannot, dict) or not all(isinstance(v, list) and all(isinstance(p, str) for p in v)
                                              for v in cannot.values()):
        raise ConfigError(f"{path}: field 'cannot' must map each kind to a list of phrases")
    return LanguageConfig(**gate, check_enabled=bool(check.get("enabled", True)),
                          check_attempts=check.get("attempts", 3), check_repeat_above=check.get("repeat_above", 4),
                          check_fill_durations=check.get("fill_durations", True),
                          check_retime_holds=check.get("retime_holds", True),
                          check_retime_speed=check.get("retime_speed", True),
                          cannot={k: tuple(v) for k, v in cannot.items()})


@dataclass(frozen=True)
class GateExample:
    """One labelled written command: what it asks for in order (``can``) or the kind of refusal it needs."""

    text: str
    can: bool
    actions: tuple[str, ...] = ()   # capability names, one per clause (can-do lines)
    kind: str = ""                  # WHY kind (cannot lines)


def load_gate_examples(path: str | Path = "gate_examples.tsv") -> list[GateExample]:
    """Rows ``text<TAB>do|cannot<TAB>capabilities (comma-joined) | kind`` after a header line; ``#`` comments.
    A relative ``path`` names a file in config/ (as ``gate.examples`` does)."""
    from humanoid_lmm.text.catalogue import capability_catalogue

    path = Path(path) if Path(path).is_absolute() else config_path(None, str(path))
    names, out = set(capability_catalogue().by_name), []
    if not path.is_file():
        raise ConfigError(f"gate examples: no file {path} (gate.examples in config/language.yaml)")
    lines = [ln for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")][1:]
    for n, ln in enumerate(lines, 2):
        cols = ln.split("\t")
        if len(cols) != 3 or cols[1] not in ("do", "cannot") or not cols[0].strip():
            raise ConfigError(f"{path}: row {n} must be 'text<TAB>do|cannot<TAB>detail', got {ln!r}")
        if cols[1] == "do":
            actions = tuple(a.strip() for a in cols[2].split(","))
            if not set(actions) <= names:
                raise ConfigError(f"{path}: row {n} names unknown capabilities {sorted(set(actions) - names)}")
            out.append(GateExample(cols[0], True, actions=actions))
        else:
            if cols[2] not in WHY:
                raise ConfigError(f"{path}: row {n} has unknown kind {cols[2]!r}; valid: {sorted(k for k in WHY if k)}")
            out.append(GateExample(cols[0], False, kind=cols[2]))
    return out


def _example_phrases(examples) -> dict[str, list[str]]:
    """Phrases by capability: each clause of a can-do line goes to its capability (lines whose clauses and
    capabilities do not pair up, even cut at "and" and commas, are left out). Cannot lines are not used as "cannot" phrases: a near copy
    of a caption ("kick with your middle leg") would then refuse the caption itself; they only calibrate."""
    from humanoid_lmm.text.slots import split_clauses, split_conjunctions

    do: dict[str, list[str]] = {}
    for e in examples:
        clauses = split_clauses(e.text) or [e.text]
        if len(clauses) < len(e.actions):   # "squat, jump and clap": the pieces of a listing clause
            clauses = [p for c in clauses for p in split_conjunctions(c)]
        if e.can and len(clauses) == len(e.actions):
            for c, a in zip(clauses, e.actions):
                do.setdefault(a, []).append(c)
    return do


@dataclass(frozen=True)
class AcceptedCommand:
    """A command the gate let through: what was said, the corpus caption the motion model gets, the
    requested duration [s] (None = the model decides), the capabilities in order, the weakest clause
    score, and each action's own caption and duration (for generating actions one by one)."""

    said: str
    caption: str
    duration_s: float | None
    capabilities: tuple[str, ...]
    score: float
    steps: tuple[tuple[str, float | None], ...] = ()   # (corpus caption, duration [s] or None) per action
    counts: tuple[int | None, ...] = ()   # repetitions asked for per action (None: not said)


class CommandGate:
    """``accept(text) -> AcceptedCommand`` or :class:`CommandRejected` (~10 ms on one CPU thread)."""

    def __init__(self, config: LanguageConfig | None = None, reader=None, examples: list[GateExample] | None = None):
        """``examples`` replaces the config's ``gate.examples`` file (bench/calibrate_gate.py leaves a fold out)."""
        from humanoid_lmm.text.understand import CommandReader

        self.config = config or load_language_config()
        if reader is None:
            if examples is None:
                examples = load_gate_examples(self.config.examples) if self.config.examples else []
            reader = CommandReader(anchors={k: list(v) for k, v in self.config.cannot.items()},
                                   wordnet_senses=self.config.wordnet_senses, examples=_example_phrases(examples))
        self.reader = reader
        self.judge = None
        if self.config.judge:
            from humanoid_lmm.speech.judge import GateJudge

            self.judge = GateJudge.load(config_path(None, self.config.judge) if not Path(self.config.judge).is_absolute()
                                        else self.config.judge)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "CommandGate":
        """The process-wide gate for a language config (default config/language.yaml); built once (~1 s)."""
        return _cached_gate(str(config_path(path, "language.yaml")))

    def clause_ok(self, clause) -> bool:
        c = self.config
        return clause.score >= c.min_similarity and clause.score - clause.negative >= c.min_margin

    def refused_clauses(self, reading) -> list:
        """The clauses that make the gate refuse (empty: accepted). With a judge, the whole reading is judged
        and a refusal names its weakest clause; whatever the judge says, a clause nearer to a "cannot" phrase
        than to every capability is refused. Without one, each clause must pass the two thresholds."""
        if self.judge is None:
            return [cl for cl in reading.clauses if not self.clause_ok(cl)]
        from humanoid_lmm.speech.judge import reading_features

        closer = [cl for cl in reading.clauses if cl.score < cl.negative]
        if closer:
            return closer
        if self.judge.accepts(reading_features(reading, self.reader.capability_words)):
            return []
        return list(reading.clauses)

    def accept(self, text: str) -> AcceptedCommand:
        reading = self.reader.read(text)
        c = self.config
        if len(reading.capabilities) > c.max_actions:
            raise CommandRejected(f"{text!r} chains {len(reading.capabilities)} actions; at most {c.max_actions} "
                                  "can be done in one command", "too_many_actions")
        long = [cl for cl in reading.clauses if (cl.slots.duration_s or 0) > c.max_seconds
                and (self.reader.catalogue[cl.capability].holds or cl.slots.duration_s > c.max_total_seconds)]
        if long:   # a held pose cannot be joined from shorter holds; a repeated movement can (lmm/refusal.py)
            cl = long[0]
            most = c.max_seconds if self.reader.catalogue[cl.capability].holds else c.max_total_seconds
            raise CommandRejected(f"{text!r} asks for {cl.slots.duration_s:g} s of one movement; at most "
                                  f"{most:g} s can be done at a time", "duration_too_long",
                                  suggestions=(cl.caption.split(" for ")[0],))
        bad = self.refused_clauses(reading)
        if bad:
            cl = min(bad, key=lambda x: x.score - max(x.negative, c.min_similarity))
            decisive = cl.negative >= _KIND_SIMILARITY
            kind = cl.negative_kind if decisive else ""
            caps = self.reader.catalogue
            suggestions = tuple(dict.fromkeys(caps[n].caption() for n, _ in cl.ranking))[: c.suggestions]
            part = f" (the part {cl.text!r})" if len(reading.clauses) > 1 else ""
            raise CommandRejected(
                f"I can't do {text!r}{part}: {WHY.get(kind, WHY[''])}. Closest things I can do: "
                + ", ".join(repr(s) for s in suggestions), "unsafe" if kind == "unsafe" else "out_of_scope",
                suggestions=suggestions, kind=kind)
        many = [cl for cl in reading.clauses if (cl.slots.count or 0) > c.max_repetitions]
        if many:
            raise CommandRejected(f"{text!r} asks for {many[0].slots.count} repetitions of one movement; at most "
                                  f"{c.max_repetitions} can be done in one command", "too_many_actions",
                                  suggestions=(self.reader.catalogue[many[0].capability].caption(c.max_repetitions),))
        return AcceptedCommand(text, reading.caption, reading.duration_s, reading.capabilities,
                               min(cl.score for cl in reading.clauses), reading.steps, reading.counts)


@lru_cache(maxsize=4)
def _cached_gate(path: str) -> CommandGate:
    return CommandGate(load_language_config(path))
