#!/usr/bin/env bash
# Scaling table (docs/evaluation.md, table b): 3 LM sizes x 3 data sizes, stage 1 from scratch, the same
# budget per cell (STEPS steps of batch 16, at most MAX_MIN minutes), 1 CPU thread, built-in MotionBook.
# Corpora: prefixes of the seed-0 corpus without held-out primitive pairs (humanoid-lmm eval subset),
# so the largest cells also serve the generalisation table (c).
# Usage: bash scripts/tables/scaling_train.sh [STEPS] [MAX_MIN] [OUT]
set -euo pipefail
STEPS=${1:-200}
MAX_MIN=${2:-8}
OUT=${3:-runs/tables/scaling}
HLMM=${HLMM:-humanoid-lmm}
declare -A ARCH=([S]="--layers 2 --width 64 --heads 2" [M]="--layers 3 --width 128 --heads 4"
                 [L]="--layers 4 --width 192 --heads 4")
cell() {   # cell SIZE DATA: train one cell (records copied from a finished cell of the same data if any)
  size=$1; data=$2; out="$OUT/${size}_${data}"
  mkdir -p "$out"
  for other in "$OUT"/*_"$data"; do
    if [ ! -f "$out/records_train.npz" ] && [ -f "$other/records_val.npz" ]; then cp "$other"/records_*.npz "$out"/; fi
  done
  [ -f "$out/final/model.safetensors" ] && return 0
  nice -n 19 $HLMM lmm train --stage 1 --data "data/$data" --motion-tokenizer models/motionbook --out "$out" \
    ${ARCH[$size]} --positions 384 --text-vocab 512 --max-seconds 10.5 --steps "$STEPS" --batch-size 16 \
    --lr 2e-3 --warmup 20 --eval-every 100 --save-every 100 --bucket-pool 8 --device cpu --threads 1 \
    --no-progress --seed 0 --max-minutes "$MAX_MIN" > "$out/train.log" 2>&1
}
if [ -n "${CELLS:-}" ]; then
  for c in $CELLS; do cell "${c%%_*}" "${c#*_}" & done
  wait
  echo "done: $OUT"
  exit 0
fi
for data in ${DATA_SIZES:-scale_1k scale_4k scale_all}; do   # one cell at a time; records made once per corpus
  for size in S M L; do cell "$size" "$data"; done
done
echo "done: $OUT"
# Cells may also run one process each (what was done for docs/evaluation.md: two lanes on the two cores):
#   for c in S_scale_all M_scale_all L_scale_all L_scale_4k; do CELLS=$c bash scripts/tables/scaling_train.sh 3000 6; done &
#   for c in S_scale_1k M_scale_1k L_scale_1k S_scale_4k M_scale_4k; do CELLS=$c bash scripts/tables/scaling_train.sh 3000 6; done
