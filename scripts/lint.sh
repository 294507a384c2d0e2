#!/usr/bin/env bash
# Formatting, clippy (both targets), strict TypeScript, and Biome (format and lint) on the
# TypeScript and the test and build scripts (biome.jsonc).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
cargo fmt --all --check
cargo clippy --release --all-targets -- -D warnings
CARGO_TARGET_DIR="$ICLAB_WASM_TARGET_DIR" cargo clippy --release --target wasm32-unknown-unknown --no-default-features --lib --tests -- -D warnings
npm run typecheck --workspace web
npm run typecheck --workspace www
npx biome ci --error-on-warnings
