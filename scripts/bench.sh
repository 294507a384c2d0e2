#!/usr/bin/env bash
# Benchmarks (not tests): training steps/s for one config on native CPU, native wgpu, browser
# WebGPU and browser CPU, with ratios, plus the wasm size raw and gzipped.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/setup.sh test
[ -f www/dist/index.html ] && [ -f web/pkg/iclab_bg.wasm ] || bash scripts/build.sh
cargo build --release --bin iclab
# Mesa's lavapipe complains on every run without one; any private directory will do.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
# PyTorch (CPU) is the reference for the native step; a bench-only dependency in its own venv.
TORCH_VENV="${ICLAB_TORCH_VENV:-$HOME/.cache/iclab/torch-venv}"
if ! "$TORCH_VENV/bin/python" -c "import torch" 2>/dev/null; then
  echo "bench: installing PyTorch into $TORCH_VENV (once; a few GB from PyPI)"
  python3 -m venv "$TORCH_VENV" && "$TORCH_VENV/bin/pip" install --quiet torch numpy \
    || echo "bench: PyTorch could not be installed; its rows will say so"
fi
ICLAB_TORCH_PYTHON="$TORCH_VENV/bin/python" node scripts/bench.mjs "$CARGO_TARGET_DIR/release/iclab"
