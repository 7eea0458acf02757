"""Behaviour table: generate each command with several seeds and check the named behaviour kinematically.

    python -m humanoid_lmm.lmm.evaluate --model models/lmm --seeds 5      # prints a markdown table
    python -m humanoid_lmm.lmm.evaluate --seeds 20 --first-seed 5         # seeds the tests never use
    python -m humanoid_lmm.lmm.evaluate --seeds 100 --commands "squat twice,clap twice"
"""
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

from humanoid_lmm.errors import GenerationError
from humanoid_lmm.eval.behaviour import PRIMITIVE_CHECK, check_behaviour
from humanoid_lmm.progress import add_progress_args, log_to_file, progress_bar

__all__ = ["BEHAVIOUR_COMMANDS", "PRIMITIVE_OF_CHECK", "BehaviourRow", "behaviour_table", "round_trip_table",
           "format_table", "select_commands"]

# behaviour check -> procedural corpus primitive showing it (for the tokenizer round-trip reference)
PRIMITIVE_OF_CHECK = {check: prim for prim, check in PRIMITIVE_CHECK.items()}

# (command, behaviour check, repetitions or None): spans the procedural corpus' primitives
BEHAVIOUR_COMMANDS: tuple[tuple[str, str, int | None], ...] = (
    ("wave your right hand", "wave_right", None),
    ("wave with your left hand", "wave_left", None),
    ("raise your right arm", "raise_right_arm", None),
    ("raise your left arm", "raise_left_arm", None),
    ("raise both arms", "raise_both_arms", None),
    ("squat", "squat", None),
    ("squat twice", "squat", 2),
    ("bow", "bow", None),
    ("jump", "jump", None),
    ("turn left", "turn_left", None),
    ("turn right", "turn_right", None),
    ("kick with the left leg", "kick_left", None),
    ("kick with your right leg", "kick_right", None),
    ("clap your hands", "clap", None),
    ("clap twice", "clap", 2),
    ("punch with your right hand", "punch_right", None),
    ("step to the left", "step_left", None),
    ("step to the right", "step_right", None),
    ("walk forward", "walk_forward", None),
    ("step backward", "walk_backward", None),
)


@dataclass
class BehaviourRow:
    command: str
    behaviour: str
    passed: int
    total: int
    failures: list[str]
    seconds: float       # mean generated motion length [s]

    @property
    def rate(self) -> float:
        return self.passed / max(self.total, 1)


def behaviour_table(generator, seeds=range(5), commands=BEHAVIOUR_COMMANDS, progress: bool = False) -> list[BehaviourRow]:
    """Generate every command with every seed; a GenerationError counts as a failure."""
    rows = []
    for text, name, reps in progress_bar(commands, desc="evaluate", unit="command", enabled=progress):
        ok, fails, secs = 0, [], []
        for seed in seeds:
            try:
                motion = generator.generate(text, seed=seed)
            except GenerationError as exc:
                fails.append(f"seed {seed}: {exc}")
                continue
            secs.append(motion.duration_s)
            res = check_behaviour(name, motion, reps)
            ok += res.passed
            if not res.passed:
                fails.append(f"seed {seed}: {res.detail}")
        rows.append(BehaviourRow(text, name + (f" x{reps}" if reps else ""), ok, len(list(seeds)), fails,
                                 sum(secs) / max(len(secs), 1)))
    return rows


def round_trip_table(motion_tokenizer, n: int = 5, commands=BEHAVIOUR_COMMANDS, seed: int = 0,
                     progress: bool = False) -> list[BehaviourRow]:
    """Upper bound for the LMM: the same checks on tokenizer round trips of ground-truth corpus clips
    (``n`` random parameter draws of the primitive each command names; repetitions set when given)."""
    import numpy as np

    from humanoid_lmm.motion.synth import PRIMITIVES, build_clip

    rows, rng = [], np.random.default_rng(seed)
    for text, name, reps in progress_bar(commands, desc="round trip", unit="command", enabled=progress):
        prim = PRIMITIVES[PRIMITIVE_OF_CHECK[name]]
        ok, fails, secs = 0, [], []
        for i in range(n):
            params = prim.sample(rng)
            if reps:
                params["reps"] = reps
            clip = build_clip([(prim, params)])
            rec = motion_tokenizer.decode(motion_tokenizer.encode(clip))
            res = check_behaviour(name, rec, reps)
            ok += res.passed
            secs.append(rec.duration_s)
            if not res.passed:
                fails.append(f"draw {i}: {res.detail}")
        rows.append(BehaviourRow(text, name + (f" x{reps}" if reps else ""), ok, n, fails, sum(secs) / n))
    return rows


def primitive_commands() -> tuple[tuple[str, str, int | None], ...]:
    """One row per corpus primitive: its plain corpus caption and its own check (42 rows; a development
    table that covers behaviours the 20 commands do not, such as nods, shrugs and lunges)."""
    from humanoid_lmm.eval.behaviour import PRIMITIVE_CHECK
    from humanoid_lmm.text.catalogue import capability_catalogue

    cat = capability_catalogue()
    return tuple((cat[n].caption(), PRIMITIVE_CHECK[n], None) for n in sorted(PRIMITIVE_CHECK))


def select_commands(names: str | None) -> tuple[tuple[str, str, int | None], ...]:
    """Rows of BEHAVIOUR_COMMANDS named in a comma-separated list (None or "" = all); unknown names raise."""
    if not names:
        return BEHAVIOUR_COMMANDS
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    known = {c[0]: c for c in BEHAVIOUR_COMMANDS}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise ValueError(f"unknown command(s) {unknown}; known: {sorted(known)}")
    return tuple(known[n] for n in wanted)


def format_table(rows: list[BehaviourRow]) -> str:
    lines = ["| command | check | passed | rate | mean length [s] |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.command} | {r.behaviour} | {r.passed}/{r.total} | {r.rate:.0%} | {r.seconds:.1f} |")
    tot = sum(r.passed for r in rows), sum(r.total for r in rows)
    lines.append(f"| **all** | | {tot[0]}/{tot[1]} | {tot[0] / max(tot[1], 1):.0%} | |")
    return "\n".join(lines)


def main(argv=None) -> int:
    import torch

    from humanoid_lmm.lmm.generation import MotionGenerator

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=0,
                    help="seeds first-seed .. first-seed + seeds - 1 (the tests use 0-4; others are held out)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--temperature", type=float, default=None)
    ap.add_argument("--top-k", type=int, default=None)
    ap.add_argument("--top-p", type=float, default=None)
    ap.add_argument("--round-trip", action="store_true",
                    help="check tokenizer round trips of ground-truth clips instead (the LMM's upper bound)")
    ap.add_argument("--motion-tokenizer", default=None,
                    help="with --round-trip: this MotionBook checkpoint instead of the LMM's bundled one")
    ap.add_argument("--commands", default=None,
                    help="comma-separated subset of the table's commands (default: all 20)")
    ap.add_argument("--primitives", action="store_true",
                    help="every corpus primitive's own caption instead of the 20 commands (42 rows)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the failures")
    add_progress_args(ap)
    args = ap.parse_args(argv)
    log_to_file(args.log_file)
    try:
        commands = primitive_commands() if args.primitives else select_commands(args.commands)
    except ValueError as exc:
        ap.error(f"--commands: {exc}")
    torch.set_num_threads(args.threads)
    from humanoid_lmm.lmm.configuration_lmm import SamplingConfig

    d = SamplingConfig()
    sampling = SamplingConfig(temperature=d.temperature if args.temperature is None else args.temperature,
                              top_k=d.top_k if args.top_k is None else args.top_k,
                              top_p=d.top_p if args.top_p is None else args.top_p)
    print(f"sampling: temperature={sampling.temperature} top_k={sampling.top_k} top_p={sampling.top_p}")
    t0 = time.time()
    if args.round_trip and args.motion_tokenizer:
        from humanoid_lmm.tokenizer import load_motion_tokenizer

        rows = round_trip_table(load_motion_tokenizer(args.motion_tokenizer, device=args.device), args.seeds,
                                commands, progress=not args.no_progress)
    else:
        gen = MotionGenerator.from_pretrained(args.model, device=args.device, sampling=sampling)
        rows = (round_trip_table(gen.lmm.motion_tokenizer, args.seeds, commands, progress=not args.no_progress)
                if args.round_trip else behaviour_table(gen, range(args.first_seed, args.first_seed + args.seeds), commands,
                                                        progress=not args.no_progress))
    print(format_table(rows))
    print(f"\n{len(rows)} commands x {args.seeds} seeds in {time.time() - t0:.1f} s")
    if args.verbose:
        for r in rows:
            for f in r.failures:
                print(f"FAIL {r.command}: {f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
