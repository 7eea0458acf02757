"""Motion vocabulary, prompt format, templates and training examples (no motion tokenizer needed)."""
import random

import numpy as np
import pytest

from lmm_fixtures import K, P, pattern_records, tiny_lmm
from humanoid_lmm.errors import CommandRejected, GenerationError
from humanoid_lmm.lmm import T2M_TEMPLATES, duration_phrase, format_prompt, with_duration
from humanoid_lmm.lmm.data_lmm import IGNORE, ExampleBuilder, load_records, save_records


def test_motion_tokens_extend_the_text_vocabulary():
    lmm = tiny_lmm()
    v, tok = lmm.vocab, lmm.tokenizer
    assert v.motion_base == v.eot_id + 1 == v.mot_id + 2
    assert v.vocab_size == len(tok) == v.motion_base + K
    assert lmm.model.get_input_embeddings().num_embeddings >= len(tok)
    # text still tokenises to ordinary BPE ids, motion tokens are single ids
    ids = tok("wave your right hand", add_special_tokens=False)["input_ids"]
    assert ids and max(ids) < v.mot_id
    assert tok.convert_tokens_to_ids("<motion_3>") == v.motion_base + 3
    assert tok.decode(ids) == "wave your right hand"


def test_codes_ids_round_trip_and_failures():
    v = tiny_lmm().vocab
    codes = np.array([[0, 15], [3, 4], [7, 7]])
    ids = v.codes_to_ids(codes)
    assert ids[0] == v.mot_id and ids[-1] == v.eot_id and len(ids) == 2 + codes.size
    np.testing.assert_array_equal(v.extract_motion([5, 6] + ids + [v.eos_id]), codes)
    with pytest.raises(GenerationError, match="no <mot>"):
        v.extract_motion([5, 6, v.eos_id])
    with pytest.raises(GenerationError, match="empty"):
        v.extract_motion([v.mot_id, v.eot_id])
    with pytest.raises(GenerationError, match="truncated"):
        v.extract_motion([v.mot_id, v.motion_base, v.motion_base + 1, v.motion_base])  # no </mot>
    with pytest.raises(GenerationError, match="whole number of time steps"):
        v.extract_motion([v.mot_id, v.motion_base, v.motion_base + 1, v.motion_base, v.eot_id])
    with pytest.raises(GenerationError, match="out-of-vocabulary"):
        v.extract_motion([v.mot_id, v.motion_base, 5, v.eot_id])
    with pytest.raises(ValueError):
        v.codes_to_ids(np.array([[0, K]]))


def test_prompt_refuses_empty_and_long_commands():
    assert format_prompt("  wave   hand ") == "Human: wave hand\nRobot:"
    with pytest.raises(CommandRejected, match="empty"):
        format_prompt("   ")
    with pytest.raises(CommandRejected, match="limit is 10"):
        format_prompt("x" * 11, max_chars=10)


def test_templates_and_durations():
    assert len(set(T2M_TEMPLATES)) >= 20 and all("{x}" in t for t in T2M_TEMPLATES)
    assert duration_phrase(3) == "for 3 seconds" and duration_phrase(1.0) == "for 1 second"
    assert duration_phrase(2.4) == "for 2.5 seconds"
    assert with_duration("squat.", 2) == "squat, for 2 seconds"


@pytest.mark.parametrize("stage", [1, 2])
def test_examples_mask_the_prompt(stage):
    lmm = tiny_lmm()
    rec = pattern_records()[0]
    b = ExampleBuilder(lmm.tokenizer, lmm.vocab, stage, m2t_fraction=0.0, response_only=True, max_len=128)
    ids, labels = b.example(rec, random.Random(0))
    first = labels.index(next(x for x in labels if x != IGNORE))
    assert ids[first] == lmm.vocab.mot_id and ids[-2] == lmm.vocab.eot_id and ids[-1] == lmm.vocab.eos_id
    assert labels[first:] == ids[first:] and set(labels[:first]) == {IGNORE}
    full = ExampleBuilder(lmm.tokenizer, lmm.vocab, stage, 0.0, response_only=False, max_len=128)
    ids2, labels2 = full.example(rec, random.Random(0))
    assert labels2 == ids2
    m2t = ExampleBuilder(lmm.tokenizer, lmm.vocab, stage, m2t_fraction=1.0, max_len=128)
    ids3, labels3 = m2t.example(rec, random.Random(1))
    assert lmm.vocab.mot_id in ids3[: ids3.index(lmm.vocab.eot_id) + 1]
    answer = lmm.tokenizer.decode([t for t in labels3 if t != IGNORE][:-1]).strip()
    assert answer in rec.texts
    batch = b.batch(pattern_records(), random.Random(0))
    assert batch["input_ids"].shape == batch["labels"].shape == batch["attention_mask"].shape


def test_records_cache_round_trip(tmp_path):
    recs = pattern_records()
    save_records(recs, tmp_path / "r.npz")
    back = load_records(tmp_path / "r.npz")
    assert [r.texts for r in back] == [r.texts for r in recs]
    for a, b in zip(recs, back):
        np.testing.assert_array_equal(a.codes, b.codes)
        assert a.codes.shape[1] == P and a.duration_s == b.duration_s
