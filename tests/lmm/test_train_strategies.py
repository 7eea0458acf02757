"""`lmm train --strategy S` end to end: a tiny LLaMA LMM trains on 2 CPU ranks (torchrun + gloo) with each
strategy, resumes, exports a plain folder, and generates a Motion; LoRA on top of it merges and generates."""
import json

import pytest

from lmm_fixtures import tiny_motion_tokenizer, write_tiny_corpus
from test_strategies import needs_deepspeed, torchrun
from humanoid_lmm.lmm import LargeMotionModel, MotionGenerator, SamplingConfig
from humanoid_lmm.lmm.vocab_init import embeddings_tied
from humanoid_lmm.motion import Motion

pytestmark = pytest.mark.slow
TINY = ["--arch", "llama", "--layers", "2", "--width", "64", "--heads", "2", "--positions", "256",
        "--text-vocab", "300", "--max-seconds", "4", "--batch-size", "2", "--eval-every", "2",
        "--threads", "1", "--no-progress", "--device", "cpu", "--seed", "0"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("train_strategies")
    write_tiny_corpus(tmp / "corpus")
    tiny_motion_tokenizer(tmp / "mtok")
    return tmp


def train(data, out, *args):
    torchrun(["-m", "humanoid_lmm.lmm.cli", "train", "--stage", "1", "--data", str(data / "corpus"),
              "--motion-tokenizer", str(data / "mtok"), "--out", str(out), *TINY, *args])
    return [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]


def generates(folder) -> Motion:
    gen = MotionGenerator.from_pretrained(folder, sampling=SamplingConfig(min_seconds=0.8, max_retries=5))
    motion = gen.generate("squat down", duration_s=2.0, seed=0)
    assert isinstance(motion, Motion) and motion.n_frames > 0
    return motion


@pytest.mark.parametrize("strategy", ["ddp", "fsdp2", pytest.param("deepspeed-zero2", marks=needs_deepspeed),
                                      pytest.param("deepspeed-zero3", marks=needs_deepspeed)])
def test_each_strategy_trains_resumes_and_generates(data, strategy):
    out = data / strategy
    rows = train(data, out, "--strategy", strategy, "--steps", "2", "--save-every", "2")
    assert [r["step"] for r in rows] == [1, 2] and all(r["loss"] > 0 for r in rows)
    rows = train(data, out, "--strategy", strategy, "--steps", "3", "--save-every", "2")   # resumes at step 2
    assert [r["step"] for r in rows] == [1, 2, 3] and "eval_loss" in rows[-1]
    state = __import__("torch").load(out / "checkpoint-3" / "trainer_state.pt", weights_only=False)
    assert state["strategy"] == strategy and state["step"] == 3
    lmm = LargeMotionModel.from_pretrained(out / "final")
    assert type(lmm.model).__name__ == "LlamaForCausalLM" and embeddings_tied(lmm.model)
    generates(out / "final")


def test_lora_on_fsdp2_merges_and_generates(data):
    base = data / "ddp" / "final"
    if not base.is_dir():
        train(data, data / "ddp", "--steps", "2", "--save-every", "2")
    out = data / "lora"
    rows = train(data, out, "--init", str(base), "--strategy", "fsdp2", "--lora", "8,16,0.0", "--steps", "3",
                 "--save-every", "2", "--lr", "0.01")
    assert [r["step"] for r in rows] == [1, 2, 3]
    assert (out / "final-adapter" / "adapter_model.safetensors").is_file()
    merged = LargeMotionModel.from_pretrained(out / "final")
    assert not (out / "final" / "adapter_config.json").exists() and embeddings_tied(merged.model)
    generates(out / "final")
