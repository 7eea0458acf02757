"""`humanoid-lmm listen`: recognise a spoken command from a WAV file or the microphone, offline."""

from __future__ import annotations

import argparse
import time


def run(args: argparse.Namespace) -> int:
    from humanoid_lmm.speech import CommandRecognizer, accept_command, load_speech_config, record_microphone

    cfg = load_speech_config(args.config)
    rec = CommandRecognizer(cfg)
    if args.wav:
        t = time.perf_counter()
        text = rec.transcribe_wav(args.wav)
    else:
        print(f"listening for {args.seconds:.0f} s ...")
        samples = record_microphone(args.seconds, cfg.sample_rate, args.device)
        t = time.perf_counter()
        text = rec.transcribe(samples)
    ms = (time.perf_counter() - t) * 1e3
    command = accept_command(text, cfg)  # raises CommandRejected (exit 1) on nothing heard
    print(f"{command}\t({ms:.0f} ms)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("listen", help="recognise a spoken command (WAV file or microphone), offline")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--wav", help="16-bit PCM WAV file (any rate; resampled)")
    src.add_argument("--mic", dest="seconds", type=float, help="record this many seconds from ALSA (arecord)")
    p.add_argument("--device", help="ALSA capture device, e.g. hw:1,0")
    p.add_argument("--config", help="speech config (default config/speech.yaml)")
    p.set_defaults(func=run)
