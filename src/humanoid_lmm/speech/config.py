"""`SpeechConfig`: offline recogniser and command-acceptance settings from `config/speech.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from humanoid_lmm.config_files import config_path, read_yaml_mapping
from humanoid_lmm.errors import ConfigError

__all__ = ["SpeechConfig", "load_speech_config"]


@dataclass(frozen=True)
class SpeechConfig:
    phrases: tuple[str, ...]
    repetitions: tuple[str, ...] = ()
    sample_rate: int = 16000  # [Hz]
    pad_silence_s: float = 0.3  # [s]
    dither: float = 32.0  # [LSB of int16] std of the Gaussian noise added before recognition
    max_command_chars: int = 200
    language_model: str = "ngram"  # "ngram": trigram model of command sentences; "grammar": JSGF phrase grammar

    def __post_init__(self):
        if not self.phrases:
            raise ConfigError("speech config: field 'phrases' must list at least one command")
        if self.sample_rate not in (8000, 16000):
            raise ConfigError(f"speech config: field 'sample_rate' must be 8000 or 16000, got {self.sample_rate}")
        if not 0 <= self.pad_silence_s <= 2:
            raise ConfigError(f"speech config: field 'pad_silence_s' must be in [0, 2] s, got {self.pad_silence_s}")
        if not 0 <= self.dither <= 1000:
            raise ConfigError(f"speech config: field 'dither' must be in [0, 1000] LSB, got {self.dither}")
        if self.language_model not in ("ngram", "grammar"):
            raise ConfigError(f"speech config: field 'language_model' must be 'ngram' or 'grammar', got {self.language_model!r}")
        if self.max_command_chars < 10:
            raise ConfigError(f"speech config: field 'max_command_chars' must be >= 10, got {self.max_command_chars}")


def load_speech_config(path: str | Path | None = None) -> SpeechConfig:
    path = config_path(path, "speech.yaml")
    raw = read_yaml_mapping(path, "speech config", set(SpeechConfig.__dataclass_fields__))
    for key in ("phrases", "repetitions"):
        if key in raw:
            if not isinstance(raw[key], list) or not all(isinstance(x, str) for x in raw[key]):
                raise ConfigError(f"{path}: field {key!r} must be a list of strings")
            raw[key] = tuple(" ".join(x.lower().split()) for x in raw[key])
    return SpeechConfig(**raw)
