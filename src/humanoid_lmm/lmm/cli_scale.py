"""Command-line pieces of scaled-out training and serving: `lmm train --strategy/--lora`, `lmm merge-lora`,
`lmm serve`, `generate --backend vllm`.

Examples::

    torchrun --nproc_per_node 8 -m humanoid_lmm.lmm.cli train --stage 1 --base-model /models/llama-2-7b \\
        --strategy fsdp2 --bf16 --activation-checkpointing --batch-size 4 --out runs/lmm/7b
    humanoid-lmm lmm train --stage 2 --init runs/lmm/7b/final --lora 16,32,0.05 --out runs/lmm/7b-lora
    humanoid-lmm lmm merge-lora --base runs/lmm/7b/final --adapter runs/lmm/7b-lora/final-adapter -o runs/lmm/merged
    humanoid-lmm lmm serve --model models/lmm --port 8000          # needs scripts/install_vllm.sh
    humanoid-lmm generate "wave your right hand" -o w.npz --backend vllm --url http://127.0.0.1:8000
"""
from __future__ import annotations

import argparse
import os
import sys

__all__ = ["add_scale_args", "scale_from_args", "add_backend_args", "backend_from_args", "register_scale"]


def add_scale_args(p: argparse.ArgumentParser) -> None:
    from humanoid_lmm.lmm.configuration_scale import MOTION_INITS, STRATEGIES

    g = p.add_argument_group("scale-out (docs/scaling.md)")
    g.add_argument("--strategy", default="ddp", choices=STRATEGIES,
                   help="ddp: full replicas; fsdp2: fully_shard per decoder layer; deepspeed-zero2/3: optional extra")
    g.add_argument("--lora", default=None, metavar="R,ALPHA,DROPOUT",
                   help="train a LoRA adapter + the motion-token rows instead of every weight, e.g. 16,32,0.05")
    g.add_argument("--bf16", dest="bf16", action="store_true", default=None,
                   help="bf16 compute, fp32 master weights (default: on with CUDA, off on CPU)")
    g.add_argument("--no-bf16", dest="bf16", action="store_false")
    g.add_argument("--activation-checkpointing", action="store_true", help="recompute layer activations in backward")
    g.add_argument("--motion-init", default="mean", choices=MOTION_INITS,
                   help="motion rows of a --base-model: mean of the text rows (default) or transformers' resize")


def scale_from_args(args):
    from humanoid_lmm.lmm.configuration_scale import ScaleConfig

    return ScaleConfig(strategy=args.strategy, bf16=args.bf16, activation_checkpointing=args.activation_checkpointing,
                       lora=args.lora, motion_init=args.motion_init)


def add_backend_args(p: argparse.ArgumentParser) -> None:
    from humanoid_lmm.lmm.remote import BACKENDS, BackendConfig

    b = BackendConfig()
    g = p.add_argument_group("backend")
    g.add_argument("--backend", default=b.backend, choices=BACKENDS, help="local model or a vLLM server")
    g.add_argument("--url", default=b.url, help="vLLM server base URL (default %(default)s)")
    g.add_argument("--served-model", default=b.model, help="served model name (default: the server's first)")
    g.add_argument("--timeout", type=float, default=b.timeout_s, help="connect/read timeout [s]")
    g.add_argument("--retries", type=int, default=b.retries, help="attempts per request")


def backend_from_args(args):
    from humanoid_lmm.lmm.remote import BackendConfig

    return BackendConfig(backend=args.backend, url=args.url, model=args.served_model, timeout_s=args.timeout,
                         retries=args.retries)


def cmd_merge_lora(args) -> int:
    from humanoid_lmm.lmm.lora import merge_adapter

    out = merge_adapter(args.base, args.adapter, args.output)
    print(f"merged {args.adapter} into {args.base} -> {out}")
    return 0


def cmd_serve(args) -> int:
    """Replace this process by the vLLM server (its own venv) for an LMM folder."""
    from humanoid_lmm.errors import ConfigError
    from humanoid_lmm.lmm.modeling_lmm import default_model_dir
    from humanoid_lmm.lmm.vllm_serving import default_vllm_python, server_command

    python = args.python or str(default_vllm_python())
    if not os.path.exists(python):
        raise ConfigError(f"vLLM interpreter {python} not found: run scripts/install_vllm.sh "
                          "(or INSTALL_VLLM=1 scripts/install.sh), or give --python")
    argv = server_command(args.model or default_model_dir(), args.port, args.served_name, args.host, python,
                          dtype=args.dtype)
    print(" ".join(argv), file=sys.stderr, flush=True)
    os.execv(argv[0], argv)
    return 0


def register_scale(sub, safe) -> None:
    """``lmm merge-lora`` and ``lmm serve`` under the ``lmm`` parser's sub-commands."""
    m = sub.add_parser("merge-lora", help="fold a LoRA adapter into its base: a plain LMM folder for generate",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    m.add_argument("--base", required=True, help="the LMM folder the adapter was trained on")
    m.add_argument("--adapter", required=True, help="adapter folder (…/final-adapter)")
    m.add_argument("-o", "--output", required=True)
    m.set_defaults(func=safe(cmd_merge_lora))
    s = sub.add_parser("serve", help="serve an LMM with vLLM (OpenAI API, motion grammar backend)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("--model", default=None, help="LMM folder (default: the built-in models/lmm)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--served-name", default="lmm")
    s.add_argument("--dtype", default="auto", help="auto | float32 | bfloat16 (CPU: float32 for small models)")
    s.add_argument("--python", default=None, help="the vLLM venv's python (default .venv-vllm/bin/python)")
    s.set_defaults(func=safe(cmd_serve))
