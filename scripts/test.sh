#!/usr/bin/env bash
# The README's test command: install what is needed (idempotent), then run the whole test suite on CPU.
#   scripts/test.sh                 # everything
#   scripts/test.sh tests/robots    # extra arguments go to pytest
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/install.sh
source scripts/env.sh
exec .venv/bin/python -m pytest "$@"
