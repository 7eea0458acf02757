import pytest

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.tokenizer import MotionTokenizerConfig, TrainConfig, part_columns, part_names


def test_body6_covers_every_d135_column_once():
    cols = part_columns("body6")
    assert len(cols) == 6
    flat = [c for part in cols for c in part]
    assert sorted(flat) == list(range(135))
    assert part_names("body6") == ("root", "torso", "left_arm", "right_arm", "left_leg", "right_leg")
    assert list(cols[0]) == list(range(9))  # root rotation, velocity, height
    # left elbow (SMPL joint 18) lives in the left arm: columns 9 + 6*17 .. +6
    assert set(range(9 + 6 * 17, 15 + 6 * 17)) <= set(cols[2])


def test_whole_layout_is_one_part():
    assert part_columns("whole") == (tuple(range(135)),)


def test_config_derived_values():
    c = MotionTokenizerConfig(codebook_bits=14)
    assert c.codebook_size == 16384 and c.num_parts == 6 and c.latent_dim == 14
    assert c.tokens_per_second == pytest.approx(20 / 4 * 6)
    v = MotionTokenizerConfig(quantizer="vq", vq_codes=512)
    assert v.codebook_size == 512 and v.latent_dim == v.vq_dim


@pytest.mark.parametrize(
    "kw, field",
    [({"quantizer": "fsq"}, "quantizer"), ({"downsample": 3}, "downsample"), ({"codebook_bits": 0}, "codebook_bits"),
     ({"part_layout": "hands"}, "part_layout"), ({"fps": 0}, "fps"), ({"vq_decay": 1.0}, "vq_decay")],
)
def test_bad_model_config_names_the_field(kw, field):
    with pytest.raises(ConfigError, match=f"MotionTokenizerConfig.{field}"):
        MotionTokenizerConfig(**kw)


def test_bad_train_config_and_roundtrip():
    with pytest.raises(ConfigError, match="TrainConfig.device"):
        TrainConfig(device="tpu")
    with pytest.raises(ConfigError, match="TrainConfig.window"):
        TrainConfig(window=0)
    c = MotionTokenizerConfig(quantizer="vq")
    assert MotionTokenizerConfig.from_dict(c.to_dict()) == c
    with pytest.raises(ConfigError, match="unknown fields"):
        MotionTokenizerConfig.from_dict({"bogus": 1})
