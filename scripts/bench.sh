#!/usr/bin/env bash
# Benchmarks (not tests): training steps/s for one config on native CPU, native wgpu, browser
# WebGPU and browser CPU, with ratios, plus the wasm size raw and gzipped.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/setup.sh test
[ -f www/dist/index.html ] && [ -f web/pkg/iclab_bg.wasm ] || bash scripts/build.sh
cargo build --release --bin iclab
node scripts/bench.mjs "$CARGO_TARGET_DIR/release/iclab"
