# Shared helpers for the scripts: phase timing and tool paths. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# wasm32 builds get a target dir of their own: host-side artifacts (proc macros, build scripts)
# built for the two targets share names but not contents, so one dir cannot cache both, and
# cargo's per-dir lock would serialize them anyway.
export ICLAB_WASM_TARGET_DIR="${ICLAB_WASM_TARGET_DIR:-$ROOT/target-wasm}"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
WASM_OUT="$ICLAB_WASM_TARGET_DIR/wasm32-unknown-unknown/release/iclab.wasm"
# The Python the tests call: a venv that setup makes and fills (numpy from PyPI), never whatever
# `python3` is first on PATH (pyenv, conda and Debian's interpreters each have their own packages).
export ICLAB_PY_VENV="${ICLAB_PY_VENV:-$HOME/.cache/iclab/py-venv}"
ICLAB_PYTHON="$ICLAB_PY_VENV/bin/python"

PHASE_NAME=""
PHASE_START=0
phase() {
  phase_end
  PHASE_NAME="$1"
  PHASE_START=$(date +%s)
  printf '\n=== %s\n' "$PHASE_NAME"
}
phase_end() {
  if [ -n "$PHASE_NAME" ]; then
    printf '=== %s took %ss\n' "$PHASE_NAME" "$(( $(date +%s) - PHASE_START ))"
    PHASE_NAME=""
  fi
}
trap phase_end EXIT

# The wasm-bindgen version pinned in Cargo.lock; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}
