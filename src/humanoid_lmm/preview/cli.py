"""`humanoid-lmm preview`: see a plan in 3D before any robot does it (generate -> retarget -> validate, in-process).

Examples:
  humanoid-lmm preview "wave your right hand"                  # serves http://127.0.0.1:8080 until Ctrl-C
  humanoid-lmm preview "squat twice" --robot h1 --port 8081 --host 0.0.0.0
  humanoid-lmm preview "raise both arms" -o plan_g1.npz        # the Confirm button writes the plan
  humanoid-lmm preview "wave your right hand" --no-repair      # the raw plan, before slow-down / scaling
  humanoid-lmm preview "wave your right hand" --screenshot out/preview.png --report out/report.html
  humanoid-lmm replay out.mcap                                 # a recording instead (see humanoid-lmm replay -h)

The page shows the human motion, the retargeted plan and its simulated execution side by side, with a
timeline, play/pause, the mode and the verdict with its reasons.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

__all__ = ["register", "serve"]

log = logging.getLogger(__name__)


def serve(plan, host: str, port: int, screenshot: Path | None = None, on_confirm=None, on_reject=None) -> int:
    """Show `plan` on a PreviewServer; with `screenshot`, save one headless screenshot and return, else
    serve until Ctrl-C."""
    from humanoid_lmm.preview.scene import PreviewServer

    server = PreviewServer(host=host, port=port, on_confirm=on_confirm, on_reject=on_reject)
    try:
        server.show(plan)
        if screenshot is not None:
            from humanoid_lmm.preview.snapshot import snapshot

            server.set_time(min(plan.duration_s, 0.5 * plan.duration_s + 0.5))
            shown = {"human": plan.motion, "plan": plan.trajectory, "execution": plan.execution}
            _, counts = snapshot(server.url, screenshot, columns=[c for c, v in shown.items() if v is not None])
            print(f"wrote {screenshot} (pixels per column: {counts})")
            return 0
        print(f"preview of plan {plan.plan_id} ({plan.verdict or 'not validated'}): open {server.url}  (Ctrl-C ends)")
        while True:
            time.sleep(1.0)
    except KeyboardInterrupt:
        return 0
    finally:
        server.close()


def run(args: argparse.Namespace) -> int:
    from humanoid_lmm.preview.plan import plan_from_text

    plan, validation = plan_from_text(args.text, robot=args.robot, seed=args.seed, duration_s=args.duration,
                                      model_dir=args.model_dir, repair=args.repair)
    print(validation.report)
    if args.report:
        from humanoid_lmm.sim.html_report import write_html_report

        write_html_report(args.report, validation.report, plan.execution, title=args.text)
        print(f"wrote {args.report}")

    def confirm(plan_id: str) -> str:
        if args.output is None:
            return "confirmed (no -o given: nothing written)"
        if plan.verdict != "pass":
            return "refused: the plan failed validation"
        plan.trajectory.save_npz(args.output)
        return f"confirmed, written to {args.output}"

    return serve(plan, args.host, args.port, args.screenshot, on_confirm=confirm, on_reject=lambda _id: "rejected")


def register(subparsers) -> None:
    p = subparsers.add_parser("preview", help="3D browser preview of a text command's plan before execution",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("text", help="the command, e.g. 'wave your right hand'")
    p.add_argument("--robot", choices=["g1", "h1"], default="g1")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--duration", type=float, default=None, help="[s] motion length (default: the model decides)")
    p.add_argument("--model-dir", default=None, help="motion model directory (default: built-in)")
    p.add_argument("--no-repair", dest="repair", action="store_false",
                   help="preview the raw plan (default: validate_and_repair first, as the graph's validator does)")
    p.add_argument("--host", default="127.0.0.1", help="bind address (0.0.0.0: reachable from other machines)")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("-o", "--output", type=Path, help="the Confirm button writes the (passing) plan here (.npz)")
    p.add_argument("--report", type=Path, help="also write the HTML validation report")
    p.add_argument("--screenshot", type=Path, help="save a headless-Chromium screenshot of the page and exit")
    p.set_defaults(func=run)
