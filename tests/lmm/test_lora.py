"""LoRA on tiny LMMs: motion rows train, tie kept, adapter save/reload exact, merge_and_unload == adapter, generate."""
import copy

import pytest
import torch

from lmm_fixtures import pattern_records, tiny_lmm
from test_lmm_model import fit
from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm import LargeMotionModel, MotionGenerator, SamplingConfig
from humanoid_lmm.lmm.configuration_scale import LoRASpec, ScaleConfig
from humanoid_lmm.lmm.lora import apply_lora, load_adapter, lora_config, merge_adapter, merge_lora, save_adapter
from humanoid_lmm.lmm.vocab_init import embeddings_tied, motion_token_ids


def untied_llama() -> LargeMotionModel:
    """The tiny LLaMA with its own lm_head (as LLaMA-2 7B/13B have)."""
    from transformers import LlamaForCausalLM

    lmm = tiny_lmm("llama")
    cfg = copy.deepcopy(lmm.model.config)
    cfg.tie_word_embeddings = False
    torch.manual_seed(1)
    model = LlamaForCausalLM(cfg)
    assert not embeddings_tied(model)
    return LargeMotionModel(model, lmm.tokenizer, lmm.config)


def greedy_codes(lmm):
    gen = MotionGenerator(lmm, SamplingConfig(temperature=0, min_seconds=0.2, max_retries=1))
    return [gen.sample_codes(r.texts[0]).tolist() for r in pattern_records()]


@pytest.mark.parametrize("kind", ["gpt2-tied", "llama-untied"])
def test_lora_trains_saves_reloads_merges_and_generates(kind, tmp_path):
    lmm = tiny_lmm("gpt2") if kind == "gpt2-tied" else untied_llama()
    tied = embeddings_tied(lmm.model)
    lmm.save_pretrained(tmp_path / "base")
    ids = motion_token_ids(lmm.vocab)
    emb0 = lmm.model.get_input_embeddings().weight.detach().clone()
    head0 = lmm.model.get_output_embeddings().weight.detach().clone()
    spec = LoRASpec(r=8, alpha=16, dropout=0.0)
    peft_model = apply_lora(lmm.model, lmm.vocab, spec)
    trainable = {n for n, p in peft_model.named_parameters() if p.requires_grad}
    assert all("lora_" in n or "trainable_tokens" in n for n in trainable)
    assert sum("trainable_tokens" in n for n in trainable) == (1 if tied else 2)
    lmm.model = peft_model
    assert fit(lmm, steps=100, lr=1e-2) < 0.3                                # LoRA + motion rows learn the task
    want = greedy_codes(lmm)
    assert want == [r.codes.tolist() for r in pattern_records()]

    save_adapter(peft_model, lmm, tmp_path / "adapter", spec, base=tmp_path / "base")
    size = (tmp_path / "adapter" / "adapter_model.safetensors").stat().st_size
    assert size < 0.5 * (tmp_path / "base" / "model.safetensors").stat().st_size

    x = torch.tensor([[0, 5, 9, lmm.vocab.mot_id] + ids[2:8]])
    peft_model.eval()
    ref = peft_model(input_ids=x).logits
    fresh = LargeMotionModel.from_pretrained(tmp_path / "base")
    reloaded = load_adapter(fresh.model, tmp_path / "adapter")
    torch.testing.assert_close(reloaded(input_ids=x).logits, ref, rtol=0, atol=0)    # reload is exact

    merged = merge_lora(peft_model)
    assert type(merged).__name__ in ("GPT2LMHeadModel", "LlamaForCausalLM")
    assert embeddings_tied(merged) == tied
    torch.testing.assert_close(merged(input_ids=x).logits, ref, rtol=0, atol=1e-5)   # merge == adapter
    emb, head = merged.get_input_embeddings().weight, merged.get_output_embeddings().weight
    text = torch.arange(emb.shape[0]) < min(ids)
    torch.testing.assert_close(emb[text], emb0[text], rtol=0, atol=0)                  # text rows frozen
    assert (emb[ids] - emb0[ids]).abs().max() > 1e-3                                    # motion rows trained
    assert (head[ids] - head0[ids]).abs().max() > 1e-3                                  # ... in lm_head too

    out = merge_adapter(tmp_path / "base", tmp_path / "adapter", tmp_path / "merged")
    assert not (out / "adapter_config.json").exists()
    back = LargeMotionModel.from_pretrained(out)                                       # a plain checkpoint
    assert embeddings_tied(back.model) == tied
    assert greedy_codes(back) == want


def test_untied_head_is_listed_tied_is_not():
    lmm = tiny_lmm("gpt2")
    assert set(lora_config(lmm.model, lmm.vocab, LoRASpec()).trainable_token_indices) == {"wte"}
    lmm = untied_llama()
    assert set(lora_config(lmm.model, lmm.vocab, LoRASpec()).trainable_token_indices) == {"embed_tokens", "lm_head"}


def test_lora_spec_parsing_and_errors(tmp_path):
    assert LoRASpec.parse("16,32,0.05") == LoRASpec(16, 32.0, 0.05)
    assert LoRASpec.parse("8") == LoRASpec(8, 16.0, 0.05)
    assert ScaleConfig(lora="4,8,0").lora == LoRASpec(4, 8.0, 0.0)
    for bad, field in (("x,1,0", "lora="), ("0,1,0", "r=0"), ("4,8,1.5", "dropout"), ("1,2,3,4", "at most")):
        with pytest.raises(ConfigError, match=field):
            LoRASpec.parse(bad)
    with pytest.raises(ConfigError, match="strategy='zero'"):
        ScaleConfig(strategy="zero")
    with pytest.raises(ConfigError, match="no LoRA adapter"):
        load_adapter(tiny_lmm().model, tmp_path)
