import argparse
import json

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from humanoid_lmm.tokenizer import TrainConfig, evaluate_tokenizer, load_motion_tokenizer, reconstruction_errors
from humanoid_lmm.tokenizer.cli import register
from humanoid_lmm.tokenizer.data import WindowSampler, load_split_motions
from humanoid_lmm.tokenizer.train import lr_at, train_motionbook

from tokenizer_testutils import smooth_motion, tiny_config


def _tc(steps, **kw):
    base = dict(steps=steps, batch_size=4, window=16, val_every=2, ckpt_every=2, warmup_steps=1, lr=3e-3)
    base.update(kw)
    return TrainConfig(**base)


def test_window_sampler_pads_and_masks_short_motions():
    seqs = [np.ones((5, 135), np.float32), np.arange(40 * 135, dtype=np.float32).reshape(40, 135)]
    s = WindowSampler(seqs, window=8, seed=0)
    x, m = s.sample(64)
    short = m.sum(1) == 5
    assert short.any() and (~short).any() and (m.sum(1)[~short] == 8).all()
    assert (x[short] == 1).all()  # padded by repeating the last frame
    x2, m2 = WindowSampler(seqs, window=8, seed=0).sample(64)
    assert np.array_equal(x, x2) and np.array_equal(m, m2)


def test_lr_schedule():
    tc = TrainConfig(steps=100, warmup_steps=10, lr=1.0)
    assert lr_at(0, tc) == pytest.approx(0.1)
    assert lr_at(10, tc) == pytest.approx(1.0)
    assert lr_at(100, tc) == pytest.approx(0.1)
    assert lr_at(20, tc, time_frac=1.0) == pytest.approx(0.1)  # time runs out before the steps
    assert lr_at(20, tc, time_frac=0.0) == lr_at(20, tc)


@pytest.mark.parametrize("quantizer", ["lfq", "vq"])
def test_training_step_overfits_a_fixed_batch(quantizer):
    """The real loss (d135 + FK positions/velocities + quantizer terms) and optimiser learn: 40 AdamW
    steps on 4 fixed windows cut the joint-position error by at least 30% for both quantizers."""
    from humanoid_lmm.motion import motion_to_d135
    from humanoid_lmm.tokenizer import MotionBook
    from humanoid_lmm.tokenizer.data import d135_stats
    from humanoid_lmm.tokenizer.train import _step_losses

    seqs = [motion_to_d135(smooth_motion(16, seed=i)) for i in range(4)]
    mean, std = d135_stats(seqs)
    x, mask = torch.from_numpy(np.stack(seqs)), torch.ones(4, 16, dtype=torch.bool)
    torch.manual_seed(0)
    model = MotionBook(tiny_config(quantizer=quantizer, width=32))
    model.mean.copy_(torch.from_numpy(mean))
    model.std.copy_(torch.from_numpy(std))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    errors = []
    for _ in range(40):
        loss, terms, _ = _step_losses(model, x, mask)
        opt.zero_grad()
        loss.backward()
        opt.step()
        errors.append(terms["mpjpe_mm"])
    assert np.mean(errors[-3:]) < 0.7 * errors[0]


def test_train_loop_writes_log_checkpoint_and_final(tiny_corpus, tmp_path):
    train_motionbook(tiny_corpus, tmp_path, tiny_config(), _tc(4), progress=False, log=lambda s: None)
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [2, 4]
    assert {"val_mpjpe_mm", "val_utilisation", "train_rec", "train_entropy", "lr"} <= set(log[0])
    assert (tmp_path / "checkpoint/train_state.pt").is_file()
    tok = load_motion_tokenizer(tmp_path)
    assert tok.metadata["step"] == 4 and tok.metadata["train"]["steps"] == 4


def test_resume_is_deterministic(tiny_corpus, tmp_path):
    cfg = tiny_config()
    quiet = dict(progress=False, log=lambda s: None)
    train_motionbook(tiny_corpus, tmp_path / "a", cfg, _tc(6), **quiet)
    train_motionbook(tiny_corpus, tmp_path / "b", cfg, _tc(6), stop_at=3, **quiet)
    assert not (tmp_path / "b/model.safetensors").exists()
    train_motionbook(tiny_corpus, tmp_path / "b", cfg, _tc(6), **quiet)  # resumes at step 3
    a, b = load_file(tmp_path / "a/model.safetensors"), load_file(tmp_path / "b/model.safetensors")
    assert a.keys() == b.keys()
    for k in a:
        assert torch.allclose(a[k], b[k], atol=1e-6), k
    with pytest.raises(ValueError, match="differs"):
        train_motionbook(tiny_corpus, tmp_path / "b", tiny_config(width=8), _tc(8), **quiet)


def test_reconstruction_errors_definitions():
    m = smooth_motion(20)
    zero = reconstruction_errors(m, m)
    assert all(v == pytest.approx(0.0, abs=1e-9) for v in zero.values())
    shifted = type(m)(m.fps, m.root_pos + [0.0, 0.0, 0.01], m.rotations)
    e = reconstruction_errors(m, shifted)
    assert e["mpjpe_mm"] == pytest.approx(0.0, abs=1e-6)  # root-relative
    assert e["root_error_mm"] == pytest.approx(10.0) and e["global_mpjpe_mm"] == pytest.approx(10.0)


def test_cli_train_and_eval(tiny_corpus, tmp_path, capsys):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="cmd"))
    out = tmp_path / "model"
    args = parser.parse_args(["tokenizer", "train", "--data", str(tiny_corpus), "--out", str(out),
                              "--codebook-bits", "5", "--width", "8", "--res-blocks", "0", "--steps", "3",
                              "--batch-size", "2", "--window", "16", "--val-every", "3", "--no-progress"])
    assert args.func(args) == 0
    tok = load_motion_tokenizer(out)
    assert tok.codebook_size == 32 and tok.config.width == 8
    capsys.readouterr()
    args = parser.parse_args(["tokenizer", "eval", "--model", str(out), "--data", str(tiny_corpus), "--json"])
    assert args.func(args) == 0
    res = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    n_test = len(load_split_motions(tiny_corpus, "test"))
    assert res["motions"] == n_test and 0 < res["utilisation"] <= 1 and res["mpjpe_mm"] > 0
    assert res["tokens_per_second"] == pytest.approx(30.0)
    direct = evaluate_tokenizer(tok, load_split_motions(tiny_corpus, "test"))
    assert direct["mpjpe_mm"] == pytest.approx(res["mpjpe_mm"])
    assert 1 <= direct["perplexity"] <= direct["used_codes"]


def test_time_limit_ends_the_run_with_final_weights(tiny_corpus, tmp_path):
    train_motionbook(tiny_corpus, tmp_path, tiny_config(), _tc(10_000, val_every=10_000, ckpt_every=10_000),
                     progress=False, log=lambda s: None, time_limit_s=0.5)
    tok = load_motion_tokenizer(tmp_path)
    assert 1 <= tok.metadata["step"] < 10_000
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert log[-1]["step"] == tok.metadata["step"]


def _loss_terms_of_one_turned_joint(joint: str, axis: int, angle: float, seed: int, **weights):
    """Loss terms of a motion against itself with one joint turned by ``angle`` [rad] about ``axis``, under
    two configs: ``weights`` maps one config field to its (first, second) value."""
    from dataclasses import replace

    from humanoid_lmm.motion import joint_index, motion_to_d135
    from humanoid_lmm.tokenizer.losses import motionbook_loss

    m = smooth_motion(16, seed=seed)
    x = torch.from_numpy(motion_to_d135(m))[None]
    rot = np.array(m.rotations, copy=True)
    rot[:, joint_index(joint), axis] += angle
    y = torch.from_numpy(motion_to_d135(replace(m, rotations=rot)))[None]
    mask = torch.ones(1, 16, dtype=torch.bool)
    aux = {"commit": torch.zeros(())}
    (field, (a, b)), = weights.items()
    return tuple(motionbook_loss(replace(tiny_config(), **{field: v}), y, x, y, x, mask, aux)[1] for v in (a, b))


def test_end_effector_weight_scales_hand_and_foot_errors():
    """ee_weight puts more of the FK loss on wrists/ankles/feet; ee_weight = 1 is the plain joint mean."""
    from humanoid_lmm.motion import joint_index
    from humanoid_lmm.tokenizer.losses import joint_weights

    assert torch.equal(joint_weights(1.0), torch.ones(22))
    w = joint_weights(5.0)
    assert w.mean().item() == pytest.approx(1.0) and w[joint_index("right_wrist")] == pytest.approx(5 * w[0])
    plain, heavy = _loss_terms_of_one_turned_joint("right_elbow", 2, 0.5, seed=0, ee_weight=(1.0, 5.0))  # forearm + wrist
    assert heavy["pos"] > 1.5 * plain["pos"] > 0 and heavy["mpjpe_mm"] == pytest.approx(plain["mpjpe_mm"])


def test_init_starts_from_given_weights_and_checks_architecture(tiny_corpus, tmp_path):
    from humanoid_lmm.errors import ConfigError
    from humanoid_lmm.tokenizer.tokenizer import load_motionbook

    first = train_motionbook(tiny_corpus, tmp_path / "a", tiny_config(), _tc(2), progress=False, log=lambda s: None)
    logs = []
    train_motionbook(tiny_corpus, tmp_path / "b", tiny_config(ee_weight=3.0), _tc(1, lr=1e-9), progress=False,
                     log=logs.append, init=first)
    assert any("initialised from" in s for s in logs)
    a, b = load_motionbook(first).state_dict(), load_motionbook(tmp_path / "b").state_dict()
    for k in a:   # one step at lr 1e-9: still the initial weights
        torch.testing.assert_close(b[k], a[k], atol=1e-5, rtol=0, msg=k)
    assert load_motion_tokenizer(tmp_path / "b").metadata["init"] == str(first)
    with pytest.raises(ConfigError, match="width"):
        train_motionbook(tiny_corpus, tmp_path / "c", tiny_config(width=8), _tc(1), progress=False,
                         log=lambda s: None, init=first)


def test_rotation_weight_sees_a_nod_that_the_position_terms_cannot():
    """A head nod moves no joint position of the 22-joint skeleton (the head is a leaf): only the d135
    term sees it, and rot_weight scales just the rotation columns of rot_joints in that term."""
    from dataclasses import replace

    from humanoid_lmm.errors import ConfigError
    from humanoid_lmm.motion import joint_index
    from humanoid_lmm.tokenizer.configuration import MotionTokenizerConfig
    from humanoid_lmm.tokenizer.losses import column_weights

    plain, heavy = _loss_terms_of_one_turned_joint("head", 0, 0.3, seed=1, rot_weight=(1.0, 10.0))   # a nod
    cfg = tiny_config()
    assert plain["pos"] == pytest.approx(0.0, abs=1e-6) and plain["vel"] == pytest.approx(0.0, abs=1e-6)
    assert heavy["rec"] == pytest.approx(10 * plain["rec"], rel=1e-4) and plain["rec"] > 0
    w = column_weights(replace(cfg, rot_weight=4.0))
    j = joint_index("head")
    assert w.sum().item() == pytest.approx(135 + 3 * 6 * len(cfg.rot_joints))
    assert (w[9 + 6 * (j - 1): 15 + 6 * (j - 1)] == 4.0).all() and (w[:9] == 1.0).all()
    cfg2 = MotionTokenizerConfig.from_dict(json.loads(json.dumps(cfg.to_dict())))   # JSON round trip
    assert cfg2 == cfg and cfg2.to_dict() == cfg.to_dict()
    with pytest.raises(ConfigError, match="rot_joints"):
        MotionTokenizerConfig(rot_joints=("pelvis",))
    with pytest.raises(ConfigError, match="rot_weight"):
        MotionTokenizerConfig(rot_weight=-1.0)
