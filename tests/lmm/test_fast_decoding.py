"""The hand-held GPT-2 decoder reproduces HF logits step by step, and generation uses it consistently."""
import pytest
import torch

from lmm_fixtures import tiny_lmm
from humanoid_lmm.lmm import MotionGenerator, SamplingConfig
from humanoid_lmm.lmm.fast_decoding import FastGPT2Decoder, step_fn


def test_fast_decoder_matches_hf_logits():
    lmm = tiny_lmm("gpt2")
    model = lmm.model.eval()
    torch.nn.init.normal_(model.transformer.wpe.weight, std=0.3)     # make positions matter
    ids = torch.tensor([[0, 5, 17, 42, lmm.vocab.mot_id] + list(range(lmm.vocab.motion_base, lmm.vocab.motion_base + 9))])
    with torch.no_grad():
        ref = model(input_ids=ids).logits[0]                          # (n, V)
    dec = FastGPT2Decoder(model)
    torch.testing.assert_close(dec(ids[:, :5])[0], ref[4], atol=1e-4, rtol=1e-4)   # prefill
    for t in range(5, ids.shape[1]):                                  # then one token at a time
        torch.testing.assert_close(dec(ids[:, t:t + 1])[0], ref[t], atol=1e-4, rtol=1e-4)
    dec.reset()
    part = dec(ids, rows=(lmm.vocab.eot_id, lmm.vocab.vocab_size))[0]              # output rows subset
    torch.testing.assert_close(part[lmm.vocab.eot_id:], ref[-1, lmm.vocab.eot_id:], atol=1e-4, rtol=1e-4)
    assert torch.isinf(part[: lmm.vocab.eot_id]).all()
    with pytest.raises(ValueError, match="positions"):
        dec(torch.zeros(1, 200, dtype=torch.long))


def test_fast_and_hf_loops_sample_the_same_tokens():
    lmm = tiny_lmm("gpt2")
    fast = MotionGenerator(lmm, SamplingConfig(temperature=1.0, fast_decoding=True))
    slow = MotionGenerator(lmm, SamplingConfig(temperature=1.0, fast_decoding=False))
    for seed in range(3):
        assert (fast.sample_codes("turn left", 1.0, seed) == slow.sample_codes("turn left", 1.0, seed)).all()


def test_llama_falls_back_to_hf_forward():
    lmm = tiny_lmm("llama")
    assert not FastGPT2Decoder.supports(lmm.model)
    step = step_fn(lmm.model.eval())
    logits, cache = step(torch.tensor([[0, 5, 6]]), None)
    assert logits.shape == (1, lmm.model.config.vocab_size) and cache is not None
