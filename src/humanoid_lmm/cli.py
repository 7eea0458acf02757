"""`humanoid-lmm`: one command, one sub-command per job (see `humanoid-lmm -h`).

Examples:
  humanoid-lmm robots g1                        # robot facts + model check
  humanoid-lmm data synth --n 2000 -o data/corpus
  humanoid-lmm generate "wave your right hand" -o wave.npz
  humanoid-lmm retarget wave.npz --robot g1 -o wave_g1.npz --report
  humanoid-lmm validate wave_g1.npz --robot g1 --video wave.mp4
  humanoid-lmm preview "wave your right hand"     # 3D plan preview in the browser
  humanoid-lmm up --robot g1 --sim              # the ROS 2 graph without ros2 launch
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from humanoid_lmm import __version__
from humanoid_lmm.errors import HumanoidLMMError

# Each stage contributes its sub-commands through `register(subparsers)` in its own cli module.
STAGE_CLIS = [
    "humanoid_lmm.robots.cli",
    "humanoid_lmm.motion.cli",
    "humanoid_lmm.tokenizer.cli",
    "humanoid_lmm.lmm.cli",
    "humanoid_lmm.eval.cli",
    "humanoid_lmm.retarget.cli",
    "humanoid_lmm.sim.cli",
    "humanoid_lmm.sim.batch",
    "humanoid_lmm.preview.cli",
    "humanoid_lmm.control.cli",
    "humanoid_lmm.speech.cli",
    "humanoid_lmm.ros.cli",
    "humanoid_lmm.ros.demo",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="humanoid-lmm", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"humanoid_lmm {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in STAGE_CLIS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:  # that stage is not part of this build
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except HumanoidLMMError as e:
        print(f"humanoid-lmm {args.command}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
