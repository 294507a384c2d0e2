#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, then runs every suite
# and prints each phase's time.
#   native cargo tests (CPU backend) → shipped checkpoints checked in numpy → a sweep as a Slurm
#   job array → wasm build → wasm-bindgen tests in headless Chromium →
#   package + site build (strict TypeScript) → unit tests of the TypeScript (node --test) →
#   Playwright end-to-end tests against the built site
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
START=$(date +%s)

phase "setup"; bash scripts/setup.sh test
phase "formatting (rustfmt) and the TypeScript linter (Biome)"; cargo fmt --all --check && npx biome ci --error-on-warnings
phase "native tests (cargo test --release)"; cargo test --release
phase "shipped checkpoints, re-implemented in numpy"
ICLAB="$CARGO_TARGET_DIR/release/iclab"
for ckpt in www/public/checkpoints/*.safetensors; do
  "$ICLAB_PYTHON" tests/python/check_checkpoint.py "$ckpt" "$ICLAB"
done
# The paired token layout, which no shipped checkpoint uses: a few steps of each backbone.
fresh=$(mktemp -d)
for model in transformer xlstm; do
  "$ICLAB" --json icl train --model "$model" --tokens paired --steps 20 --every 20 --device cpu --prompts 16 \
    --baselines least_squares --out "$fresh/$model-paired.safetensors" >/dev/null
  "$ICLAB_PYTHON" tests/python/check_checkpoint.py "$fresh/$model-paired.safetensors" "$ICLAB"
done
# and the from-scratch default's ReLU MLPs
"$ICLAB" --json icl train --tokens paired --activation relu --layers 2 --d-model 32 --steps 20 --every 20 --device cpu \
  --prompts 16 --baselines least_squares --out "$fresh/relu.safetensors" >/dev/null
"$ICLAB_PYTHON" tests/python/check_checkpoint.py "$fresh/relu.safetensors" "$ICLAB"
rm -rf "$fresh"
phase "sweeps as a Slurm job array (single-node Slurm on localhost)"; bash tests/cluster/slurm.sh
phase "wasm build"; bash scripts/build-wasm.sh
phase "wasm-bindgen tests in headless Chromium"
(
  cd crate
  CARGO_TARGET_DIR="$ICLAB_WASM_TARGET_DIR" CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=300 \
    cargo test --release --target wasm32-unknown-unknown --no-default-features --test web
)
phase "package + site build (tsc --strict, vite)"
npm run build --workspace web
npm run typecheck --workspace www
npm run build --workspace www
phase "unit tests of the package and the site (node --test, no browser)"
npm test --workspace web
npm test --workspace www
phase "end-to-end tests (Playwright, Debian Chromium)"
node --test --test-concurrency=1 tests/e2e/*.test.mjs
phase_end
echo "all suites passed in $(( $(date +%s) - START ))s"
