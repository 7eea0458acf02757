"""Benchmark the semantic command gate on CPU: milliseconds per command, by kind of command.

Goal (issue 17): gate latency <= 20 ms on CPU. Times `CommandGate.accept` (spelling, clauses, one
MiniLM forward pass for all clauses, similarity to ~2,200 capability and 156 "cannot" phrases, slots,
caption) on the held-out paraphrases and out-of-scope commands, after one warm-up pass. Wall time
and the calling thread's CPU time are both reported: on a shared machine the wall time includes
waiting for a core, the CPU time does not.

    .venv/bin/python bench/bench_gate.py                 # 1 thread
    .venv/bin/python bench/bench_gate.py --threads 2 --repeats 3
"""
from __future__ import annotations

import argparse
import statistics
import time


def main(argv=None) -> int:
    import torch

    from humanoid_lmm.errors import CommandRejected
    from humanoid_lmm.lmm.paraphrase_eval import load_out_of_scope, load_paraphrases
    from humanoid_lmm.speech.gate import CommandGate

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    gate = CommandGate.load()
    load_s = time.perf_counter() - t0
    groups: dict[str, list[str]] = {}
    for p in load_paraphrases():
        groups.setdefault("compose" if p.register == "compose" else "paraphrase", []).append(p.text)
    groups["out of scope"] = [t for t, _ in load_out_of_scope()]

    def once(text):
        t, c = time.perf_counter(), time.thread_time()
        try:
            gate.accept(text)
        except CommandRejected:
            pass
        return (time.perf_counter() - t) * 1e3, (time.thread_time() - c) * 1e3

    for texts in groups.values():   # warm-up: spelling cache, allocator
        for t in texts:
            once(t)
    print(f"gate loaded in {load_s:.1f} s; torch threads {args.threads}\n")
    print("| commands | n | wall median [ms] | wall p95 [ms] | CPU median [ms] | CPU p95 [ms] |\n|---|---|---|---|---|---|")
    wall, cpu = [], []
    for name, texts in groups.items():
        ms = [once(t) for _ in range(args.repeats) for t in texts]
        w, c = [m[0] for m in ms], [m[1] for m in ms]
        wall, cpu = wall + w, cpu + c
        qw, qc = statistics.quantiles(w, n=20), statistics.quantiles(c, n=20)
        print(f"| {name} | {len(texts)} | {statistics.median(w):.1f} | {qw[18]:.1f} | {statistics.median(c):.1f} | {qc[18]:.1f} |")
    qw, qc = statistics.quantiles(wall, n=20), statistics.quantiles(cpu, n=20)
    print(f"\ngate latency: median {statistics.median(wall):.1f} ms, p95 {qw[18]:.1f} ms wall "
          f"(CPU time of the calling thread: median {statistics.median(cpu):.1f} ms, p95 {qc[18]:.1f} ms) over "
          f"{len(wall)} calls; goal <= 20 ms: {'met' if qw[18] <= 20 else 'NOT met'} at wall p95")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
