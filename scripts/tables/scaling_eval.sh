#!/usr/bin/env bash
# Scores every scaling cell (table b) and, for the 14,790-clip cells, the generalisation sets (table c),
# then prints both tables. Usage: bash scripts/tables/scaling_eval.sh [OUT] [TEXTS]
set -euo pipefail
OUT=${1:-runs/tables/scaling}
TEXTS=${2:-96}
HLMM=${HLMM:-humanoid-lmm}
E="--max-texts $TEXTS --samples 1 --replications 20 --threads 1 -q"
for cell in "$OUT"/*_scale_*; do
  [ -d "$cell/final" ] || continue
  [ -f "$cell/t2m.json" ] || nice -n 19 $HLMM eval t2m --model "$cell/final" $E --json "$cell/t2m.json" > "$cell/t2m.log"
  case "$cell" in *scale_all)
    for set in kept-pairs held-out-pairs; do
      [ -f "$cell/$set.json" ] || nice -n 19 $HLMM eval t2m --model "$cell/final" --set "$set" $E \
        --json "$cell/$set.json" > "$cell/$set.log"
    done;;
  esac
done
python scripts/tables/collect_tables.py "$OUT"
