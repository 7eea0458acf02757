#!/usr/bin/env bash
# The README's main job: install (idempotent), then run the pipeline in simulation with the built-in model.
#   scripts/run.sh                                   # "wave your right hand" on a simulated G1
#   scripts/run.sh --robot h1 --text "squat twice"   # extra arguments go to `humanoid-lmm demo`
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/install.sh
source scripts/env.sh
exec .venv/bin/humanoid-lmm demo "$@"
