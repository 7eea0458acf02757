"""`write_html_report`: one self-contained HTML file (inline CSS, plots as embedded PNG) per validation.

    from humanoid_lmm.sim import run_validation
    from humanoid_lmm.sim.html_report import write_html_report
    v = run_validation(traj, log=True)
    write_html_report("report.html", v.report, v.dynamics.log, title="wave your right hand")

Sections: the verdict with its reasons (every failed check), the execution (controller, mode, assist),
joint tracking per joint group, torques against limits, centre of mass and support polygon, foot contacts
over time, clip events, metrics. Without a log (kinematic-only validation) only the text sections appear.
"""

from __future__ import annotations

import base64
import datetime
import html
from pathlib import Path

from humanoid_lmm.sim import report_plots as plots
from humanoid_lmm.sim.execution_log import ExecutionLog
from humanoid_lmm.sim.report import ValidationReport

__all__ = ["PLOT_IDS", "render_html_report", "write_html_report"]

PLOT_IDS = ("tracking", "torques", "com-support", "contacts", "events")  # <figure id="plot-..."> in the page
MAX_EVENT_ROWS = 200

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1100px;color:#222}
h1{font-size:1.5em;margin-bottom:4px} h2{font-size:1.15em;margin-top:28px;border-bottom:1px solid #ddd}
.verdict{display:inline-block;padding:6px 14px;border-radius:6px;font-weight:700;color:#fff;font-size:1.2em}
.pass{background:#2e7d32} .fail{background:#c62828}
table{border-collapse:collapse;font-size:.85em;margin:8px 0} td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
th{background:#f5f5f5} figure{margin:8px 0} figure img{max-width:100%;border:1px solid #eee}
.meta td:first-child{font-weight:600;background:#fafafa} .dim{color:#777}
"""


def _e(x) -> str:
    return html.escape(str(x))


def _table(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _figure_html(plot_id: str, fig, caption: str) -> str:
    data = base64.b64encode(plots.figure_png(fig)).decode("ascii")
    return (f'<figure class="plot" id="plot-{plot_id}"><img alt="{_e(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption class=\"dim\">{_e(caption)}</figcaption></figure>")


def _verdict_html(report: ValidationReport) -> str:
    cls = "pass" if report.passed else "fail"
    parts = [f'<p><span class="verdict {cls}" id="verdict">{report.verdict.upper()}</span> '
             f"{_e(report.robot)}, {_e(report.mode)} mode, {report.frames} frames, {report.duration_s:.2f} s</p>"]
    if report.failures:
        parts.append("<p>Reasons (every failed check):</p>")
        parts.append(_table(["check", "joint / body", "t [s]", "value", "limit", "count", "message"], [
            [f.check, f.joint or "", "" if f.time_s is None else f"{f.time_s:.2f}", f"{f.value:.4g}", f"{f.limit:.4g}",
             f.count, f.message] for f in report.failures]))
    else:
        parts.append(f"<p>Every check passed: {_e(', '.join(report.checks_run))}.</p>")
    if report.repairs:
        parts.append("<p>Repairs applied, in order:</p><ul>" + "".join(f"<li>{_e(r)}</li>" for r in report.repairs) + "</ul>")
    return "\n".join(parts)


def _execution_html(report: ValidationReport, log: ExecutionLog | None) -> str:
    rows = [["robot", report.robot], ["mode", report.mode]]
    if log is None or log.assist != report.balance:
        rows.append(["balance / stand strategy", report.balance or "-"])
    if log is not None:
        rows += [["controller", log.controller], ["assist", log.assist],
                 ["steps", f"{log.n_steps} at {1.0 / log.dt if log.dt else 0:.0f} Hz, t = {log.times[0]:.2f} .. {log.times[-1]:.2f} s"]]
    body = "".join(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td></tr>" for a, b in rows)
    return f'<table class="meta">{body}</table>'


def render_html_report(report: ValidationReport, log: ExecutionLog | None = None, title: str = "") -> str:
    """The report page as an HTML string (see the module docstring)."""
    heading = f"Validation report: {title}" if title else "Validation report"
    out = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(heading)}</title>",
           f"<style>{_CSS}</style></head><body>", f"<h1>{_e(heading)}</h1>",
           f'<p class="dim">humanoid_lmm, written {datetime.datetime.now().isoformat(timespec="seconds")}</p>',
           "<h2>Verdict</h2>", _verdict_html(report), "<h2>Execution</h2>", _execution_html(report, log)]
    if log is not None and log.n_steps > 1:
        marks = sorted({f.time_s for f in report.failures if f.time_s is not None})
        out += ["<h2>Joint tracking per joint group</h2>",
                _figure_html("tracking", plots.tracking_figure(log, marks), "measured vs reference joint angles; dotted red: failed checks"),
                "<h2>Torques against limits</h2>",
                _figure_html("torques", plots.torque_figure(log), "|tau| / tau_max per joint; red line = the limit"),
                "<h2>Centre of mass and support polygon</h2>",
                _figure_html("com-support", plots.com_support_figure(log), "CoM ground track, support polygons, CoM margin"),
                "<h2>Foot contacts over time</h2>",
                _figure_html("contacts", plots.contacts_figure(log), "foot-floor contact per foot"),
                "<h2>Clip events</h2>",
                _figure_html("events", plots.events_figure(log, report.failures), "clip / safety events and failed checks")]
        ev = log.events[:MAX_EVENT_ROWS]
        more = f" (first {MAX_EVENT_ROWS} of {len(log.events)})" if len(log.events) > MAX_EVENT_ROWS else ""
        out.append(f"<p>{len(log.events)} events{more}.</p>" + (_table(["t [s]", "kind", "joint", "message"],
                   [[f"{e.time_s:.2f}", e.kind, e.joint, e.message] for e in ev]) if ev else ""))
    out += ["<h2>Metrics</h2>", _table(["metric", "value"], [[k, f"{v:.4g}"] for k, v in sorted(report.metrics.items())]),
            "</body></html>"]
    return "\n".join(out)


def write_html_report(path: str | Path, report: ValidationReport, log: ExecutionLog | None = None, title: str = "") -> Path:
    """Write the self-contained HTML report to `path` (folders created) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html_report(report, log, title), encoding="utf-8")
    return path
