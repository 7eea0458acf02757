"""Command input: normalise/accept typed text, and recognise spoken commands offline (pocketsphinx)."""

from humanoid_lmm.speech.audio import AudioError, read_wav, record_microphone
from humanoid_lmm.speech.command import accept_command, normalize_command, understand_command
from humanoid_lmm.speech.gate import AcceptedCommand, CommandGate, LanguageConfig, load_language_config
from humanoid_lmm.speech.config import SpeechConfig, load_speech_config
from humanoid_lmm.speech.grammar import command_grammar
from humanoid_lmm.speech.recognizer import CommandRecognizer

__all__ = [
    "AcceptedCommand",
    "AudioError",
    "CommandGate",
    "LanguageConfig",
    "load_language_config",
    "understand_command",
    "CommandRecognizer",
    "SpeechConfig",
    "accept_command",
    "command_grammar",
    "load_speech_config",
    "normalize_command",
    "read_wav",
    "record_microphone",
]
