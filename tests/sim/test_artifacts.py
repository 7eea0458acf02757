"""The demo's artifacts: the validated plan executed again in simulation, reported and filmed."""

import pytest

from humanoid_lmm.sim.artifacts import write_execution_artifacts


@pytest.mark.slow
def test_demo_artifacts_video_and_report(g1, sample, plan_of, tmp_path):
    import imageio.v2 as imageio

    plan = plan_of(sample("wave", g1))  # the known-good 3 s wave
    video, report = write_execution_artifacts(plan, tmp_path, title="wave", fps=5)
    frames = imageio.mimread(video, memtest=False)
    assert frames[0].shape == (480, 640, 3) and len(frames) >= 5
    text = report.read_text()
    assert 'class="verdict pass"' in text and "upper_body" in text and "g1_loco_ppo" in text
