#!/usr/bin/env bash
# Tokenizer table (docs/evaluation.md, table a): four quantizers trained on the same data with the same
# budget (width 64, batch 32 x 64 frames, lr 5e-4, STEPS steps each: warmup STEPS/10 then cosine, 1 CPU thread).
# A fixed step count, not a wall-clock box: on a shared CPU a time box gives the runs unequal work.
# Usage: bash scripts/tables/tokenizer_train.sh [STEPS] [OUT]
set -euo pipefail
STEPS=${1:-300}
OUT=${2:-runs/tables/tokenizer}
DATA=${DATA:-data/lmm_s0_16k}      # humanoid-lmm data synth --n 16000 -o data/lmm_s0_16k --seed 0
mkdir -p "$OUT"
C="--data $DATA --width 64 --steps $STEPS --batch-size 32 --lr 5e-4 --val-every 100 --device cpu --threads 1
   --no-progress --no-resume"
train() { name=$1; shift; nice -n 19 ${HLMM:-humanoid-lmm} tokenizer train $C --out "$OUT/$name" "$@" > "$OUT/$name.log" 2>&1; }
train vq512 --quantizer vq --vq-codes 512
train rq512x2 --quantizer rq --vq-codes 512 --rq-levels 2
train lfq10 --codebook-bits 10
train lfq12 --codebook-bits 12
echo "done: $OUT"
