"""What the demo writes after a run: the HTML validation report and a video of the simulated execution.

    from humanoid_lmm.sim.artifacts import write_execution_artifacts
    video, report = write_execution_artifacts(plan, "out", motion=motion, title="wave your right hand")

`plan` is the ExecutionPlan as the validator published it (possibly repaired): it is executed again by the
robot-side controllers on the simulation model (`sim.logged_validation.validate_with_log`), and the report and
video show that run - the simulated execution, not a kinematic replay.
"""

from __future__ import annotations

from pathlib import Path

from humanoid_lmm.execution import ExecutionPlan

__all__ = ["write_execution_artifacts"]


def write_execution_artifacts(plan: ExecutionPlan, out_dir: str | Path, motion=None, title: str = "",
                              video_name: str = "execution.mp4", report_name: str = "report.html",
                              width: int = 640, height: int = 480, fps: float = 25.0, transport: str = "lowcmd"):
    """Execute the plan in simulation, write `<out_dir>/report.html` and `<out_dir>/execution.mp4` (>= 640x480,
    the human skeleton beside the robot when `motion` is given). Returns (video path, report path)."""
    from humanoid_lmm.sim.execution_video import render_execution_video
    from humanoid_lmm.sim.html_report import write_html_report
    from humanoid_lmm.sim.logged_validation import validate_with_log

    lv = validate_with_log(plan, transport=transport)
    out_dir = Path(out_dir)
    report = write_html_report(out_dir / report_name, lv.report, lv.log, title=title)
    video = render_execution_video(lv.log, out_dir / video_name, motion=motion, width=width, height=height,
                                   fps=fps, verdict=lv.report.verdict, title=title)
    return video, report
