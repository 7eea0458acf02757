"""A JSGF grammar of the command vocabulary, so pocketsphinx only hears commands the robot knows."""

from __future__ import annotations

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.speech.config import SpeechConfig

__all__ = ["command_grammar", "grammar_words"]

POLITE = ("please", "robot")


def grammar_words(config: SpeechConfig) -> set[str]:
    words = set(POLITE)
    for phrase in (*config.phrases, *config.repetitions):
        words.update(phrase.split())
    return words


def command_grammar(config: SpeechConfig, lookup=None) -> str:
    """JSGF text: `[please|robot] <phrase> [<repetition>]`.

    lookup: optional callable word -> pronunciation or None (pocketsphinx `Decoder.lookup_word`); words it
    does not know make a ConfigError that lists them, instead of a silent recognition failure.
    """
    if lookup is not None:
        missing = sorted(w for w in grammar_words(config) if not lookup(w))
        if missing:
            raise ConfigError(f"speech config: words not in the pronunciation dictionary: {missing}")
    alternatives = "\n    | ".join(sorted(set(config.phrases)))
    lines = [
        "#JSGF V1.0;",
        "grammar commands;",
        "public <command> = [<polite>] <action> [<repetition>];",
        f"<polite> = {' | '.join(POLITE)};",
        f"<action> = {alternatives};",
    ]
    if config.repetitions:
        lines.append(f"<repetition> = {' | '.join(config.repetitions)};")
    else:
        lines[2] = "public <command> = [<polite>] <action>;"
    return "\n".join(lines) + "\n"
