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
# TensorFlow.js (WebGPU and wasm backends) is the browser reference; bench-only, outside the repo.
TFJS_DIR="${ICLAB_TFJS_PREFIX:-$HOME/.cache/iclab/tfjs}"
TFJS_VERSION=4.22.0
if [ ! -f "$TFJS_DIR/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm" ]; then
  echo "bench: installing TensorFlow.js $TFJS_VERSION into $TFJS_DIR (once)"
  mkdir -p "$TFJS_DIR" && { [ -f "$TFJS_DIR/package.json" ] || echo '{"private":true}' > "$TFJS_DIR/package.json"; }
  npm install --prefix "$TFJS_DIR" --no-audit --no-fund --silent "@tensorflow/tfjs@$TFJS_VERSION" \
    "@tensorflow/tfjs-backend-webgpu@$TFJS_VERSION" "@tensorflow/tfjs-backend-wasm@$TFJS_VERSION" \
    || echo "bench: TensorFlow.js could not be installed; its rows will say so"
fi
export ICLAB_TFJS_DIR="$TFJS_DIR/node_modules/@tensorflow"
ICLAB_TORCH_PYTHON="$TORCH_VENV/bin/python" node scripts/bench.mjs "$CARGO_TARGET_DIR/release/iclab"
