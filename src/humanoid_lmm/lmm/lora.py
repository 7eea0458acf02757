"""PEFT LoRA fine-tuning of a (big) LMM: adapters on every linear layer + the motion-token rows.

A pretrained LLM that just got the motion vocabulary has untrained motion rows, so a LoRA run must
train those rows as well. They are trained with PEFT's ``trainable_token_indices``: only the rows of
``<mot>``, ``</mot>`` and ``<motion_k>`` get a delta (0.2 MB instead of a full copy of the embedding
that ``modules_to_save`` would train and save). When the output head is tied to the embedding
(GPT-2, the built-in models) the shared delta trains both and the tie is kept; when it is untied
(LLaMA-2 7B/13B) ``lm_head`` is listed too, otherwise the motion tokens' output rows never train.

Example::

    peft_model = apply_lora(lmm.model, lmm.vocab, LoRASpec.parse("16,32,0.05"))
    ...train...
    save_adapter(peft_model, lmm, "runs/lora/adapter")
    merged = merge_adapter("models/lmm-7b", "runs/lora/adapter", "runs/lora/merged")  # plain checkpoint
"""
from __future__ import annotations

import json
from pathlib import Path

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm.configuration_scale import LoRASpec
from humanoid_lmm.lmm.vocab_init import embeddings_tied, motion_token_ids

__all__ = ["lora_config", "apply_lora", "save_adapter", "load_adapter", "merge_lora", "merge_adapter",
           "is_peft_model", "ADAPTER_META"]

ADAPTER_META = "lmm_adapter.json"   # which base the adapter belongs to, and its LoRASpec


def _module_name(model, module) -> str:
    names = [n for n, m in model.named_modules() if m is module]
    if not names:
        raise ConfigError("the model's embedding module is not one of its sub-modules")
    return names[0].split(".")[-1]


def lora_config(model, vocab, spec: LoRASpec):
    """The ``peft.LoraConfig`` for ``model`` (see the module doc for the trainable rows)."""
    from peft import LoraConfig

    ids = motion_token_ids(vocab)
    tokens = {_module_name(model, model.get_input_embeddings()): ids}
    if not embeddings_tied(model) and model.get_output_embeddings() is not None:
        tokens[_module_name(model, model.get_output_embeddings())] = ids
    return LoraConfig(r=spec.r, lora_alpha=spec.alpha, lora_dropout=spec.dropout,
                      target_modules=spec.target_modules, trainable_token_indices=tokens,
                      task_type="CAUSAL_LM")


def is_peft_model(model) -> bool:
    return hasattr(model, "peft_config") and hasattr(model, "merge_and_unload")


def apply_lora(model, vocab, spec: LoRASpec):
    """Wrap ``model`` (modified in place) in a ``PeftModel``; only LoRA and motion-row deltas train."""
    import warnings

    from peft import get_peft_model

    with warnings.catch_warnings():   # GPT-2's Conv1D: PEFT notes that it sets fan_in_fan_out itself
        warnings.filterwarnings("ignore", message=".*fan_in_fan_out.*")
        return get_peft_model(model, lora_config(model, vocab, spec))


def save_adapter(peft_model, lmm, directory, spec: LoRASpec | None = None, base: str | Path | None = None) -> Path:
    """Adapter (``adapter_model.safetensors``) + the tokenizer and lmm_config it needs + ``lmm_adapter.json``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    peft_model.save_pretrained(out, safe_serialization=True)
    lmm.tokenizer.save_pretrained(out)
    lmm.config.save(out)
    meta = {"lora": str(spec) if spec else None, "base": str(base) if base else None,
            "tied": embeddings_tied(peft_model.get_base_model())}
    (out / ADAPTER_META).write_text(json.dumps(meta, indent=2) + "\n")
    return out


def load_adapter(model, directory, trainable: bool = False):
    """``PeftModel`` of ``model`` (a plain causal LM, modified in place) with the adapter at ``directory``."""
    from peft import PeftModel

    d = Path(directory)
    if not (d / "adapter_config.json").is_file():
        raise ConfigError(f"{d} holds no LoRA adapter (adapter_config.json is missing)")
    return PeftModel.from_pretrained(model, d, is_trainable=trainable)


def merge_lora(peft_model):
    """Fold the LoRA and motion-row deltas into the weights; returns the plain model (tie kept)."""
    tied = embeddings_tied(peft_model.get_base_model())
    model = peft_model.merge_and_unload()
    if tied and not embeddings_tied(model):
        model.tie_weights()
    if tied and not embeddings_tied(model):
        raise ConfigError("merging the adapter untied the embedding and lm_head")
    return model


def merge_adapter(base_dir, adapter_dir, out_dir, device: str = "cpu") -> Path:
    """Base LMM directory + adapter directory -> a plain LMM directory that ``generate`` loads."""
    from humanoid_lmm.lmm.modeling_lmm import LargeMotionModel, resolve_path

    base = LargeMotionModel.from_pretrained(base_dir, device=device)
    merged = merge_lora(load_adapter(base.model, adapter_dir))
    lmm = LargeMotionModel(merged, base.tokenizer, base.config, directory=base.directory)
    mt = resolve_path(base.config.motion_tokenizer, base.directory) if base.config.motion_tokenizer else None
    return lmm.save_pretrained(out_dir, motion_tokenizer_src=mt if mt is not None and mt.exists() else None)
