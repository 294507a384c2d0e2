#!/usr/bin/env node
// How the in-context page's "from scratch" default was chosen: trains each candidate config with
// the native CLI from a blank model, evaluates every `--eval-every` steps, and reports the first
// step (and the training time to it) where the normalized error at k = 2d falls to the target.
// Research tool, not a test: the chosen config's behaviour is checked by crate/tests/tokens.rs,
// its time in the browser by `npm run bench`.
//
//   node scripts/scratch-search.mjs path/to/iclab candidates.json [--target 0.1] [--budget 3000]
//
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
for (const { name = "", ...candidate } of candidates) {
  const config = { task: { kind: "linear" }, dims: 5, points: 11, device: "cpu", ...candidate };
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
  const rate = lastReport ? lastReport.stepsPerSecond : NaN;
  console.log(
    (name || JSON.stringify(candidate)).slice(0, 34).padEnd(34),
    String(reached?.step ?? "-").padStart(10),
    (reached ? reached.seconds.toFixed(1) : "-").padStart(8),
    rate.toFixed(1).padStart(8),
    " ",
    trail.join(" "),
  );
}
rmSync(dir, { recursive: true, force: true });
