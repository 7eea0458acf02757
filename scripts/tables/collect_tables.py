"""Markdown of the scaling (b) and generalisation (c) tables from the cells' t2m JSON files.

    python scripts/tables/collect_tables.py runs/tables/scaling
"""
import json
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/tables/scaling")
SIZES = {"S": "2 x 64", "M": "3 x 128", "L": "4 x 192"}
DATA = {"scale_1k": "1,000", "scale_4k": "4,000", "scale_all": "14,790"}


def cell_row(cell: Path):
    t = json.loads((cell / "t2m.json").read_text())["t2m"]
    metrics = [json.loads(line) for line in (cell / "metrics.jsonl").read_text().splitlines()]
    ev = [m for m in metrics if "eval_loss" in m]
    from safetensors import safe_open

    with safe_open(cell / "final" / "model.safetensors", "np") as f:
        params = sum(f.get_slice(k).get_shape() and __import__("math").prod(f.get_slice(k).get_shape()) for k in f.keys())
    f = lambda k: f"{t['ours'][k][0]:.3f}±{t['ours'][k][1]:.3f}"  # noqa: E731
    return (f"| {SIZES[cell.name[0]]} ({params / 1e6:.2f} M) | {DATA[cell.name[2:]]} | {metrics[-1]['step']} x 16 "
            f"| {ev[-1]['eval_loss']:.3f} | {f('R@1')} | {f('R@3')} | {f('FID')} | {f('MM-Dist')} |"), t


print("| LM (layers x width, params) | clips | steps x batch | val loss | R@1 | R@3 | FID | MM-Dist |")
print("|---|---|---|---|---|---|---|---|")
real = None
for data in DATA:
    for size in SIZES:
        cell = root / f"{size}_{data}"
        if (cell / "t2m.json").is_file():
            line, t = cell_row(cell)
            real = t["Real"]
            print(line)
if real:
    print(f"| Real (test motions) | | | | {real['R@1'][0]:.3f}±{real['R@1'][1]:.3f} | {real['R@3'][0]:.3f}±{real['R@3'][1]:.3f} "
          f"| {real['FID'][0]:.3f} | {real['MM-Dist'][0]:.3f} |")
print()
print("| model | set | R@1 | R@3 | FID | MM-Dist | real R@1 |")
print("|---|---|---|---|---|---|---|")
for cell in sorted(root.glob("*_scale_*")):
    for s in ("kept-pairs", "held-out-pairs"):
        p = cell / f"{s}.json"
        if p.is_file():
            t = json.loads(p.read_text())["t2m"]
            o = t["ours"]
            print(f"| {cell.name[0]} ({SIZES[cell.name[0]]}), {DATA[cell.name[2:]]} clips | {s} | {o['R@1'][0]:.3f}±{o['R@1'][1]:.3f} | "
                  f"{o['R@3'][0]:.3f}±{o['R@3'][1]:.3f} | {o['FID'][0]:.3f} | {o['MM-Dist'][0]:.3f} | {t['Real']['R@1'][0]:.3f} |")
