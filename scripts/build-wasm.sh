#!/usr/bin/env bash
# Compiles the core to wasm32, generates the JS bindings into web/pkg and shrinks the module.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# No default features: the CLI (clap) is native-only. Same profile as the wasm tests, so burn
# compiles once for this target.
cargo build --release --target wasm32-unknown-unknown -p iclab --lib --no-default-features
rm -rf web/pkg
wasm-bindgen --target web --out-dir web/pkg --out-name iclab "$WASM_OUT"
if [ "${ICLAB_SKIP_WASM_OPT:-0}" != "1" ]; then
  # npm binaryen: Debian's binaryen 108 emits a module that fails to load.
  wasm-opt -O2 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    web/pkg/iclab_bg.wasm -o web/pkg/iclab_bg.wasm.opt
  mv web/pkg/iclab_bg.wasm.opt web/pkg/iclab_bg.wasm
fi
raw=$(stat -c %s web/pkg/iclab_bg.wasm)
gz=$(gzip -9 -c web/pkg/iclab_bg.wasm | wc -c)
echo "wasm: $raw bytes raw, $gz bytes gzipped"
