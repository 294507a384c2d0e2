#!/usr/bin/env bash
# Compiles the core to wasm32, generates the JS bindings into web/pkg and shrinks the module.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# No default features: the CLI (clap) is native-only. Same profile as the wasm tests, so burn
# compiles once for this target.
CARGO_TARGET_DIR="$ICLAB_WASM_TARGET_DIR" cargo build --release --target wasm32-unknown-unknown -p iclab --lib --no-default-features
rm -rf web/pkg
wasm-bindgen --target web --out-dir web/pkg --out-name iclab "$WASM_OUT"
if [ "${ICLAB_SKIP_WASM_OPT:-0}" != "1" ]; then
  # wasm-opt takes minutes on 2 cores; its output is cached by the input's hash, so an
  # unchanged core is not optimized twice (CI and `npm start` after `npm test`).
  cache="$ICLAB_WASM_TARGET_DIR/wasm-opt-cache"
  key=$(sha256sum web/pkg/iclab_bg.wasm | cut -c1-32)
  mkdir -p "$cache"
  if [ ! -f "$cache/$key.wasm" ]; then
    # npm binaryen: Debian's binaryen 108 emits a module that fails to load.
    wasm-opt -O2 --strip-debug --strip-producers \
      --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd \
      web/pkg/iclab_bg.wasm -o "$cache/$key.tmp"
    mv "$cache/$key.tmp" "$cache/$key.wasm"
    ls -t "$cache"/*.wasm | tail -n +4 | xargs -r rm -f   # keep the three newest
  fi
  cp "$cache/$key.wasm" web/pkg/iclab_bg.wasm
fi
raw=$(stat -c %s web/pkg/iclab_bg.wasm)
gz=$(gzip -9 -c web/pkg/iclab_bg.wasm | wc -c)
echo "wasm: $raw bytes raw, $gz bytes gzipped"
