"""The trigram command model: a valid ARPA file, and spoken paraphrases outside the old phrase list are heard."""

import math
import shutil
import subprocess

import pytest

from humanoid_lmm.speech import CommandRecognizer, load_speech_config
from humanoid_lmm.speech.ngram import command_sentences, write_arpa

CFG = load_speech_config()


def test_arpa_file_is_consistent(tmp_path):
    path = write_arpa(["wave your hand", "wave your hand twice", "squat then jump", "jump"], tmp_path / "t.lm")
    text = path.read_text().split("\n")
    counts = {int(ln.split()[1].split("=")[0]): int(ln.split("=")[1]) for ln in text if ln.startswith("ngram ")}
    sections, cur = {}, None
    for ln in text:
        if ln.endswith("-grams:"):
            cur = int(ln[1]); sections[cur] = []
        elif cur and ln.strip() and not ln.startswith("\\"):
            sections[cur].append(ln.split("\t"))
        elif ln.startswith("\\end"):
            cur = None
    assert {n: len(v) for n, v in sections.items()} == counts
    unigram_mass = sum(10 ** float(p) for p, w, *_ in sections[1] if w != "<s>")
    assert math.isclose(unigram_mass, 1.0, rel_tol=1e-3)
    assert all(len(g[1].split()) == 3 for g in sections[3])


def test_sentences_cover_counts_politeness_and_chains():
    s = command_sentences(CFG, n=3000)
    joined = "\n".join(s)
    for piece in (" then ", "could you", "three times", "twice", "for me"):
        assert piece in joined


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_spoken_paraphrases_are_understood(tmp_path):
    from humanoid_lmm.speech.gate import CommandGate

    gate = CommandGate.load()
    rec = CommandRecognizer(CFG)
    said = ["do three squats", "hop up then clap for me", "could you raise both arms", "bow to me",
            "take two steps to the left", "wave your right hand please"]
    ok = 0
    for i, text in enumerate(said):
        wav = tmp_path / f"{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(wav), text], check=True)
        heard = rec.transcribe_wav(wav)
        try:
            ok += gate.accept(heard).capabilities == gate.accept(text).capabilities
        except Exception:
            pass
    assert ok >= 4, ok
