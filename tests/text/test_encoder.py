"""The sentence encoder loads offline from the installed wheel and embeds by meaning."""

import numpy as np

from humanoid_lmm.text import SentenceEncoder, encoder_zip_path


def test_encoder_is_read_from_the_installed_package():
    path = encoder_zip_path()
    assert "site-packages" in str(path) and path.name == "model.zip"


def test_embeddings_are_unit_length_and_follow_meaning():
    enc = SentenceEncoder.load()
    e = enc.encode(["wave your right hand", "could you wave with your right hand please",
                    "do a backflip", "squat twice"])
    assert e.shape == (4, enc.dim) == (4, 384) and e.dtype == np.float32
    assert np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    sim = e @ e.T
    assert sim[0, 1] > 0.7  # a paraphrase is close
    assert sim[0, 1] > sim[0, 2] + 0.3 and sim[0, 1] > sim[0, 3] + 0.3  # other meanings are far


def test_token_states_and_batching_agree():
    enc = SentenceEncoder.load()
    h, mask = enc.token_states(["wave", "squat twice slowly please"])
    assert h.shape[0] == 2 and h.shape[2] == enc.dim and mask.shape == h.shape[:2]
    assert mask[0].sum() < mask[1].sum()  # padding is masked
    one = enc.encode(["wave"])[0]
    both = enc.encode(["wave", "squat twice slowly please"], batch_size=2)[0]
    assert np.allclose(one, both, atol=1e-5)  # padding does not change the embedding


def test_onnxruntime_path_matches_torch(tmp_path):
    enc = SentenceEncoder.load()
    texts = ["wave your right hand", "could you give me a wave with your left hand then squat twice"]
    ref = enc.encode(texts)
    saved = enc._ort
    try:
        assert enc.use_onnxruntime(cache_dir=tmp_path, threads=1)
        assert np.abs(enc.encode(texts) - ref).max() < 1e-4
    finally:
        enc._ort = saved
