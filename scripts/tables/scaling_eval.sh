#!/usr/bin/env bash
# Scores every scaling cell (table b) and, for the 14,790-clip cells, the generalisation sets (table c),
# JOBS at a time, then prints both tables. Usage: bash scripts/tables/scaling_eval.sh [OUT] [TEXTS] [JOBS]
set -euo pipefail
OUT=${1:-runs/tables/scaling}
TEXTS=${2:-96}
JOBS=${3:-6}
export HLMM=${HLMM:-humanoid-lmm} E="--max-texts $TEXTS --samples 1 --replications 20 --threads 1 -q"
jobs_list() {
  for cell in "$OUT"/*_scale_*; do
    [ -d "$cell/final" ] || continue
    [ -f "$cell/t2m.json" ] || echo "$cell test t2m"
    case "$cell" in *scale_all)
      for set in kept-pairs held-out-pairs; do [ -f "$cell/$set.json" ] || echo "$cell $set $set"; done;;
    esac
  done
}
jobs_list | xargs -P "$JOBS" -L 1 bash -c 'nice -n 19 $HLMM eval t2m --model "$0/final" --set "$1" $E --json "$0/$2.json" > "$0/$2.log" 2>&1'
python scripts/tables/collect_tables.py "$OUT"
