"""validate-batch: every trajectory validated, summary + per-trajectory reports, progress in the log file."""

import json
import logging

from humanoid_lmm.cli import main


def test_batch_over_files_writes_reports_summary_and_log(g1, sample, tmp_path):
    folder = tmp_path / "traj"
    folder.mkdir()
    sample("wave", g1).save_npz(folder / "wave.npz")
    sample("over_limits", g1).save_npz(folder / "over.npz")
    logf = tmp_path / "batch.log"
    try:
        rc = main(["validate-batch", str(folder), "--report-dir", str(tmp_path / "rep"), "--json", str(tmp_path / "s.json"),
                   "--no-progress", "--log-file", str(logf)])
    finally:
        for h in list(logging.getLogger("humanoid_lmm").handlers):
            if isinstance(h, logging.FileHandler):
                logging.getLogger("humanoid_lmm").removeHandler(h)
                h.close()
    assert rc == 1  # one of them fails
    rows = {r["name"].split("/")[-1]: r for r in json.loads((tmp_path / "s.json").read_text())}
    assert rows["wave.npz"]["verdict"] == "pass" and rows["over.npz"]["verdict"] == "fail"
    assert "joint_position" in rows["over.npz"]["failed_checks"]
    assert (tmp_path / "rep" / "over.html").read_text().count('class="plot"') == 5
    text = logf.read_text()
    assert "validate: 2/2 (100%)" in text and "ETA" in text and "over.npz: fail" in text
