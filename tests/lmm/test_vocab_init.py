"""Motion rows of a pretrained checkpoint start at the mean of its text rows (embedding and untied lm_head)."""
import pytest
import torch

from lmm_fixtures import tiny_config
from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm import LargeMotionModel, train_text_tokenizer
from humanoid_lmm.lmm.vocab_init import init_motion_rows, motion_token_ids


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory):
    """A 'pretrained' untied LLaMA whose embedding is padded 40 rows past its tokenizer (as many are)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    tmp = tmp_path_factory.mktemp("base")
    tok = train_text_tokenizer(["wave your right hand", "squat down twice", "turn left"] * 20, 280)
    torch.manual_seed(0)
    model = LlamaForCausalLM(LlamaConfig(vocab_size=len(tok) + 40, hidden_size=32, intermediate_size=64,
                                         num_hidden_layers=1, num_attention_heads=2, tie_word_embeddings=False))
    with torch.no_grad():                          # trained-looking rows: offset and scale far from N(0, 0.02)
        model.get_input_embeddings().weight.mul_(20).add_(0.5)
        model.get_output_embeddings().weight.mul_(20).sub_(0.3)
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    return tmp, len(tok)


def test_motion_rows_are_the_text_mean_in_embedding_and_head(base_dir):
    d, n_text = base_dir
    lmm = LargeMotionModel.create(tiny_config("llama", base_model=str(d)))
    ids = motion_token_ids(lmm.vocab)
    assert min(ids) == n_text and len(ids) == 2 + lmm.vocab.codebook_size
    emb, head = lmm.model.get_input_embeddings().weight, lmm.model.get_output_embeddings().weight
    before = emb[ids[:10]].clone()                  # some ids fell into the old padded rows
    info = init_motion_rows(lmm.model, lmm.vocab, noise=0.01)
    assert info == {"rows": len(ids), "text_rows": n_text, "tied": False, "noise": 0.01}
    for w in (emb, head):
        text = w[:n_text]
        dev = (w[ids] - text.mean(0)).abs().max()
        assert dev < 0.05 * text.std(0).max()                               # mean + 1 % noise
        assert torch.unique(w[ids], dim=0).shape[0] == len(ids)             # rows still distinct
    assert not torch.allclose(emb[ids[:10]], before)
    # the new tokens start about as likely as an average text token, not dominating the next-token distribution
    x = torch.tensor([[1, 5, 9]])
    p = torch.softmax(lmm.model(input_ids=x).logits[0, -1], -1)
    assert float(p[ids].sum().detach()) < 3 * len(ids) / (n_text + len(ids))


def test_rows_outside_the_embedding_are_refused(base_dir):
    d, _ = base_dir
    lmm = LargeMotionModel.create(tiny_config("llama", base_model=str(d)))
    lmm.model.resize_token_embeddings(lmm.vocab.mot_id + 1)
    with pytest.raises(ConfigError, match="do not fit"):
        init_motion_rows(lmm.model, lmm.vocab)
