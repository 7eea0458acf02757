"""Tokenizer stage: MotionBook 2D-LFQ motion tokenizer (+ EMA VQ-VAE baseline), Motion <-> token ids.

See docs/tokenizer.md. Public contract::

    from humanoid_lmm.tokenizer import MotionTokenizer, load_motion_tokenizer
    tok = load_motion_tokenizer("models/motionbook")
    ids = tok.encode(motion)          # (S, P) int64, time-major / part-minor
    motion = tok.decode(ids)
"""

from .configuration import MotionTokenizerConfig, TrainConfig
from .evaluate import evaluate_tokenizer, reconstruction_errors
from .modeling import MotionBook
from .parts import PART_LAYOUTS, part_columns, part_names
from .quantizers import EMAVectorQuantizer, LookupFreeQuantizer
from .tokenizer import MotionTokenizer, load_motion_tokenizer

__all__ = [
    "MotionTokenizer",
    "load_motion_tokenizer",
    "MotionTokenizerConfig",
    "TrainConfig",
    "MotionBook",
    "LookupFreeQuantizer",
    "EMAVectorQuantizer",
    "PART_LAYOUTS",
    "part_columns",
    "part_names",
    "evaluate_tokenizer",
    "reconstruction_errors",
]
