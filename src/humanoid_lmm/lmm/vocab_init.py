"""Initial values of the motion rows (``<mot>``, ``</mot>``, ``<motion_k>``) of a big checkpoint.

When a pretrained LLM (LLaMA-2 7B, ...) gets the motion vocabulary, ``resize_token_embeddings`` adds
rows to the input embedding and, when it is not tied, to ``lm_head``. Their start values matter:
rows drawn at random at the initializer's scale (std 0.02) need not match the scale of trained rows,
and a new token whose output row is large can take most of the probability mass at step 0, so the
first steps mostly undo the initialisation.
Following Hewitt (2021, "Initializing new word embeddings for pretrained language models"), each new
row here is the **mean of the text rows** plus Gaussian noise of ``noise`` times the per-dimension
standard deviation of the text rows (1 % by default: rows are distinct, but every new token starts
with almost the logit of an "average" text token, so the pretrained text distribution is barely
changed and the motion tokens start equally likely among themselves).

Unlike transformers' own mean resizing (``resize_token_embeddings(mean_resizing=True)``), this sets
exactly the motion ids, also where they fall into rows that were already there (checkpoints whose
embedding is padded past the tokenizer), and averages over text ids only (never padded rows).

Example::

    lmm = LargeMotionModel.create(LMMConfig(base_model="/models/llama-2-7b", codebook_size=1024, ...))
    init_motion_rows(lmm.model, lmm.vocab)       # done by `lmm train` unless --motion-init hf
"""
from __future__ import annotations

import numpy as np
import torch

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm.processing_lmm import MotionVocab

__all__ = ["motion_token_ids", "init_motion_rows", "embeddings_tied", "code_alignment", "remap_motion_rows"]


def motion_token_ids(vocab: MotionVocab) -> list[int]:
    """Ids of ``<mot>``, ``</mot>`` and every ``<motion_k>``: the rows the motion vocabulary added."""
    return [vocab.mot_id, vocab.eot_id] + list(range(vocab.motion_base, vocab.motion_base + vocab.codebook_size))


def embeddings_tied(model) -> bool:
    """True when the output head shares its weight tensor with the input embedding."""
    out = model.get_output_embeddings()
    return out is not None and out.weight is model.get_input_embeddings().weight


@torch.no_grad()
def _set_rows(weight: torch.Tensor, new: list[int], n_text: int, noise: float, gen: torch.Generator) -> None:
    text = weight[:n_text].float()                                  # (T, E)
    mean, std = text.mean(dim=0), text.std(dim=0)                   # (E,), (E,)
    eps = torch.randn(len(new), weight.shape[1], generator=gen)     # (N, E)
    weight[new] = (mean + noise * std * eps).to(weight.dtype)


@torch.no_grad()
def init_motion_rows(model, vocab: MotionVocab, noise: float = 0.01, seed: int = 0) -> dict:
    """Set the motion rows of the input embedding and of an untied ``lm_head`` (see the module doc).

    Text rows are the ids below the first motion id (the base tokenizer's vocabulary). Returns a
    summary: rows set, text rows averaged, whether the head is tied (then it is set once, through
    the shared tensor). A bias of the output head, if any, gets the mean text bias.
    """
    new = motion_token_ids(vocab)
    n_text = min(new)
    emb = model.get_input_embeddings().weight
    if n_text < 2 or max(new) >= emb.shape[0]:
        raise ConfigError(f"motion ids [{n_text}, {max(new)}] do not fit an embedding of {emb.shape[0]} rows "
                          "after at least 2 text rows; resize the model to the tokenizer first")
    gen = torch.Generator().manual_seed(seed)
    _set_rows(emb, new, n_text, noise, gen)
    tied = embeddings_tied(model)
    head = model.get_output_embeddings()
    if head is not None and not tied:
        _set_rows(head.weight, new, n_text, noise, gen)
        if getattr(head, "bias", None) is not None:
            head.bias[new] = head.bias[:n_text].mean()
    return {"rows": len(new), "text_rows": n_text, "tied": tied, "noise": noise}


def code_alignment(old: list[np.ndarray], new: list[np.ndarray], codebook_size: int) -> np.ndarray:
    """(K,) for each code of a new motion tokenizer, the code of the old one that most often stands at the same
    place (clip, time step, part) when both encode the same clips; a code never used by the new one maps to
    itself. ``old``/``new``: (S, P) codes of the same clips, pairwise of equal shape."""
    counts = np.zeros((codebook_size, codebook_size), np.int64)   # [new, old]
    for o, n in zip(old, new):
        o, n = np.asarray(o), np.asarray(n)
        if o.shape != n.shape:
            raise ConfigError(f"code_alignment: the tokenizers give {o.shape} and {n.shape} codes for one clip; "
                              "they must share downsampling and parts")
        np.add.at(counts, (n.ravel(), o.ravel()), 1)
    source = counts.argmax(1)
    unseen = counts.sum(1) == 0
    source[unseen] = np.flatnonzero(unseen)
    return source


@torch.no_grad()
def remap_motion_rows(model, vocab: MotionVocab, source: np.ndarray) -> int:
    """Move a trained LMM onto a new motion tokenizer's ids: the embedding row (and untied output row and
    bias) of ``<motion_c>`` becomes the old row of ``<motion_source[c]>`` (:func:`code_alignment`), so the
    model starts out predicting, in the new ids, what it predicted in the old ones. Returns the rows changed."""
    source = np.asarray(source)
    if source.shape != (vocab.codebook_size,) or source.min() < 0 or source.max() >= vocab.codebook_size:
        raise ConfigError(f"remap_motion_rows: source must be {vocab.codebook_size} codes in [0, {vocab.codebook_size})")
    ids = torch.arange(vocab.codebook_size) + vocab.motion_base
    src = torch.as_tensor(source, dtype=torch.long) + vocab.motion_base
    emb = model.get_input_embeddings().weight
    emb[ids] = emb[src].clone()
    head = model.get_output_embeddings()
    if head is not None and not embeddings_tied(model):
        head.weight[ids] = head.weight[src].clone()
        if getattr(head, "bias", None) is not None:
            head.bias[ids] = head.bias[src].clone()
    return int((source != np.arange(vocab.codebook_size)).sum())
