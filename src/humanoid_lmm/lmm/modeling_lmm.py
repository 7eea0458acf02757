"""LargeMotionModel: a Hugging Face causal LM whose vocabulary carries MotionBook tokens.

Build from a small GPT-2 / LLaMA config (with a byte-level BPE text tokenizer trained on the corpus)
or from any local decoder-only model directory (its own text tokenizer is kept). Saved with
``save_pretrained`` (safetensors) together with the tokenizer and ``lmm_config.json``.
"""
from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Iterable

import torch

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm.configuration_lmm import LMMConfig
from humanoid_lmm.lmm.processing_lmm import MotionVocab, add_motion_tokens, train_text_tokenizer

__all__ = ["LargeMotionModel", "build_causal_lm", "resolve_path", "default_model_dir", "load_motion_tokenizer"]


def load_motion_tokenizer(path: str | Path, device: str | torch.device = "cpu"):
    """The MotionBook tokenizer at ``path`` (``humanoid_lmm.tokenizer`` contract)."""
    try:
        from humanoid_lmm.tokenizer import load_motion_tokenizer as load
    except ImportError:  # package __init__ without re-exports
        from humanoid_lmm.tokenizer.tokenizer import load_motion_tokenizer as load
    if not Path(path).exists():
        raise ConfigError(f"motion tokenizer checkpoint {path} does not exist")
    return load(path, device=device)


def default_model_dir() -> Path:
    """The committed built-in model (``models/lmm`` in the checkout or the installed share folder)."""
    from humanoid_lmm import project_root

    return project_root() / "models" / "lmm"


def resolve_path(path: str | Path, base: str | Path | None = None) -> Path:
    """Resolve a relative path against ``base`` first, then the project root, then the cwd."""
    p = Path(path)
    if p.is_absolute():
        return p
    cands = [Path(base) / p] if base is not None else []
    try:
        from humanoid_lmm import project_root

        cands.append(project_root() / p)
    except FileNotFoundError:
        pass
    cands.append(Path.cwd() / p)
    for c in cands:
        if c.exists():
            return c
    return cands[0]


def build_causal_lm(cfg: LMMConfig, vocab_size: int, eos_id: int, pad_id: int):
    """A randomly initialised GPT-2 or LLaMA causal LM of the configured size."""
    from transformers import AutoModelForCausalLM, GPT2Config, LlamaConfig

    if cfg.arch == "gpt2":
        hf = GPT2Config(vocab_size=vocab_size, n_positions=cfg.n_positions, n_embd=cfg.n_embd,
                        n_layer=cfg.n_layer, n_head=cfg.n_head, resid_pdrop=cfg.dropout,
                        embd_pdrop=cfg.dropout, attn_pdrop=cfg.dropout,
                        bos_token_id=eos_id, eos_token_id=eos_id, pad_token_id=pad_id)
    elif cfg.arch == "llama":
        hf = LlamaConfig(vocab_size=vocab_size, hidden_size=cfg.n_embd, intermediate_size=cfg.n_embd * 4,
                         num_hidden_layers=cfg.n_layer, num_attention_heads=cfg.n_head,
                         num_key_value_heads=cfg.n_head, max_position_embeddings=cfg.n_positions,
                         attention_dropout=cfg.dropout, tie_word_embeddings=True,
                         bos_token_id=eos_id, eos_token_id=eos_id, pad_token_id=pad_id)
    else:  # LMMConfig validated this already
        raise ConfigError(f"arch={cfg.arch!r} is invalid: choose gpt2 or llama")
    return AutoModelForCausalLM.from_config(hf)


class LargeMotionModel:
    """Causal LM + text tokenizer (extended with motion tokens) + :class:`LMMConfig`."""

    def __init__(self, model, tokenizer, config: LMMConfig, directory: Path | None = None):
        self.model = model            # transformers PreTrainedModel (causal LM)
        self.tokenizer = tokenizer    # PreTrainedTokenizerFast with <mot>, </mot>, <motion_k>
        self.config = config
        self.directory = directory    # where it was loaded from (resolves motion_tokenizer)
        self.vocab = MotionVocab.from_tokenizer(tokenizer, config.codebook_size, config.num_parts)
        rows = model.get_input_embeddings().num_embeddings
        if rows < self.vocab.vocab_size:
            raise ConfigError(f"model has {rows} embedding rows but the tokenizer has {self.vocab.vocab_size} tokens")
        self._motion_tokenizer = None

    # ----------------------------------------------------------------------------------------- build
    @classmethod
    def create(cls, config: LMMConfig, texts: Iterable[str] = ()) -> "LargeMotionModel":
        """New model: from ``config.base_model`` (local dir, offline) or from a config + BPE on ``texts``."""
        if config.base_model:
            from transformers import AutoModelForCausalLM, AutoTokenizer

            base = Path(config.base_model)
            if not base.is_dir():
                raise ConfigError(f"base_model={config.base_model!r} is not a local directory (no downloads)")
            tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(base, local_files_only=True)
            add_motion_tokens(tokenizer, config.codebook_size)
            model.resize_token_embeddings(len(tokenizer))
        else:
            texts = list(texts)
            if not texts:
                raise ConfigError("texts is empty: a built-in text tokenizer needs corpus text to train on")
            tokenizer = train_text_tokenizer(texts, config.text_vocab_size)
            add_motion_tokens(tokenizer, config.codebook_size)
            model = build_causal_lm(config, len(tokenizer), tokenizer.eos_token_id, tokenizer.pad_token_id)
        model.config.pad_token_id = tokenizer.pad_token_id
        return cls(model, tokenizer, config)

    def warm_started(self, config: LMMConfig) -> "LargeMotionModel":
        """New model of ``config`` that keeps this model's text tokenizer and every weight that fits.

        Tensors of equal shape are copied; tables that only grew or shrank along their first axis
        (position embeddings when ``n_positions`` changes) keep their overlapping rows. Used to retrain
        on a new motion tokenizer (the codes change meaning) without relearning the text side."""
        if config.codebook_size != self.config.codebook_size:
            raise ConfigError(f"codebook_size={config.codebook_size}: warm start needs the source's "
                              f"{self.config.codebook_size} motion tokens (same vocabulary)")
        if config.arch != self.config.arch or config.base_model:
            raise ConfigError(f"arch={config.arch!r}: warm start needs the source's arch {self.config.arch!r}")
        tokenizer = copy.deepcopy(self.tokenizer)
        model = build_causal_lm(config, len(tokenizer), tokenizer.eos_token_id, tokenizer.pad_token_id)
        model.config.pad_token_id = tokenizer.pad_token_id
        src = getattr(self.model, "module", self.model).state_dict()
        with torch.no_grad():
            for name, dst in model.state_dict().items():
                old = src.get(name)
                if old is None or old.dim() != dst.dim() or old.shape[1:] != dst.shape[1:]:
                    continue
                n = min(old.shape[0], dst.shape[0]) if old.dim() else None
                dst.copy_(old) if n is None else dst[:n].copy_(old[:n])
        return LargeMotionModel(model, tokenizer, config)

    # ------------------------------------------------------------------------------------- save/load
    def save_pretrained(self, directory: str | Path, motion_tokenizer_src: str | Path | None = None) -> Path:
        """Write model (safetensors), tokenizer and lmm_config.json; optionally bundle the motion tokenizer."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        model = getattr(self.model, "module", self.model)
        model.save_pretrained(out, safe_serialization=True)
        self.tokenizer.save_pretrained(out)
        if motion_tokenizer_src is not None:
            src = Path(motion_tokenizer_src)
            dst = out / "motion_tokenizer"
            if dst.resolve() != src.resolve():
                if dst.exists():
                    shutil.rmtree(dst) if dst.is_dir() else dst.unlink()
                shutil.copytree(src, dst) if src.is_dir() else shutil.copy2(src, dst)
            self.config.motion_tokenizer = "motion_tokenizer"
        self.config.save(out)
        return out

    @classmethod
    def from_pretrained(cls, directory: str | Path | None = None, device: str | torch.device = "cpu",
                        dtype: torch.dtype | None = None) -> "LargeMotionModel":
        """Load from a local directory (default: the committed built-in model); never downloads."""
        from transformers import AutoModelForCausalLM, AutoTokenizer

        d = Path(directory) if directory is not None else default_model_dir()
        if not d.is_dir():
            raise ConfigError(f"LMM directory {d} does not exist; train one with `humanoid-lmm lmm train`")
        config = LMMConfig.load(d)
        tokenizer = AutoTokenizer.from_pretrained(d, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(d, local_files_only=True, dtype=dtype)
        model.to(device).eval()
        return cls(model, tokenizer, config, directory=d)

    # ------------------------------------------------------------------------------ motion tokenizer
    @property
    def motion_tokenizer(self):
        """The MotionBook tokenizer named by the config (loaded lazily, checked against the vocabulary)."""
        if self._motion_tokenizer is None:
            if not self.config.motion_tokenizer:
                raise ConfigError("motion_tokenizer is empty in lmm_config.json: this LMM names no motion tokenizer")
            self.set_motion_tokenizer(load_motion_tokenizer(resolve_path(self.config.motion_tokenizer, self.directory)))
        return self._motion_tokenizer

    def set_motion_tokenizer(self, tok) -> None:
        """Attach an already loaded motion tokenizer; its K, P, alpha and fps must match the config."""
        c = self.config
        for name, want in (("codebook_size", c.codebook_size), ("num_parts", c.num_parts),
                           ("downsample", c.downsample)):
            got = int(getattr(tok, name))
            if got != want:
                raise ConfigError(f"motion tokenizer {name}={got} does not match the LMM's {name}={want}")
        if abs(float(tok.fps) - c.fps) > 1e-6:
            raise ConfigError(f"motion tokenizer fps={tok.fps} does not match the LMM's fps={c.fps}")
        self._motion_tokenizer = tok

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())
