"""GPT-2 and LLaMA tiny LMMs train, generate the right motion codes, save/load, and extend a base model."""
import random

import pytest
import torch

from lmm_fixtures import K, pattern_records, tiny_config, tiny_lmm
from humanoid_lmm.errors import CommandRejected, ConfigError, GenerationError
from humanoid_lmm.lmm import LargeMotionModel, LMMConfig, MotionGenerator, SamplingConfig
from humanoid_lmm.lmm.data_lmm import ExampleBuilder


def fit(lmm, steps=80, stage=1, lr=3e-3):
    recs, rng = pattern_records(), random.Random(0)
    b = ExampleBuilder(lmm.tokenizer, lmm.vocab, stage, 0.2, True, 128, 48)
    opt = torch.optim.AdamW([p for p in lmm.model.parameters() if p.requires_grad], lr=lr)
    lmm.model.train()
    for _ in range(steps):
        loss = lmm.model(**b.batch(rng.choices(recs, k=8), rng)).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
    lmm.model.eval()
    return float(loss.detach())


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_tiny_model_learns_text_to_motion(arch):
    lmm = tiny_lmm(arch)
    assert type(lmm.model).__name__ == {"gpt2": "GPT2LMHeadModel", "llama": "LlamaForCausalLM"}[arch]
    assert fit(lmm) < 0.3
    gen = MotionGenerator(lmm, SamplingConfig(temperature=0, min_seconds=0.2))
    up, down = pattern_records()
    for rec in (up, down):
        codes = gen.sample_codes(rec.texts[0])
        assert codes.tolist() == rec.codes.tolist(), rec.texts[0]


def test_save_load_round_trip(tmp_path):
    lmm = tiny_lmm("llama")
    lmm.save_pretrained(tmp_path / "m")
    assert (tmp_path / "m" / "model.safetensors").is_file() and (tmp_path / "m" / "lmm_config.json").is_file()
    back = LargeMotionModel.from_pretrained(tmp_path / "m")
    assert back.config == lmm.config and back.vocab == lmm.vocab
    ids = torch.tensor([[0, 5, 9, lmm.vocab.mot_id, lmm.vocab.motion_base + 3]])
    lmm.model.eval()
    torch.testing.assert_close(back.model(input_ids=ids).logits, lmm.model(input_ids=ids).logits)
    with pytest.raises(ConfigError, match="does not exist"):
        LargeMotionModel.from_pretrained(tmp_path / "missing")


def test_extends_a_local_base_model(tmp_path):
    """A plain HF causal LM directory (own tokenizer) gets the motion vocabulary and resized embeddings."""
    from transformers import GPT2Config, GPT2LMHeadModel

    from humanoid_lmm.lmm import train_text_tokenizer

    text_tok = train_text_tokenizer(["wave your right hand", "squat down twice", "turn left"] * 20, 280)
    base = GPT2LMHeadModel(GPT2Config(vocab_size=len(text_tok), n_embd=32, n_layer=1, n_head=2, n_positions=128))
    base.save_pretrained(tmp_path / "base")
    text_tok.save_pretrained(tmp_path / "base")
    cfg = tiny_config(base_model=str(tmp_path / "base"))
    lmm = LargeMotionModel.create(cfg)
    assert lmm.vocab.vocab_size == len(text_tok) + 2 + K
    assert lmm.model.get_input_embeddings().num_embeddings == lmm.vocab.vocab_size
    assert lmm.tokenizer("turn left")["input_ids"] == text_tok("turn left")["input_ids"]
    torch.testing.assert_close(lmm.model.get_input_embeddings().weight[: len(text_tok)],
                               base.get_input_embeddings().weight)
    codes = MotionGenerator(lmm, SamplingConfig(max_retries=1)).sample_codes("turn left", seed=0)
    assert codes.shape[1] == cfg.num_parts
    with pytest.raises(ConfigError, match="not a local directory"):
        LargeMotionModel.create(tiny_config(base_model=str(tmp_path / "nope")))


def test_failures_are_bounded_and_clear():
    lmm = tiny_lmm()
    gen = MotionGenerator(lmm, SamplingConfig(constrained=False, max_retries=2, temperature=1.0))
    with pytest.raises(GenerationError, match="after 2 attempts"):
        gen.sample_codes("wave your right hand", seed=0)
    with pytest.raises(CommandRejected, match="limit is 200"):
        gen.sample_codes("wave " * 60)
    with pytest.raises(CommandRejected, match="tokens long"):
        gen.sample_codes("zq " * 60)
    with pytest.raises(CommandRejected, match="empty"):
        gen.sample_codes("  ")


def test_config_errors_name_the_field():
    with pytest.raises(ConfigError, match="arch='bert'"):
        LMMConfig(arch="bert")
    with pytest.raises(ConfigError, match="n_positions"):
        LMMConfig(n_positions=64)
    with pytest.raises(ConfigError, match="top_p"):
        SamplingConfig(top_p=0)


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_warm_start_keeps_text_side_and_fitting_weights(arch):
    """A new motion tokenizer (other alpha, longer context) reuses the trained text side of a model."""
    src = tiny_lmm(arch)
    fit(src, steps=10)
    cfg = tiny_config(arch, n_positions=192, downsample=2)
    new = src.warm_started(cfg)
    assert new.config.n_positions == 192 and new.config.downsample == 2 and new.vocab == src.vocab
    assert new.tokenizer("wave your right hand")["input_ids"] == src.tokenizer("wave your right hand")["input_ids"]
    old_sd, new_sd = src.model.state_dict(), new.model.state_dict()
    same = [k for k in new_sd if k in old_sd and new_sd[k].shape == old_sd[k].shape]
    assert len(same) >= len(new_sd) - 1
    for k in same:
        torch.testing.assert_close(new_sd[k], old_sd[k], msg=k)
    if arch == "gpt2":   # learned positions: the first 128 rows carried over, the new rows untouched
        wpe_old, wpe_new = old_sd["transformer.wpe.weight"], new_sd["transformer.wpe.weight"]
        assert wpe_new.shape[0] == 192
        torch.testing.assert_close(wpe_new[:128], wpe_old)
        assert not torch.equal(wpe_new[128:], torch.zeros_like(wpe_new[128:]))
    assert fit(new, steps=5) < 20  # trains
    with pytest.raises(ConfigError, match="codebook_size"):
        src.warm_started(tiny_config(arch, codebook_size=K * 2))
    with pytest.raises(ConfigError, match="warm_start"):
        from humanoid_lmm.lmm.configuration_lmm import TrainConfig
        TrainConfig(init="a", warm_start="b")
