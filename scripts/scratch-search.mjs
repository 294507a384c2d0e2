#!/usr/bin/env node
// How the in-context page's "from scratch" default was chosen: trains each candidate config with
// the native CLI from a blank model, evaluates every `--eval-every` steps, and reports the first
// step (and the training time to it) where the normalized error at k = 2d falls to the target.
// Research tool, not a test: the chosen config's behaviour is checked by crate/tests/tokens.rs,
// its time in the browser by `npm run bench`.
//
//   node scripts/scratch-search.mjs path/to/iclab candidates.json [--target 0.1] [--budget 3000]
//        [--eval-every 50] [--prompts 1280] [--seeds N] [--from S]
//
// With --seeds N each candidate runs seeds S…S+N−1 (S = 0 unless --from; its own `seed` ignored:
// two processes with --from 0 and --from 10 split twenty seeds over two cores) and a summary line
// follows its rows: how many seeds reached the target within the budget, the median and the
// worst step and training seconds over the seeds that did.
// candidates.json: a list of partial session configs (the createSession schema), each merged
// over { task: { kind: "linear" }, dims: 5, points: 11, device: "cpu" }; a `name` key labels a row.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [cli, file, ...rest] = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? Number(rest[i + 1]) : fallback;
};
const target = flag("target", 0.1);
const budget = flag("budget", 3000);
const evalEvery = flag("eval-every", 50);
const prompts = flag("prompts", 1280);
const seeds = flag("seeds", 0);
const from = flag("from", 0);
const candidates = JSON.parse(readFileSync(file, "utf8"));
const dir = mkdtempSync(join(tmpdir(), "iclab-search-"));

console.log(
  `target: normalized error <= ${target} at k = 2d, ${prompts} prompts, every ${evalEvery} steps, budget ${budget} steps`,
);
console.log(
  "name".padEnd(34),
  "reached at".padStart(10),
  "train s".padStart(8),
  "steps/s".padStart(8),
  "  error at 2d over time",
);
/** Trains `config` from a blank model until the target (and two evaluations more) or the budget. */
async function run(config) {
  const path = join(dir, "config.json");
  writeFileSync(path, JSON.stringify(config));
  const child = spawn(cli, [
    "--json",
    "icl",
    "train",
    "--config",
    path,
    "--steps",
    String(budget),
    "--every",
    String(evalEvery),
    "--eval-every",
    String(evalEvery),
    "--prompts",
    String(prompts),
    "--baselines",
    "",
    "--out",
    join(dir, "m.safetensors"),
  ]);
  let lastReport = null;
  let reached = null;
  let after = 0;
  const trail = [];
  for await (const line of createInterface({ input: child.stdout })) {
    const msg = JSON.parse(line);
    if (msg.report) lastReport = msg.report;
    const curves = msg.evaluation?.curves ?? msg.curves;
    if (!curves || !lastReport) continue;
    const error = curves.model.mean[2 * config.dims];
    trail.push(error.toFixed(2));
    if (reached === null && error <= target)
      reached = { step: lastReport.step, seconds: lastReport.elapsedMs / 1000 };
    // two more evaluations show whether it stays there; then the run has told us what we need
    if (reached !== null && after++ >= 2) {
      child.kill();
      break;
    }
  }
  return { reached, rate: lastReport ? lastReport.stepsPerSecond : Number.NaN, trail };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : Number.NaN;
};

for (const { name = "", ...candidate } of candidates) {
  const label = (name || JSON.stringify(candidate)).slice(0, 34);
  const runs = seeds > 0 ? Array.from({ length: seeds }, (_, i) => from + i) : [candidate.seed];
  const reachedAll = [];
  for (const seed of runs) {
    const config = { task: { kind: "linear" }, dims: 5, points: 11, device: "cpu", ...candidate };
    if (seed !== undefined) config.seed = seed;
    const { reached, rate, trail } = await run(config);
    if (reached) reachedAll.push(reached);
    console.log(
      (seeds > 0 ? `${label.slice(0, 26)} seed ${seed}` : label).padEnd(34),
      String(reached?.step ?? "-").padStart(10),
      (reached ? reached.seconds.toFixed(1) : "-").padStart(8),
      rate.toFixed(1).padStart(8),
      " ",
      trail.join(" "),
    );
  }
  if (seeds > 0) {
    const steps = reachedAll.map((r) => r.step);
    const secs = reachedAll.map((r) => r.seconds);
    console.log(
      `== ${label}: ${reachedAll.length}/${seeds} reached; median step ${median(steps)}, worst ${Math.max(...steps)}; ` +
        `median ${median(secs).toFixed(1)} s, worst ${Math.max(...secs).toFixed(1)} s of training`,
    );
  }
}
rmSync(dir, { recursive: true, force: true });
