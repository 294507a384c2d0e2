#!/usr/bin/env bash
# One command for a fresh machine: install what is missing, build, serve on localhost.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/build.sh
phase_end
exec node scripts/serve.mjs www/dist --port "${PORT:-8080}"
