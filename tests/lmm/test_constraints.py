"""The motion grammar: LogitsProcessor and fast loop obey the same rule, even with an untrained model."""
import pytest
import torch

from lmm_fixtures import P, tiny_lmm
from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm import GrammarState, MotionGenerator, MotionGrammar, MotionLogitsProcessor, SamplingConfig
from humanoid_lmm.lmm import step_bounds


def allowed(grammar, state):
    return set(torch.nonzero(torch.isfinite(grammar.mask(state))).flatten().tolist())


def test_grammar_situations():
    v = tiny_lmm().vocab
    g = MotionGrammar(v, v.vocab_size, min_steps=2, max_steps=3)
    motion = set(range(v.motion_base, v.motion_base + v.codebook_size))
    assert allowed(g, GrammarState()) == {v.mot_id}
    assert allowed(g, GrammarState(1, 0)) == motion                 # no empty motion
    assert allowed(g, GrammarState(1, 2 * P - 1)) == motion         # mid time step
    assert allowed(g, GrammarState(1, 2 * P)) == motion | {v.eot_id}
    assert allowed(g, GrammarState(1, 3 * P)) == {v.eot_id}         # length cap
    assert allowed(g, GrammarState(2, 3 * P)) == {v.eos_id}
    with pytest.raises(ConfigError):
        MotionGrammar(v, v.vocab_size, 3, 2)


def test_logits_processor_masks_padded_vocab():
    v = tiny_lmm().vocab
    g = MotionGrammar(v, v.vocab_size, 1, 4)
    proc = MotionLogitsProcessor(g, prompt_len=2)
    ids = torch.tensor([[7, 8], [7, 8]])
    ids = torch.cat([ids, torch.tensor([[v.mot_id], [9]])], dim=1)   # row 0 inside <mot>, row 1 not yet
    scores = proc(ids, torch.randn(2, v.vocab_size + 5))
    assert torch.isinf(scores[:, v.vocab_size:]).all()
    assert torch.isfinite(scores[0]).sum() == v.codebook_size
    assert torch.nonzero(torch.isfinite(scores[1])).flatten().tolist() == [v.mot_id]


def test_step_bounds():
    assert step_bounds(5.0, 2.0, 0.1, 1.0, 8.0, 10.0) == (9, 11)
    assert step_bounds(5.0, None, 0.1, 1.0, 8.0, 10.0) == (5, 40)
    assert step_bounds(5.0, None, 0.1, 1.0, 20.0, 10.0) == (5, 50)
    with pytest.raises(ConfigError, match="duration_s"):
        step_bounds(5.0, 11.0, 0.1, 1.0, 8.0, 10.0)


@pytest.mark.parametrize("use_hf", [False, True])
def test_untrained_model_always_yields_valid_bounded_motion(use_hf):
    """Random weights: the grammar alone guarantees whole time steps within the duration bounds."""
    lmm = tiny_lmm("llama" if use_hf else "gpt2")
    gen = MotionGenerator(lmm, SamplingConfig(temperature=1.5, top_p=1.0, use_hf_generate=use_hf, max_retries=1))
    lo, hi = gen.bounds(1.0)
    for seed in range(4):
        codes = gen.sample_codes("wave your right hand", duration_s=1.0, seed=seed)
        assert codes.shape[1] == P and lo <= len(codes) <= hi
        assert codes.min() >= 0 and codes.max() < lmm.vocab.codebook_size


def test_same_seed_same_motion_and_top_k_one_is_greedy():
    gen = MotionGenerator(tiny_lmm(), SamplingConfig(temperature=1.0, top_k=1))
    a = gen.sample_codes("squat", seed=3)
    b = gen.sample_codes("squat", seed=4)
    gen.sampling = SamplingConfig(temperature=0.0)
    c = gen.sample_codes("squat", seed=5)
    assert (a == b).all() and (a == c).all()
