#!/usr/bin/env bash
# Writes the files generated from the Rust schema: web/src/generated/types.ts (the package's
# TypeScript types, via ts-rs) and web/src/generated/catalog.ts (the catalog the pages read).
# `npm test` fails while they are stale (crate/src/catalog/tests.rs).
source "$(dirname "$0")/lib.sh"
ICLAB_WRITE_GENERATED=1 cargo test --release --lib catalog::tests::generated_files_are_current
echo "generated: web/src/generated/types.ts, web/src/generated/catalog.ts"
