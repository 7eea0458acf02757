"""The motion grammar as a vLLM structured-output grammar, the request body, local checking, the server command.

vLLM's ``guidance`` structured-output backend (llguidance) takes a Lark grammar whose terminals may
be token ids: ``<[512]>`` is token 512, ``<[514-1537]>`` any token of that range. The grammar below
is the same language as :class:`humanoid_lmm.lmm.constraints.MotionGrammar` (``<mot>``, whole time
steps of P motion tokens, ``min_steps..max_steps`` of them, ``</mot>``); the server stops with eos
once it is complete. Every token that comes back is still checked here against ``MotionGrammar``
(:class:`GrammarChecker`), so a server that ignored the grammar cannot hand the robot a bad motion.

Example (a server for the built-in model on port 8000, then `humanoid-lmm generate --backend vllm`)::

    .venv-vllm/bin/python -m vllm.entrypoints.openai.api_server --model models/lmm --served-model-name lmm \\
        --port 8000 --dtype float32 --max-model-len 384 --structured-outputs-config '{"backend":"guidance"}'
"""
from __future__ import annotations

import json
from pathlib import Path

from humanoid_lmm.errors import GenerationError
from humanoid_lmm.lmm.configuration_lmm import SamplingConfig
from humanoid_lmm.lmm.constraints import GrammarState, MotionGrammar

__all__ = ["motion_grammar_lark", "completion_request", "GrammarChecker", "GrammarViolation", "server_command",
           "VLLMServer", "default_vllm_python"]


class GrammarViolation(GenerationError):
    """The server answered a token that the motion grammar does not allow (structured outputs not enforced?)."""


def motion_grammar_lark(grammar: MotionGrammar) -> str:
    """Lark grammar (llguidance token-id terminals) of the motion language of ``grammar``."""
    v = grammar.vocab
    motion = f"<[{v.motion_base}-{v.motion_base + v.codebook_size - 1}]>"
    return (f"start: <[{v.mot_id}]> step{{{grammar.min_steps},{grammar.max_steps}}} <[{v.eot_id}]>\n"
            f"step: {' '.join([motion] * v.num_parts)}")


def completion_request(prompt: list[int], grammar: MotionGrammar, sampling: SamplingConfig, seed: int,
                       model: str, stream: bool = True) -> dict:
    """Body of ``POST /v1/completions``: token-id prompt, the grammar, the local sampling settings."""
    v = grammar.vocab
    body = {
        "model": model, "prompt": list(map(int, prompt)), "max_tokens": grammar.max_steps * v.num_parts + 3,
        "temperature": float(sampling.temperature), "top_p": float(sampling.top_p), "seed": int(seed),
        "stream": bool(stream), "return_token_ids": True, "skip_special_tokens": False,
        "add_special_tokens": False, "stop_token_ids": [int(v.eos_id)],
        "structured_outputs": {"grammar": motion_grammar_lark(grammar)},
    }
    if sampling.top_k:
        body["top_k"] = int(sampling.top_k)
    return body


class GrammarChecker:
    """Feeds returned token ids through ``MotionGrammar`` one by one; raises GrammarViolation on the first bad one."""

    def __init__(self, grammar: MotionGrammar):
        self.grammar, self.state, self.count = grammar, GrammarState(), 0

    @property
    def done(self) -> bool:
        """True once ``</mot>`` was accepted (only eos may follow)."""
        return self.state.phase == 2

    def feed(self, token: int) -> int:
        token = int(token)
        g = self.grammar
        situation = g.situation(self.state)
        ok = 0 <= token < g.num_logits and float(g.mask(self.state)[token]) == 0.0
        if not ok:
            raise GrammarViolation(
                f"the server answered token {token} at position {self.count} where the motion grammar allows only "
                f"{situation!r} ({self.state.n} motion tokens so far); is it running with "
                "--structured-outputs-config '{\"backend\":\"guidance\"}'?")
        self.state.advance(token, g.vocab)
        self.count += 1
        return token


def default_vllm_python() -> Path:
    """The vLLM venv's interpreter (``scripts/install_vllm.sh``: ``<project>/.venv-vllm``)."""
    from humanoid_lmm import project_root

    return project_root() / ".venv-vllm" / "bin" / "python"


def server_command(model_dir: str | Path, port: int = 8000, served_name: str = "lmm", host: str = "127.0.0.1",
                   python: str | Path | None = None, max_model_len: int | None = None,
                   dtype: str = "auto", extra: list[str] | None = None) -> list[str]:
    """argv of an OpenAI-compatible vLLM server for an LMM folder, with the guidance grammar backend."""
    d = Path(model_dir)
    if max_model_len is None:
        max_model_len = int(json.loads((d / "lmm_config.json").read_text())["n_positions"])
    return [str(python or default_vllm_python()), "-m", "vllm.entrypoints.openai.api_server", "--model", str(d),
            "--served-model-name", served_name, "--host", host, "--port", str(port), "--dtype", dtype,
            "--max-model-len", str(max_model_len), "--structured-outputs-config", '{"backend":"guidance"}',
            *(extra or [])]


class VLLMServer:
    """A vLLM server process for an LMM folder (tests, demos): ``with VLLMServer(d, port) as s: s.url``.

    Waits until ``GET /v1/models`` answers (CPU start-up with compilation: ~1-2 min on 2 cores);
    the server's output goes to ``log`` (a path), so a failed start can be read there.
    """

    def __init__(self, model_dir, port: int, log, python=None, startup_timeout_s: float = 600.0,
                 env: dict | None = None, **kw):
        self.argv = server_command(model_dir, port, python=python, **kw)
        self.url, self.log, self.timeout, self.env = f"http://127.0.0.1:{port}", Path(log), startup_timeout_s, env
        self.proc, self.startup_s = None, None

    def __enter__(self) -> "VLLMServer":
        import os
        import subprocess
        import time

        import requests

        env = dict(os.environ, VLLM_CPU_KVCACHE_SPACE="1", **(self.env or {}))
        t0 = time.monotonic()
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, env=env,
                                         start_new_session=True)
        while time.monotonic() - t0 < self.timeout:
            if self.proc.poll() is not None:
                raise GenerationError(f"vLLM server exited with {self.proc.returncode} during start-up; see {self.log}")
            try:
                if requests.get(f"{self.url}/v1/models", timeout=2).status_code == 200:
                    self.startup_s = time.monotonic() - t0
                    return self
            except requests.RequestException:
                pass
            time.sleep(1.0)
        self.__exit__(None, None, None)
        raise GenerationError(f"vLLM server did not answer within {self.timeout} s; see {self.log}")

    def __exit__(self, *exc) -> None:
        import os
        import signal
        import subprocess

        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)   # its own session: the server and its engine workers
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
