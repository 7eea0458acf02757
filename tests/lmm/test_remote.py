"""vLLM backend without vLLM: grammar and request construction, and the client against a scripted HTTP stub
(streaming, retries, a server that is down, slow, or answers outside the grammar)."""
import http.server
import json
import socket
import threading
import time

import numpy as np
import pytest
import torch

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm import MotionGenerator, SamplingConfig
from humanoid_lmm.lmm.remote import BackendConfig, RemoteMotionGenerator, ServedLMM, ServerUnavailable, make_generator
from humanoid_lmm.lmm.vllm_serving import (GrammarChecker, GrammarViolation, completion_request, motion_grammar_lark,
                                           server_command)

torch.set_num_threads(1)
GREEDY = SamplingConfig(temperature=0)


@pytest.fixture(scope="module")
def local():
    return MotionGenerator.from_pretrained(sampling=GREEDY)     # the committed built-in model


def test_grammar_and_request_follow_the_local_grammar(local):
    prompt, grammar = local._check_request("squat twice", 3.0)
    v = local.lmm.vocab
    lark = motion_grammar_lark(grammar)
    motion = f"<[{v.motion_base}-{v.motion_base + v.codebook_size - 1}]>"
    assert lark == (f"start: <[{v.mot_id}]> step{{{grammar.min_steps},{grammar.max_steps}}} <[{v.eot_id}]>\n"
                    f"step: " + " ".join([motion] * v.num_parts))
    body = completion_request(prompt, grammar, SamplingConfig(temperature=0.7, top_k=20, top_p=0.9), 5, "lmm")
    assert body["prompt"] == prompt and body["prompt"][0] == v.eos_id           # token ids, no re-tokenising
    assert body["structured_outputs"] == {"grammar": lark} and body["return_token_ids"] and body["stream"]
    assert (body["temperature"], body["top_k"], body["top_p"], body["seed"]) == (0.7, 20, 0.9, 5)
    assert body["max_tokens"] == grammar.max_steps * v.num_parts + 3 and body["stop_token_ids"] == [v.eos_id]
    assert "top_k" not in completion_request(prompt, grammar, GREEDY, 0, "lmm")
    json.dumps(body)                                                               # serialisable
    argv = server_command("models/lmm", 8123, python="py")
    assert argv[:3] == ["py", "-m", "vllm.entrypoints.openai.api_server"]
    assert argv[argv.index("--structured-outputs-config") + 1] == '{"backend":"guidance"}'


def test_checker_accepts_exactly_the_grammar(local):
    prompt, grammar = local._check_request("wave your right hand", None)
    tokens = list(local._token_stream(prompt, grammar, 0))
    check = GrammarChecker(grammar)
    assert [check.feed(t) for t in tokens] == tokens and check.done
    v, P = local.lmm.vocab, local.lmm.vocab.num_parts
    bad = [[v.motion_base],                                              # no <mot> first
           [v.mot_id, v.eot_id],                                         # empty motion
           [v.mot_id] + [v.motion_base] * (P - 1) + [v.eot_id],          # part of a time step
           [v.mot_id, 7],                                                # a text token inside
           tokens[:-1] + [v.motion_base] * (grammar.max_steps * P + P)]  # past max_steps
    for seq in bad:
        check = GrammarChecker(grammar)
        with pytest.raises(GrammarViolation, match="motion grammar allows only"):
            for t in seq:
                check.feed(t)


class Stub:
    """A scripted OpenAI-compatible endpoint: each POST takes the next action from ``script``."""

    def __init__(self, script):
        self.script, self.posts = list(script), []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                self._json(200, {"data": [{"id": "lmm"}]})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.posts.append(body)
                kind, arg = stub.script.pop(0) if len(stub.script) > 1 else stub.script[0]
                if kind == "status":
                    return self._json(arg, {"error": "busy"})
                if kind == "sleep":
                    time.sleep(arg)
                    return self._json(503, {"error": "late"})
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i in range(0, len(arg), 5):
                    chunk = {"choices": [{"index": 0, "text": "", "token_ids": arg[i:i + 5]}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")

            def _json(self, code, obj):
                data = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except BrokenPipeError:      # the client gave up first (timeout tests)
                    pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def remote(url, **kw):
    cfg = BackendConfig(backend="vllm", url=url, timeout_s=kw.pop("timeout_s", 2.0), backoff_s=0.01, **kw)
    return RemoteMotionGenerator(ServedLMM(), cfg, GREEDY)


def test_remote_generates_and_streams_what_the_server_sends(local):
    prompt, grammar = local._check_request("wave your right hand", None)
    answer = list(local._token_stream(prompt, grammar, 0)) + [local.lmm.vocab.eos_id]
    stub = Stub([("status", 503), ("tokens", answer)])                    # one 5xx, then the answer
    try:
        gen = remote(stub.url)
        assert gen.lmm.model is None                                         # no LLM weights on the robot side
        np.testing.assert_array_equal(gen.sample_codes("wave your right hand", seed=0),
                                      local.sample_codes("wave your right hand", seed=0))
        assert len(stub.posts) == 2 and stub.posts[-1]["model"] == "lmm"     # retried once; model from /v1/models
        chunks, whole = list(gen.stream("wave your right hand", seed=0)), local.generate("wave your right hand", seed=0)
        assert len(chunks) > 2
        np.testing.assert_allclose(np.concatenate([c.root_pos for c in chunks]), whole.root_pos, atol=1e-5)
    finally:
        stub.close()


def test_server_outside_the_grammar_is_a_clear_error(local):
    v = local.lmm.vocab
    stub = Stub([("tokens", [v.mot_id] + [v.motion_base] * v.num_parts + [9, 9])])
    try:
        with pytest.raises(GrammarViolation, match="token 9 at position"):
            remote(stub.url).generate("wave your right hand", seed=0)
    finally:
        stub.close()


def test_server_down_slow_or_refusing_fails_within_the_retry_budget():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]                                  # closed again: nothing listens
    t0 = time.monotonic()
    with pytest.raises(ServerUnavailable, match="failed after 2 attempts"):
        remote(f"http://127.0.0.1:{port}", retries=2).generate("wave your right hand")
    assert time.monotonic() - t0 < 5
    stub = Stub([("sleep", 1.5)])
    try:
        t0 = time.monotonic()
        with pytest.raises(ServerUnavailable, match="ReadTimeout"):
            remote(stub.url, retries=2, timeout_s=0.5, model="lmm").generate("wave your right hand")
        assert time.monotonic() - t0 < 3.0
    finally:
        stub.close()
    stub = Stub([("status", 400)])
    try:
        with pytest.raises(ServerUnavailable, match="HTTP 400"):
            remote(stub.url, model="lmm").generate("wave your right hand")
        assert len(stub.posts) == 1                                # a refusal is not retried
    finally:
        stub.close()


def test_backend_config_is_validated():
    assert type(make_generator(BackendConfig(), None, GREEDY)) is MotionGenerator
    for kw, field in ((dict(backend="tgi"), "backend"), (dict(backend="vllm", url="localhost:8000"), "url"),
                      (dict(timeout_s=0), "timeout_s"), (dict(retries=0), "retries")):
        with pytest.raises(ConfigError, match=f"generator.{field}"):
            BackendConfig(**kw)
