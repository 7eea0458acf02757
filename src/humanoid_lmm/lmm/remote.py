"""Remote generation: the LMM served by an OpenAI-compatible vLLM server instead of in-process.

:class:`RemoteMotionGenerator` is a :class:`MotionGenerator` whose sampler is the server: prompts,
duration bounds, retries with new seeds, streaming in chunks and decoding to SMPL are the local
code. The robot side holds only the text tokenizer, ``lmm_config.json`` and the (small) motion
tokenizer, never the LLM weights. The server decodes under the motion grammar (vLLM structured
outputs, :mod:`humanoid_lmm.lmm.vllm_serving`); every token it returns is checked again locally.
What the robot executes still passes retargeting, MuJoCo validation and the safety filter, whatever
the server answers; a server that is down or answers outside the grammar raises a GenerationError
within ``timeout_s`` x ``retries`` (the nodes then publish a failed status and nothing moves).

Example::

    cfg = BackendConfig(backend="vllm", url="http://127.0.0.1:8000", model="lmm")
    gen = make_generator(cfg)                         # local folder: the built-in models/lmm
    motion = gen.generate("wave your right hand", seed=0)
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from humanoid_lmm.errors import ConfigError, GenerationError
from humanoid_lmm.lmm.configuration_lmm import LMMConfig, SamplingConfig
from humanoid_lmm.lmm.constraints import MotionGrammar
from humanoid_lmm.lmm.generation import MotionGenerator
from humanoid_lmm.lmm.modeling_lmm import LargeMotionModel, default_model_dir
from humanoid_lmm.lmm.processing_lmm import MotionVocab
from humanoid_lmm.lmm.vllm_serving import GrammarChecker, completion_request

__all__ = ["BACKENDS", "BackendConfig", "ServerUnavailable", "VLLMClient", "ServedLMM", "RemoteMotionGenerator",
           "make_generator"]

BACKENDS = ("local", "vllm")


class ServerUnavailable(GenerationError):
    """The generation server could not be reached or failed, after every retry."""


@dataclass(frozen=True)
class BackendConfig:
    """Where motions are sampled.

    backend: "local" (the model in this process) or "vllm" (an OpenAI-compatible vLLM server).
    url: the server's base URL (``http://host:port``; ``/v1`` is added). model: its served model name
    ("" = the first one the server lists). timeout_s: connect and between-chunk read timeout [s];
    request_timeout_s: a whole request [s]. retries: attempts per request on connection errors,
    timeouts and 5xx answers, ``backoff_s`` [s] apart (doubling).
    """

    backend: str = "local"
    url: str = "http://127.0.0.1:8000"
    model: str = ""
    timeout_s: float = 10.0
    request_timeout_s: float = 60.0
    retries: int = 3
    backoff_s: float = 0.5

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ConfigError(f"generator.backend={self.backend!r} is invalid: choose one of {', '.join(BACKENDS)}")
        if self.backend == "vllm" and not str(self.url).startswith(("http://", "https://")):
            raise ConfigError(f"generator.url={self.url!r} is invalid: give http://host:port of the vLLM server")
        for name in ("timeout_s", "request_timeout_s"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"generator.{name}={getattr(self, name)!r} is invalid: must be > 0 [s]")
        if not (isinstance(self.retries, int) and 1 <= self.retries <= 10):
            raise ConfigError(f"generator.retries={self.retries!r} is invalid: must be an integer in [1, 10]")
        if not self.backoff_s >= 0:
            raise ConfigError(f"generator.backoff_s={self.backoff_s!r} is invalid: must be >= 0 [s]")


class VLLMClient:
    """Streams completion token ids from ``POST {url}/v1/completions`` with timeouts and retries."""

    def __init__(self, cfg: BackendConfig):
        import requests

        self.cfg, self.base = cfg, str(cfg.url).rstrip("/").removesuffix("/v1") + "/v1"
        self._session, self._model = requests.Session(), cfg.model or None

    def _retrying(self, what: str, call):
        import requests

        last, wait = None, self.cfg.backoff_s
        for attempt in range(self.cfg.retries):
            try:
                return call()
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = f"{type(exc).__name__}: {exc}"
            except _Retryable as exc:
                last = str(exc)
            if attempt + 1 < self.cfg.retries:
                time.sleep(wait)
                wait *= 2
        raise ServerUnavailable(f"vLLM server at {self.cfg.url} {what} failed after {self.cfg.retries} attempts "
                                f"(timeout {self.cfg.timeout_s} s): {last}")

    def model_name(self) -> str:
        if self._model is None:
            def ask():
                r = self._session.get(f"{self.base}/models", timeout=self.cfg.timeout_s)
                _check_status(r)
                return r.json()["data"][0]["id"]
            self._model = self._retrying("GET /v1/models", ask)
        return self._model

    def stream_tokens(self, body: dict) -> Iterator[int]:
        """Token ids as the server streams them; retried only before the first token arrived."""
        body = dict(body, model=self.model_name(), stream=True)
        started = time.monotonic()
        response = self._retrying("POST /v1/completions", lambda: self._open(body))
        try:
            for line in response.iter_lines(decode_unicode=True):
                if time.monotonic() - started > self.cfg.request_timeout_s:
                    raise ServerUnavailable(f"vLLM server at {self.cfg.url}: no complete answer within "
                                            f"{self.cfg.request_timeout_s} s")
                if not line or not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                chunk = json.loads(data)
                if "error" in chunk:
                    raise ServerUnavailable(f"vLLM server at {self.cfg.url} failed mid-answer: {chunk['error']}")
                for choice in chunk.get("choices", []):
                    if choice.get("token_ids") is None:
                        raise GenerationError("the server returns no token_ids (needs vLLM >= 0.10: return_token_ids)")
                    yield from (int(t) for t in choice["token_ids"])
        except (ValueError, OSError) as exc:   # JSON, dropped connection, read timeout mid-stream
            raise ServerUnavailable(f"vLLM server at {self.cfg.url} broke off its answer: {exc}") from exc
        finally:
            response.close()

    def _open(self, body: dict):
        r = self._session.post(f"{self.base}/completions", json=body, stream=True,
                               timeout=(self.cfg.timeout_s, self.cfg.timeout_s))
        _check_status(r)
        return r


class _Retryable(Exception):
    pass


def _check_status(r) -> None:
    if r.status_code == 200:
        return
    text = r.text[:300]
    if r.status_code >= 500 or r.status_code == 429:
        raise _Retryable(f"HTTP {r.status_code}: {text}")
    raise ServerUnavailable(f"vLLM server refused the request: HTTP {r.status_code}: {text}")


class ServedLMM:
    """What the robot side needs of a served LMM: tokenizer, config, vocabulary, motion tokenizer (no weights)."""

    def __init__(self, directory: str | Path | None = None):
        from transformers import AutoTokenizer

        d = Path(directory) if directory is not None else default_model_dir()
        self.directory, self.config = d, LMMConfig.load(d)
        self.tokenizer = AutoTokenizer.from_pretrained(d, local_files_only=True)
        self.vocab = MotionVocab.from_tokenizer(self.tokenizer, self.config.codebook_size, self.config.num_parts)
        self.model, self._motion_tokenizer = None, None

    motion_tokenizer = LargeMotionModel.motion_tokenizer      # same loading and checks as the full model
    set_motion_tokenizer = LargeMotionModel.set_motion_tokenizer


class RemoteMotionGenerator(MotionGenerator):
    """MotionGenerator whose tokens come from a vLLM server (see the module doc)."""

    def __init__(self, lmm: ServedLMM, backend: BackendConfig, sampling: SamplingConfig | None = None,
                 motion_tokenizer=None):
        self.lmm, self.sampling, self.backend = lmm, sampling or SamplingConfig(), backend
        self.client = VLLMClient(backend)
        if motion_tokenizer is not None:
            lmm.set_motion_tokenizer(motion_tokenizer)

    @classmethod
    def from_pretrained(cls, directory=None, device: str = "cpu", sampling: SamplingConfig | None = None,
                        backend: BackendConfig | None = None):
        return cls(ServedLMM(directory), backend or BackendConfig(backend="vllm"), sampling)

    def _token_stream(self, prompt: list[int], grammar: MotionGrammar, seed: int) -> Iterator[int]:
        if not self.sampling.constrained:
            raise ConfigError("sampling.constrained=False: the vLLM backend always decodes under the motion grammar")
        check = GrammarChecker(grammar)
        body = completion_request(prompt, grammar, self.sampling, seed, self.backend.model or "")
        for tok in self.client.stream_tokens(body):
            if check.done and tok == self.lmm.vocab.eos_id:
                return
            yield check.feed(tok)
            if check.done:
                return

    def _hf_generate(self, prompt: list[int], grammar: MotionGrammar, seed: int) -> list[int]:
        return list(self._token_stream(prompt, grammar, seed))


def make_generator(backend: BackendConfig | None = None, model_dir=None, sampling: SamplingConfig | None = None,
                   device: str = "cpu") -> MotionGenerator:
    """The local MotionGenerator or its vLLM-backed twin, for the same LMM folder (default: the built-in one)."""
    backend = backend or BackendConfig()
    if backend.backend == "vllm":
        return RemoteMotionGenerator.from_pretrained(model_dir, sampling=sampling, backend=backend)
    return MotionGenerator.from_pretrained(model_dir, device=device, sampling=sampling)
