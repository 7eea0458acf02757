import numpy as np
import pytest
import torch

from humanoid_lmm.errors import ConfigError, MotionError
from humanoid_lmm.motion import motion_to_d135
from humanoid_lmm.tokenizer import MotionBook, MotionTokenizer, load_motion_tokenizer

from tokenizer_testutils import smooth_motion, tiny_config


def _tok(**kw) -> MotionTokenizer:
    torch.manual_seed(0)
    return MotionTokenizer(MotionBook(tiny_config(**kw)))


@pytest.mark.parametrize("quantizer", ["lfq", "vq"])
@pytest.mark.parametrize("downsample", [2, 4, 8])
def test_forward_shapes(quantizer, downsample):
    model = MotionBook(tiny_config(quantizer=quantizer, downsample=downsample))
    x = torch.randn(3, 32, 135)
    rec, ids, aux = model(x)
    assert rec.shape == (3, 32, 135)
    assert ids.shape == (3, 32 // downsample, 6) and ids.dtype == torch.int64
    assert ids.min() >= 0 and ids.max() < model.cfg.codebook_size
    assert "commit" in aux
    with pytest.raises(ValueError, match="multiple of downsample"):
        model(torch.randn(1, 33, 135))


def test_gradients_reach_encoder_through_quantizer():
    model = MotionBook(tiny_config()).train()
    rec, _, aux = model(torch.randn(2, 16, 135))
    (rec.pow(2).mean() + aux["entropy"]).backward()
    g = model.part_in[3].weight.grad
    assert g is not None and g.abs().sum() > 0


def test_encode_decode_contract():
    tok = _tok()
    m = smooth_motion(37)
    ids = tok.encode(m)
    assert isinstance(ids, np.ndarray) and ids.dtype == np.int64 and ids.shape == (10, 6)  # ceil(37/4)
    assert (tok.codebook_size, tok.num_parts, tok.downsample, tok.fps) == (64, 6, 4, 20.0)
    x = tok.decode_d135(ids)
    assert x.shape == (40, 135) and x.dtype == np.float32
    out = tok.decode(ids, text="hi")
    assert out.n_frames == 40 and out.fps == 20.0 and out.text == "hi"
    assert np.allclose(out.root_pos[0, :2], 0.0)
    rec = tok.reconstruct(m)
    assert rec.n_frames == m.n_frames and np.allclose(rec.root_pos[0, :2], m.root_pos[0, :2])
    assert np.array_equal(tok.encode_d135(motion_to_d135(m)), ids)


def test_decoding_a_prefix_is_a_prefix_of_the_full_decode():
    tok = _tok()
    ids = np.random.default_rng(0).integers(0, tok.codebook_size, size=(12, 6))
    full = tok.decode_d135(ids)
    for k in (1, 3, 7, 12):
        assert np.allclose(tok.decode_d135(ids[:k]), full[: k * tok.downsample], atol=1e-5)
    # and changing a later token does not change earlier frames
    ids2 = ids.copy()
    ids2[8] = (ids2[8] + 1) % tok.codebook_size
    assert np.allclose(tok.decode_d135(ids2)[:32], full[:32], atol=1e-5)
    assert not np.allclose(tok.decode_d135(ids2)[32:], full[32:])


def test_bad_inputs():
    tok = _tok()
    with pytest.raises(ValueError, match="shape"):
        tok.decode_d135(np.zeros((4, 5), dtype=np.int64))
    with pytest.raises(ValueError, match="values must be in"):
        tok.decode_d135(np.full((4, 6), 64))
    with pytest.raises(MotionError, match="fps"):
        tok.encode(smooth_motion(16, fps=30.0))
    with pytest.raises(MotionError):
        tok.encode(np.zeros((16, 135)))


@pytest.mark.parametrize("quantizer", ["lfq", "vq"])
def test_save_load_roundtrip(tmp_path, quantizer):
    tok = _tok(quantizer=quantizer)
    tok.model.mean.fill_(0.5)
    tok.model.std.fill_(2.0)
    if quantizer == "vq":  # make the codebook non-default
        tok.model.train()
        tok.model(torch.randn(2, 16, 135))
        tok.model.eval()
    tok.save_pretrained(tmp_path)
    assert (tmp_path / "config.json").is_file() and (tmp_path / "model.safetensors").is_file()
    tok2 = load_motion_tokenizer(tmp_path)
    m = smooth_motion(24, seed=3)
    ids = tok.encode(m)
    assert np.array_equal(tok2.encode(m), ids)
    assert np.allclose(tok2.decode_d135(ids), tok.decode_d135(ids), atol=1e-6)
    assert tok2.config == tok.config


def test_load_errors(tmp_path):
    with pytest.raises(ConfigError, match="no tokenizer weights"):
        load_motion_tokenizer(tmp_path)
    tok = _tok()
    tok.save_pretrained(tmp_path)
    cfg = (tmp_path / "config.json").read_text().replace('"width": 16', '"width": 32')
    (tmp_path / "config.json").write_text(cfg)
    with pytest.raises(Exception, match="size mismatch|do not match"):
        load_motion_tokenizer(tmp_path)


def test_half_precision_file_is_smaller_and_close(tmp_path):
    import torch

    tok = _tok(width=32)
    tok.save_pretrained(tmp_path / "f32")
    tok.save_pretrained(tmp_path / "f16", dtype=torch.float16)
    s32 = (tmp_path / "f32/model.safetensors").stat().st_size
    s16 = (tmp_path / "f16/model.safetensors").stat().st_size
    assert s16 < 0.6 * s32
    tok16 = load_motion_tokenizer(tmp_path / "f16")
    assert tok16.model.mean.dtype == torch.float32 and tok16.model.part_in[0].weight.dtype == torch.float32
    ids = np.random.default_rng(1).integers(0, tok.codebook_size, size=(5, 6))
    assert np.allclose(tok16.decode_d135(ids), tok.decode_d135(ids), atol=2e-2)
