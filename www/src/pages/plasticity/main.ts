/**
 * Loss of plasticity (docs/SCIENCE.md §3; Dohare et al. 2024): two learners side by side on a
 * long stream of permuted digits — plain backprop and a cure — with each new task's accuracy
 * right after learning it, the dead units, the effective rank and the weight magnitude, task by
 * task. Every number and the verdicts come from the package (the core); a recorded native run
 * of the default settings is the first picture.
 */
import {
  CATALOG,
  startContinual,
  type ContinualConfig,
  type ContinualResult,
  type ContinualRun,
  type ContinualStrategy,
} from "iclab";
import { LineChart } from "../../charts/line-chart.js";
import { describe, el } from "../../shell/dom.js";
import { Page } from "../../shell/page.js";
import { atDefaults } from "../../shell/state.js";
import { rounds } from "../../shell/stream.js";
import { STRATEGY_NAMES, STRATEGY_SETTINGS } from "../../shell/tables.js";
import { PLASTICITY as TABLE } from "./table.js";
import "../../style.css";

type Name = keyof typeof TABLE & string;
const { continual } = CATALOG;
const SIDES = ["strategy", "compare"] as const;
const STROKES = ["#dc2626", "#2563eb"];

const page: Page<typeof TABLE> = new Page({
  kind: "plasticity",
  table: TABLE,
  trainLabel: "Train both",
  changed,
  rebuilds: (name) => !SCHEDULE.includes(name),
  train,
  reset,
  results,
  resultsCsv,
});

const learner = (side: (typeof SIDES)[number]): ContinualStrategy =>
  String(page.state[side]) as ContinualStrategy;
const series = () =>
  SIDES.map((side, i) => ({
    name: `${side} ${learner(side)}`,
    label: STRATEGY_NAMES[learner(side)] ?? learner(side),
    stroke: STROKES[i],
  }));
const chart = (id: string, y: string): LineChart =>
  new LineChart(el(id), { x: "task", y, wholeX: true }, series());
let charts = {
  newTask: chart("new-task-chart", "accuracy on the new task"),
  dead: chart("dead-chart", "dead units (fraction)"),
  rank: chart("rank-chart", "effective rank"),
  weight: chart("weight-chart", "mean |w|"),
};

/** The two runs training here, or the recorded results shown before any. */
let runs: ContinualRun[] = [];
let shown: (ContinualResult | null)[] = [null, null];

/** One side's package config. */
function config(side: (typeof SIDES)[number]): ContinualConfig {
  const s = page.state as Readonly<Record<string, string | number>>;
  const strategy = learner(side);
  const settings: Record<string, unknown> = {};
  for (const x of STRATEGY_SETTINGS)
    if (x.uses.includes(strategy) && s[x.name] !== undefined) settings[x.key] = s[x.name];
  const start = continual.plasticity.defaults;
  return {
    ...start,
    scenario: { ...start.scenario, tasks: page.state.tasks } as ContinualConfig["scenario"],
    strategy,
    ...settings,
    hidden: String(page.state.hidden).split(",").map(Number),
    learningRate: page.state.learningRate,
    iterationsPerTask: page.state.iterationsPerTask,
    device: page.state.device as ContinualConfig["device"],
    seed: page.state.seed,
  };
}

/** Draws both sides' plasticity, task by task. */
function draw(): void {
  const tasks = Math.max(0, ...shown.map((r) => r?.plasticity.length ?? 0));
  const xs = Array.from({ length: tasks }, (_, i) => i + 1);
  const line = (key: "newTaskAccuracy" | "deadUnits" | "effectiveRank" | "weightMagnitude") =>
    shown.map((r) => xs.map((_, i) => r?.plasticity[i]?.[key] ?? Number.NaN));
  charts.newTask.show(xs, line("newTaskAccuracy"));
  charts.dead.show(xs, line("deadUnits"));
  charts.rank.show(xs, line("effectiveRank"));
  charts.weight.show(xs, line("weightMagnitude"));
  SIDES.forEach((_, i) => {
    const r = shown[i];
    const title = r ? (STRATEGY_NAMES[r.strategy] ?? r.strategy) : "";
    // the verdict is the core's (continual::plasticity::PlasticityVerdict)
    el(`verdict-${i === 0 ? "a" : "b"}`).textContent = r?.plasticityVerdict
      ? `${title}: ${r.plasticityVerdict.statement}`
      : "";
  });
  const data = document.body.dataset;
  data.tasksShown = String(tasks);
  const verdicts = shown.map((r) => r?.plasticityVerdict?.outcome ?? "none");
  data.verdicts = verdicts.join(",");
}

function rebuildCharts(): void {
  for (const c of Object.values(charts)) c.destroy();
  charts = {
    newTask: chart("new-task-chart", "accuracy on the new task"),
    dead: chart("dead-chart", "dead units (fraction)"),
    rank: chart("rank-chart", "effective rank"),
    weight: chart("weight-chart", "mean |w|"),
  };
}

async function dispose(): Promise<void> {
  const old = runs;
  runs = [];
  await Promise.all(old.map((r) => r.dispose().catch(() => undefined)));
}

const stepsDone = (): number => runs.reduce((a, r) => a + r.result.step, 0);
const stepsTotal = (): number =>
  runs.reduce((a, r) => a + r.result.totalSteps, 0) ||
  2 * page.state.tasks * page.state.iterationsPerTask;

function train(): Promise<void> {
  const resuming = page.phase === "paused" && runs.length === 2;
  if (!resuming) page.newEpoch();
  return page.run({
    opening: resuming ? "Resuming…" : "Drawing 2 × the stream of permuted digits…",
    work: () => [stepsDone(), stepsTotal()],
    start: async (mine) => {
      if (!resuming) {
        await dispose();
        page.clearRun();
        rebuildCharts();
        shown = [null, null];
        el("source").textContent = "Training here, in your browser.";
        const made: ContinualRun[] = [];
        for (const side of SIDES) {
          made.push(await startContinual(config(side)));
          if (!page.isCurrent(mine)) {
            await Promise.all(made.map((r) => r.dispose()));
            return null;
          }
        }
        runs = made;
        page.showDevice(made[0]!.result.deviceInfo);
      }
      return rounds(runs.map((r) => r.train({ every: page.state.every })));
    },
    draw: (round, mine) => {
      if (!page.isCurrent(mine)) return "";
      shown = runs.map((r, i) => round[i]?.report ?? r.result);
      draw();
      const tasks = shown.map((r) => r?.plasticity.length ?? 0);
      return `task ${Math.min(...tasks)} of ${page.state.tasks}`;
    },
    done: () =>
      `Trained ${page.state.tasks} tasks on each side. ${el("verdict-a").textContent} ${el("verdict-b").textContent}`,
    hint: () => "Change the setting it names, or press Reset.",
  });
}

async function reset(): Promise<void> {
  page.requestPause();
  page.newEpoch();
  await dispose();
  page.clearRun();
  await showRecorded();
  page.set("idle", IDLE);
}

const IDLE =
  "The picture is a recorded run. Press Train both: the two learners train here, in your browser (33 s on the 2-core machine this page is tested on).";

function results(): object {
  return {
    page: "plasticity",
    url: location.href,
    settings: page.state,
    configs: SIDES.map(config),
    results: shown,
  };
}

function resultsCsv(): { header: string[]; rows: unknown[][] } {
  const rows: unknown[][] = [];
  for (const r of shown)
    for (const p of r?.plasticity ?? [])
      rows.push([
        r?.strategy,
        p.task,
        p.newTaskAccuracy,
        p.deadUnits,
        p.effectiveRank,
        p.weightMagnitude,
      ]);
  return {
    header: [
      "strategy",
      "task",
      "new_task_accuracy",
      "dead_units",
      "effective_rank",
      "weight_magnitude",
    ],
    rows,
  };
}

/** Settings of the schedule, not of the experiment. */
const SCHEDULE: readonly Name[] = ["every"];

/** Shows the settings the two chosen learners read; hides every other strategy's. */
function showRelevant(): void {
  const used = SIDES.map(learner);
  for (const label of page.form.querySelectorAll<HTMLElement>("label[data-uses]")) {
    label.hidden = !(label.dataset.uses ?? "")
      .split(" ")
      .some((s) => used.includes(s as ContinualStrategy));
  }
}

function changed(name: Name): void {
  if (name === "strategy" || name === "compare") showRelevant();
  if (SCHEDULE.includes(name) || page.working) return;
  if (runs.length) {
    void dispose();
    page.set("idle", "Settings changed: press Train both to start again with them.");
  }
}

/** The recorded native run of the default settings (`plasticity/recorded.json`). */
async function showRecorded(): Promise<void> {
  // the recording is of the default settings: other settings get no picture until trained
  if (!atDefaults(TABLE, page.state, ["device", "every"])) {
    rebuildCharts();
    shown = [null, null];
    draw();
    el("source").textContent =
      "The recorded run is of the default settings; press Train both to run these.";
    return;
  }
  try {
    const response = await fetch(new URL("plasticity/recorded.json", document.baseURI));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const recorded = (await response.json()) as { results: ContinualResult[]; command: string };
    rebuildCharts();
    shown = [recorded.results[0] ?? null, recorded.results[1] ?? null];
    draw();
    el("source").textContent =
      `Recorded natively with the default settings, seed 0 (${recorded.command}).`;
  } catch (error) {
    el("source").textContent = `The recorded run could not be read: ${describe(error)}`;
  }
}

async function start(): Promise<void> {
  page.init();
  showRelevant();
  page.set("idle", IDLE);
  page.probeDevice();
  await showRecorded();
  document.body.dataset.ready = "true";
  page.showUrlProblems();
}

void start();
