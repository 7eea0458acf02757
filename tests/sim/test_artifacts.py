"""The demo's artifacts: the validated (partial, upper-body) plan completed, simulated, reported and filmed."""

import numpy as np
import pytest

from humanoid_lmm.sim.artifacts import execution_trajectory, write_execution_artifacts


def test_partial_plan_is_completed_with_the_stand_and_the_retargeted_base(g1, sample):
    full = sample("wave", g1)
    upper = full.replace(joint_names=tuple(g1.joint_names[i] for i in g1.upper_body), q=full.q[:, g1.upper_body],
                         root_pos=np.zeros_like(full.root_pos))
    out = execution_trajectory(upper, g1, retargeted=full)
    assert out.joint_names == g1.joint_names and out.upper_body_only
    assert np.allclose(out.q[:, g1.upper_body], full.q[:, g1.upper_body])
    assert np.allclose(out.q[:, g1.lower_body], g1.default_q[g1.lower_body])
    assert np.allclose(out.root_pos, full.root_pos)  # same length: the base copied exactly
    slow = execution_trajectory(full.replace(q=np.repeat(full.q, 2, axis=0)[: 2 * full.n_frames - 1],
                                             root_pos=np.repeat(full.root_pos, 2, axis=0)[: 2 * full.n_frames - 1],
                                             root_quat=np.repeat(full.root_quat, 2, axis=0)[: 2 * full.n_frames - 1],
                                             contacts=np.repeat(full.contacts, 2, axis=0)[: 2 * full.n_frames - 1]), g1, full)
    assert not slow.upper_body_only and slow.n_frames == 2 * full.n_frames - 1


@pytest.mark.slow
def test_demo_artifacts_video_and_report(g1, sample, tmp_path):
    import imageio.v2 as imageio

    full = sample("wave", g1, seconds=1.0)
    upper = full.replace(joint_names=tuple(g1.joint_names[i] for i in g1.upper_body), q=full.q[:, g1.upper_body])
    video, report = write_execution_artifacts(upper, tmp_path, retargeted=full, title="wave", fps=5)
    frames = imageio.mimread(video, memtest=False)
    assert frames[0].shape == (480, 640, 3) and len(frames) >= 5
    assert 'class="verdict pass"' in report.read_text() and "upper_body" in report.read_text()
