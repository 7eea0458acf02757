"""The shared progress helper: counts and logs progress + ETA to a file, with or without the bar."""

import argparse
import logging
import time

import pytest

from humanoid_lmm.progress import add_progress_args, log_to_file, progress_bar


@pytest.fixture
def log_file(tmp_path):
    path = tmp_path / "logs" / "job.log"
    handler = log_to_file(path)
    yield path
    logging.getLogger("humanoid_lmm").removeHandler(handler)
    handler.close()


@pytest.mark.parametrize("enabled", [True, False])
def test_bar_logs_progress_and_eta_to_the_file(log_file, enabled, capsys):
    for _ in progress_bar(range(20), desc="synth", unit="clip", enabled=enabled, log_every_s=0.0):
        time.sleep(0.002)
    text = log_file.read_text()
    assert "synth: 20/20 (100%)" in text and "ETA 0:00:00" in text and "(done)" in text
    assert "ETA" in text.splitlines()[0]
    err = capsys.readouterr().err
    assert ("20/20" in err) is enabled  # --no-progress: nothing on the terminal


def test_manual_updates_with_resume_offset(log_file):
    bar = progress_bar(total=100, initial=40, desc="train", enabled=False, log_every_s=0.0)
    for _ in range(10):
        bar.update(1)
    bar.close()
    last = log_file.read_text().splitlines()[-1]
    assert "train: 50/100 (50%)" in last and "ETA" in last and "(done)" not in last


def test_cli_arguments_and_no_duplicate_handlers(tmp_path):
    p = argparse.ArgumentParser()
    add_progress_args(p)
    args = p.parse_args(["--no-progress", "--log-file", str(tmp_path / "a.log")])
    assert args.no_progress and args.log_file.name == "a.log"
    q = argparse.ArgumentParser()
    q.add_argument("--no-progress", action="store_true")
    add_progress_args(q, no_progress=False)  # parsers that already have --no-progress
    assert q.parse_args([]).log_file is None
    h1, h2 = log_to_file(tmp_path / "a.log"), log_to_file(tmp_path / "a.log")
    assert h1 is h2
    logging.getLogger("humanoid_lmm").removeHandler(h1)
    h1.close()
    assert log_to_file(None) is None
