"""Speech accuracy on espeak-ng audio of held-out paraphrases, two voices, two recogniser language models.

For a fixed sample of the held-out paraphrases (every 4th line, typo lines left out: typos are not
spoken) each voice speaks the line (espeak-ng, 16 kHz after resampling); pocketsphinx decodes it with
the trigram command model (`language_model: ngram`, default) and with the JSGF phrase grammar. Scored:
"exact" = same words as the text; "understood" = the gate accepts the transcript and reads the same
capabilities, in order, as from the typed text (what matters to the robot).

    .venv/bin/python bench/bench_speech.py
    .venv/bin/python bench/bench_speech.py --every 2 --voices en-us,en-gb,en-us+f3
    .venv/bin/python bench/bench_speech.py --set b --models ngram   # the blind held-out set
"""
from __future__ import annotations

import argparse
import dataclasses
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def main(argv=None) -> int:
    from humanoid_lmm.errors import CommandRejected
    from humanoid_lmm.lmm.paraphrase_eval import load_paraphrases
    from humanoid_lmm.speech import CommandRecognizer, load_speech_config, normalize_command
    from humanoid_lmm.speech.gate import CommandGate

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--every", type=int, default=4)
    ap.add_argument("--voices", default="en-us,en-gb")
    ap.add_argument("--models", default="ngram,grammar")
    ap.add_argument("--set", choices=("a", "b"), default="a", dest="held_out", help="held-out set (paraphrase_eval --set)")
    args = ap.parse_args(argv)
    if shutil.which("espeak-ng") is None:
        raise SystemExit("espeak-ng is not installed")
    gate = CommandGate.load()
    sample = [p.text for p in load_paraphrases(held_out=args.held_out) if p.register != "typo"][:: args.every]

    def reading(text):
        try:
            return gate.accept(normalize_command(text)).capabilities
        except CommandRejected:
            return None

    wanted = [reading(t) for t in sample]
    voices, models = args.voices.split(","), args.models.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        wavs = {}
        for v in voices:
            for i, t in enumerate(sample):
                wavs[v, i] = Path(tmp) / f"{v}-{i}.wav"
                subprocess.run(["espeak-ng", "-v", v, "-w", str(wavs[v, i]), t], check=True, capture_output=True)
        print(f"{len(sample)} held-out paraphrases x {len(voices)} voices\n")
        print("| language model | voice | exact | understood | ms / utterance |\n|---|---|---|---|---|")
        summary = {}
        for m in models:
            rec = CommandRecognizer(dataclasses.replace(load_speech_config(), language_model=m))
            for v in voices:
                exact = understood = 0
                t0 = time.perf_counter()
                for i, t in enumerate(sample):
                    heard = rec.transcribe_wav(wavs[v, i])
                    exact += heard == normalize_command(t)
                    understood += wanted[i] is not None and heard != "" and reading(heard) == wanted[i]
                ms = (time.perf_counter() - t0) * 1e3 / len(sample)
                n = len(sample)
                summary.setdefault(m, []).append(understood / n)
                print(f"| {m} | {v} | {exact}/{n} ({exact / n:.0%}) | {understood}/{n} ({understood / n:.0%}) | {ms:.0f} |")
    best = max(summary, key=lambda k: sum(summary[k]))
    print(f"\nspeech: {best} understood {min(summary[best]):.0%}-{max(summary[best]):.0%} of {len(sample)} "
          f"spoken paraphrases over voices {', '.join(voices)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
