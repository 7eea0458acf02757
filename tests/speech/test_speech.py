"""Offline speech with real pocketsphinx on real espeak-ng audio, and command acceptance."""

import shutil
import subprocess
import wave

import numpy as np
import pytest

from humanoid_lmm.errors import CommandRejected, ConfigError
from humanoid_lmm.speech import (
    AudioError,
    CommandRecognizer,
    accept_command,
    command_grammar,
    load_speech_config,
    normalize_command,
    read_wav,
)
from humanoid_lmm.speech.config import SpeechConfig

CFG = load_speech_config()
SPOKEN = [
    "wave your right hand",
    "raise both arms",
    "bow",
    "turn left",
    "kick with your left leg",
    "clap your hands twice",
    "jump three times",
    "point to the right",
    "step forward",
    "put your hands on your hips",
]

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed (scripts/install.sh)")


@pytest.fixture(scope="module")
def recognizer():
    return CommandRecognizer(CFG)


def _speak(text, path, speed=150):
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(speed), "-w", str(path), text], check=True)
    return path


@needs_espeak
def test_spoken_commands_are_recognised(recognizer, tmp_path):
    heard = [recognizer.transcribe_wav(_speak(c, tmp_path / f"{i}.wav")) for i, c in enumerate(SPOKEN)]
    right = sum(h == c for h, c in zip(heard, SPOKEN))
    assert right >= 8, list(zip(SPOKEN, heard))


@needs_espeak
def test_recognition_is_deterministic(recognizer, tmp_path):
    wav = _speak("raise your left knee", tmp_path / "k.wav", speed=175)
    assert recognizer.transcribe_wav(wav) == recognizer.transcribe_wav(wav)


def test_silence_is_refused(recognizer, tmp_path):
    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes(np.zeros(16000, np.int16).tobytes())
    with pytest.raises(CommandRejected) as e:
        recognizer.command_from_wav(path)
    assert e.value.reason == "empty"


def test_grammar_lists_every_phrase_and_checks_dictionary():
    g = command_grammar(CFG)
    for phrase in CFG.phrases:
        assert phrase in g
    with pytest.raises(ConfigError, match="not in the pronunciation dictionary.*zorblax"):
        command_grammar(SpeechConfig(phrases=("wave zorblax",)), lookup=lambda w: None if w == "zorblax" else "x")


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("   \n\t", "empty"),
        ("a" * 10_000, "too_long"),
        ("挥动你的右手", "not_english"),
        ("помаши правой рукой", "not_english"),
        ("the weather is nice today", "out_of_scope"),
        ("asdf qwer zxcv", "out_of_scope"),
        ("12345", "not_english"),
    ],
)
def test_bad_commands_are_refused_with_a_reason(text, reason):
    with pytest.raises(CommandRejected) as e:
        accept_command(text, CFG)
    assert e.value.reason == reason


def test_good_command_is_normalised():
    assert accept_command("  Wave, your RIGHT hand! ", CFG) == "wave your right hand"
    assert normalize_command("Step-forward   twice.") == "step forward twice"


def test_read_wav_converts_rate_channels_width(tmp_path):
    t = np.arange(44100) / 44100
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    path = tmp_path / "stereo.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(44100)
        w.writeframes(np.stack([tone, tone], axis=1).tobytes())
    x = read_wav(path, 16000)
    assert x.dtype == np.int16 and abs(len(x) - 16000) <= 1
    spectrum = np.abs(np.fft.rfft(x.astype(float)))
    assert abs(np.argmax(spectrum) * 16000 / len(x) - 440) < 2  # same pitch after resampling


def test_malformed_wav_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF0000WAVEnot really")
    with pytest.raises(AudioError, match="not a readable PCM WAV"):
        read_wav(bad)


def test_config_errors_name_the_field(tmp_path):
    p = tmp_path / "speech.yaml"
    p.write_text("phrases: [wave]\nsample_rate: 44100\n")
    with pytest.raises(ConfigError, match="sample_rate"):
        load_speech_config(p)
    p.write_text("phrases: [wave]\nvolume: 3\n")
    with pytest.raises(ConfigError, match="unknown field.*volume"):
        load_speech_config(p)
