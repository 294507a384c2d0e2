#!/usr/bin/env bash
# Trains the checkpoints the site ships, with the native CLI, and places them in
# www/public/checkpoints/ (weights as <name>.safetensors, the run's JSON log as <name>.log.json).
#
#   scripts/train-checkpoints.sh [name[=steps] ...]     default: every config
#
# Steps default to the config's `decaySteps` (the cosine schedule ends with the run), else STEPS.
# EVERY (default 250) is the reporting interval: the log's loss curve gets one point per EVERY
# steps (the site draws it as the model's own training).
# Each name is a config in scripts/checkpoints/<name>.json (the JS config schema). Training saves
# every 500 steps, so an interrupted run still leaves a usable checkpoint; `RESUME=1` continues
# from it. Run several names in parallel by starting the script once per name.
source "$(dirname "$0")/lib.sh"
STEPS="${STEPS:-20000}"
# OUT_DIR: train somewhere else (then copy into www/public/checkpoints and rerun
# scripts/checkpoint-manifest.mjs), so a long run never leaves the tree half-written.
out_dir="${OUT_DIR:-$ROOT/www/public/checkpoints}"
mkdir -p "$out_dir"
cargo build --release -p iclab --bin iclab
# A private copy: rebuilding the crate while a long run trains must not swap its binary.
bin="$CARGO_TARGET_DIR/iclab-train-$$"
cp "$CARGO_TARGET_DIR/release/iclab" "$bin"
trap 'rm -f "$bin"; phase_end' EXIT
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(linear linear_compare sparse_linear relu_net decision_tree xlstm_linear xlstm_decision_tree linear_1d relu_net_1d decision_tree_1d)
fi
for spec in "${names[@]}"; do
  name="${spec%%=*}"
  config="$ROOT/scripts/checkpoints/$name.json"
  [ -f "$config" ] || { echo "no config $config" >&2; exit 2; }
  steps="$(node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(c.decaySteps || process.argv[2])' "$config" "$STEPS")"
  [ "$spec" != "$name" ] && steps="${spec#*=}"
  resume=()
  if [ "${RESUME:-0}" = 1 ] && [ -f "$out_dir/$name.safetensors" ]; then
    resume=(--resume "$out_dir/$name.safetensors")
    # keep the earlier segment's log: the manifest sums wall time over all parts
    [ -f "$out_dir/$name.log.json" ] && mv "$out_dir/$name.log.json" "$out_dir/$name.log.part-$(date +%s).json"
  fi
  echo "== $name: $steps steps from $config ${resume[*]}"
  start=$(date +%s)
  "$bin" icl train --config "$config" "${resume[@]}" --steps "$steps" --every "${EVERY:-250}" \
    --save-every 500 --out "$out_dir/$name.safetensors" --log "$out_dir/$name.log.json" \
    --prompts 1280 --baselines all
  echo "== $name done in $(( $(date +%s) - start )) s"
  node "$ROOT/scripts/checkpoint-manifest.mjs"
done
