"""Large Motion Model: a Hugging Face causal LM with MotionBook tokens between ``<mot>`` and ``</mot>``.

Text -> motion token ids (constrained sampling, streaming) -> :class:`humanoid_lmm.motion.Motion`.
Imports only :mod:`humanoid_lmm.motion` and :mod:`humanoid_lmm.tokenizer` of the earlier stages.

    from humanoid_lmm.lmm import MotionGenerator
    motion = MotionGenerator.from_pretrained().generate("wave your right hand", seed=0)
"""

from .configuration_lmm import LMMConfig, SamplingConfig, TrainConfig
from .constraints import GrammarState, MotionGrammar, MotionLogitsProcessor, step_bounds
from .generation import MotionGenerator, sample_token
from .modeling_lmm import LargeMotionModel, build_causal_lm, default_model_dir
from .processing_lmm import EOT, MOT, MotionVocab, add_motion_tokens, format_prompt, train_text_tokenizer
from .templates import M2T_QUESTIONS, T2M_TEMPLATES, duration_phrase, with_duration

__all__ = [
    "LMMConfig", "SamplingConfig", "TrainConfig",
    "GrammarState", "MotionGrammar", "MotionLogitsProcessor", "step_bounds",
    "MotionGenerator", "sample_token",
    "LargeMotionModel", "build_causal_lm", "default_model_dir",
    "MOT", "EOT", "MotionVocab", "add_motion_tokens", "format_prompt", "train_text_tokenizer",
    "T2M_TEMPLATES", "M2T_QUESTIONS", "duration_phrase", "with_duration",
]
