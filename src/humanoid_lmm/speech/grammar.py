"""A JSGF grammar of the command vocabulary, so pocketsphinx only hears commands the robot knows.

The grammar is built from what the robot can do, not from a short phrase list: every phrase of the
capability catalogue (the corpus captions of the 42 primitives and their thesaurus variants,
:mod:`humanoid_lmm.text.catalogue`), the configured ``phrases``, and around them the words people add:
politeness and indirect requests, addressees, counts, speeds, durations, and "then" between up to three
actions. What is heard goes through the same semantic gate as typed text.

    public <command> = [<lead>] <clause> [<join> <clause> [<join> <clause>]] [<tail>];
    <clause> = <action> [<modifier>];
"""

from __future__ import annotations

import re

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.speech.config import SpeechConfig

__all__ = ["command_grammar", "grammar_words", "grammar_phrases", "LEADS", "TAILS", "MODIFIERS", "JOINS"]

POLITE = ("please", "robot")
LEADS = ("please", "robot", "hey robot", "hey", "okay", "now", "so", "could you", "can you", "would you",
         "will you", "could you please", "can you please", "would you please", "would you mind", "please just",
         "i'd like you to", "i want you to", "i would like you to", "i need you to", "let me see you",
         "show me", "give me", "give us", "try to", "go ahead and", "how about a", "first", "and")
TAILS = ("please", "for me", "for us", "now", "thanks", "thank you", "again", "at me", "to me", "at everyone")
_NUMBERS = ("one", "two", "three", "four", "five", "six")
MODIFIERS = tuple(["once", "twice", "three times", "four times", "two times", "a couple of times", "a few times",
                   "slowly", "quickly", "fast", "a bit", "a little", "high", "up high", "in the air", "again"]
                  + [f"for {n} seconds" for n in _NUMBERS[1:]] + ["for one second", "for a few seconds"]
                  + [f"{n} times" for n in _NUMBERS[1:]] + ["at me", "to me", "for me", "please"])
JOINS = ("then", "and then", "after that", "and after that", "followed by")
_WORD = re.compile(r"^[a-z']+$")


def grammar_phrases(config: SpeechConfig) -> list[str]:
    """The action phrases: configured phrases + catalogue phrases with thesaurus variants, lower case."""
    from humanoid_lmm.text.catalogue import capability_catalogue

    from humanoid_lmm.text.catalogue import _neutral

    phrases = [_neutral(t) for cap in capability_catalogue() for t in cap.templates]   # imperative captions
    out = [" ".join(p.lower().replace("-", " ").replace(",", " ").split()) for p in (*config.phrases, *phrases)]
    out = [p for p in out if p and all(_WORD.match(w) for w in p.split())]
    return sorted(set(out))


def grammar_words(config: SpeechConfig) -> set[str]:
    words = set(POLITE)
    for phrase in (*grammar_phrases(config), *config.repetitions, *LEADS, *TAILS, *MODIFIERS, *JOINS):
        words.update(phrase.split())
    return words


def command_grammar(config: SpeechConfig, lookup=None) -> str:
    """JSGF text of the command language (see the module docstring).

    lookup: optional callable word -> pronunciation or None (pocketsphinx `Decoder.lookup_word`); phrases
    with words it does not know are left out of the grammar, and if a configured phrase is one of them a
    ConfigError lists the words (instead of a silent recognition failure).
    """
    phrases = grammar_phrases(config)
    if lookup is not None:
        missing = sorted(w for w in grammar_words(config) if not lookup(w))
        configured = {w for p in (*config.phrases, *config.repetitions) for w in p.split()}
        if set(missing) & configured:
            raise ConfigError(f"speech config: words not in the pronunciation dictionary: {sorted(set(missing) & configured)}")
        phrases = [p for p in phrases if not set(p.split()) & set(missing)]
    alt = lambda items: "\n    | ".join(sorted(set(items)))  # noqa: E731
    mods = (*MODIFIERS, *config.repetitions)
    lines = [
        "#JSGF V1.0;",
        "grammar commands;",
        "public <command> = [<lead>] <clause> [<join> <clause> [<join> <clause>]] [<tail>];",
        "<clause> = <action> [<modifier>];",
        f"<lead> = {alt(LEADS)};",
        f"<tail> = {alt(TAILS)};",
        f"<join> = {alt(JOINS)};",
        f"<modifier> = {alt(mods)};",
        f"<action> = {alt(phrases)};",
    ]
    return "\n".join(lines) + "\n"
