"""Residual VQ (RQ-VAE) quantizer: combined ids round-trip, residual levels lower the error, and a tiny
MotionBook with it trains and round-trips."""
import torch

from humanoid_lmm.tokenizer.configuration import MotionTokenizerConfig
from humanoid_lmm.tokenizer.modeling import MotionBook
from humanoid_lmm.tokenizer.quantizers import EMAVectorQuantizer, ResidualVectorQuantizer


def test_ids_round_trip_and_levels_reduce_error():
    torch.manual_seed(0)
    z = torch.randn(2000, 8)
    one, two = EMAVectorQuantizer(32, 8), ResidualVectorQuantizer(32, 8, levels=2)
    for _ in range(20):
        one(z), two(z)
    one.eval(), two.eval()
    q2, ids, _ = two(z)
    assert two.codebook_size == 32**2 and int(ids.max()) < 32**2
    assert torch.equal(two.codes_to_ids(z), ids)
    assert torch.allclose(two.ids_to_codes(ids), q2, atol=1e-5)
    e1 = (one(z)[0] - z).pow(2).mean()
    e2 = (q2 - z).pow(2).mean()
    assert e2 < 0.8 * e1, (e1, e2)


def test_motionbook_with_rq_encodes_and_decodes():
    cfg = MotionTokenizerConfig(quantizer="rq", vq_codes=16, vq_dim=8, rq_levels=2, width=8, res_blocks=1)
    assert cfg.codebook_size == 256 and cfg.latent_dim == 8
    mb = MotionBook(cfg)
    x = torch.randn(2, 16, 135)
    mb.train()
    rec, ids, aux = mb(x)
    assert rec.shape == x.shape and ids.shape == (2, 4, 6) and "commit" in aux
    mb.eval()
    ids = mb.encode_ids(x)
    assert mb.decode_ids(ids).shape == x.shape
