#!/usr/bin/env bash
# Builds everything a visitor loads: the wasm, the npm package and the static site.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
phase "setup"; bash scripts/setup.sh build
phase "wasm"; bash scripts/build-wasm.sh
phase "package (web/)"; npm run build --workspace web
phase "site (www/)"; npm run build --workspace www
