#!/usr/bin/env bash
# Recorded runs the site shows before (or instead of) training live: the landing page's
# continual-learning card draws them. Each is one `iclab cl run` of a config in scripts/recorded/,
# the continual page's defaults (6 blobs, two classes per task, evaluation after every step);
# the output keeps what the card draws (per-task accuracy curves, task ends, metrics).
# The plasticity page's first picture: plain backprop and shrink and perturb on the catalog's
# plasticity stream (scripts/recorded/plasticity.json: `continual.plasticity.defaults`), seed 0.
# The federated page's first picture: its default run (scripts/recorded/federated.json).
#   bash scripts/record-runs.sh    → www/public/recorded/continual-blobs.json,
#                                    www/public/plasticity/recorded.json,
#                                    www/public/federated/recorded.json,
#                                    www/public/markov/recorded.json
#   bash scripts/record-runs.sh markov → only the named ones (continual, plasticity, federated,
#                                        markov, markov-backbones → www/public/markov/backbones.json)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
cargo build --release --bin iclab
ICLAB="$CARGO_TARGET_DIR/release/iclab"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SELECTED="$*"
want() { [ -z "$SELECTED" ] || [[ " $SELECTED " == *" $1 "* ]]; }

if want continual; then
out=www/public/recorded/continual-blobs.json
for strategy in naive replay; do
  "$ICLAB" --json cl run --config scripts/recorded/continual-blobs.json --strategy "$strategy" > "$tmp/$strategy.json"
done
node -e '
const fs = require("fs");
const [dir, out] = process.argv.slice(1);
const keep = (r) => ({ strategy: r.strategy, tasks: r.tasks, order: r.order, iterations: r.iterations,
  curves: r.curves.map((c) => c.map((v) => Math.round(v * 1000) / 1000)), ends: r.ends, metrics: r.metrics });
const runs = Object.fromEntries(["naive", "replay"].map((s) => [s, keep(JSON.parse(fs.readFileSync(`${dir}/${s}.json`, "utf8")))]));
const config = JSON.parse(fs.readFileSync("scripts/recorded/continual-blobs.json", "utf8"));
fs.writeFileSync(out, JSON.stringify({ command: "bash scripts/record-runs.sh", config, runs }) + "\n");
' "$tmp" "$out"
echo "wrote $out"
fi

if want plasticity; then
out=www/public/plasticity/recorded.json
mkdir -p www/public/plasticity
for strategy in naive shrink_perturb; do
  start=$(date +%s)
  "$ICLAB" --json cl run --config scripts/recorded/plasticity.json --strategy "$strategy" > "$tmp/$strategy.json"
  echo "$strategy: $(( $(date +%s) - start )) s"
done
node -e '
const fs = require("fs");
const [dir, out] = process.argv.slice(1);
const round = (v) => Math.round(v * 10000) / 10000;
const keep = (r) => ({ strategy: r.strategy, plasticityVerdict: r.plasticityVerdict,
  plasticity: r.plasticity.map((p) => ({ ...p, newTaskAccuracy: round(p.newTaskAccuracy), deadUnits: round(p.deadUnits),
    effectiveRank: round(p.effectiveRank), weightMagnitude: round(p.weightMagnitude) })) });
const config = JSON.parse(fs.readFileSync("scripts/recorded/plasticity.json", "utf8"));
const results = ["naive", "shrink_perturb"].map((s) => keep(JSON.parse(fs.readFileSync(`${dir}/${s}.json`, "utf8"))));
fs.writeFileSync(out, JSON.stringify({ command: "bash scripts/record-runs.sh", config, strategies: ["naive", "shrink_perturb"], results }) + "\n");
' "$tmp" "$out"
echo "wrote $out"
fi

if want federated; then
out=www/public/federated/recorded.json
mkdir -p www/public/federated
"$ICLAB" --json cl federated --config scripts/recorded/federated.json > "$tmp/federated.json"
node -e '
const fs = require("fs");
const [file, out] = process.argv.slice(1);
const config = JSON.parse(fs.readFileSync("scripts/recorded/federated.json", "utf8"));
const result = JSON.parse(fs.readFileSync(file, "utf8"));
fs.writeFileSync(out, JSON.stringify({ command: "bash scripts/record-runs.sh", config, result }) + "\n");
' "$tmp/federated.json" "$out"
echo "wrote $out"
fi

if want markov; then
# The Markov page's first picture: the default run, 1,000 steps, evaluated every 25.
out=www/public/markov/recorded.json
mkdir -p www/public/markov
"$ICLAB" --json markov train --steps 1000 --every 25 > "$tmp/markov.jsonl"
node -e '
const fs = require("fs");
const [file, out] = process.argv.slice(1);
const lines = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const evals = lines.filter((l) => l.step !== undefined);
const last = lines.at(-1);
const round = (x) => (typeof x === "number" ? Math.round(x * 10000) / 10000 : Array.isArray(x) ? x.map(round)
  : x && typeof x === "object" ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, round(v)])) : x);
fs.writeFileSync(out, JSON.stringify({ command: "iclab --json markov train --steps 1000 --every 25",
  stages: last.stages, wallSeconds: Math.round(last.wallSeconds),
  evaluations: evals.map((e) => ({ ...round(e), stage: { ...e.stage, evidence: round(e.stage.evidence) } })) }) + "\n");
' "$tmp/markov.jsonl" "$out"
echo "wrote $out"
fi

if want markov-backbones; then
# The Markov page's comparison of networks on the default chains, seeds 0–4, 3,000 steps each:
# the step at which the core first decided each stage. One sweep spec, run on every core by the
# sweep runner and merged (the spec and the command are in the JSON).
out=www/public/markov/backbones.json
mkdir -p www/public/markov
"$ICLAB" sweep run scripts/sweeps/markov-backbones.json --dir "$tmp/backbones"
"$ICLAB" sweep merge scripts/sweeps/markov-backbones.json --dir "$tmp/backbones" --out "$out"
fi
