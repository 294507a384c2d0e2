/**
 * Transformer vs xLSTM page: the same task, prompts and evaluation for both backbones, their
 * error vs k on one chart, and what each pays per token at inference. Numbers come from the
 * package; this file wires controls, URL state and charts.
 */
import {
  CATALOG,
  createSession,
  evaluateBaselines,
  inferenceCost,
  loadSession,
  type Backbone,
  type BaselineKind,
  type ErrorCurve,
  type EvaluateOptions,
  type Evaluation,
  type InferenceCost,
  type Report,
  type Session,
  type SessionConfig,
  type Trained,
} from "iclab";
import { ErrorChart } from "../../charts/charts.js";
import { LineChart } from "../../charts/line-chart.js";
import { readCosts } from "./costs.js";
import { trainedOn } from "../../shell/run.js";
import {
  atPresetShape,
  fetchCheckpoint,
  findCheckpoint,
  loadManifest,
  MODEL_NAMES,
} from "../../shell/checkpoints.js";
import { taskConfig } from "../../shell/tables.js";
import { COMPARE as TABLE } from "./table.js";
import { errorCurveRows } from "../../shell/files.js";
import { Page } from "../../shell/page.js";
import { continueOnCpu, describe, el } from "../../shell/dom.js";
import { rounds } from "../../shell/stream.js";
import "../../style.css";

/** Every backbone the core offers, side by side. */
const MODELS: readonly Backbone[] = CATALOG.icl.models.map((m) => m.kind);
/** Every backbone reads the same prompts; the first one's config stands for them all. */
const REFERENCE = MODELS[0] as Backbone;
/** What the catalog says about a backbone. */
const spec = (model: Backbone) => CATALOG.icl.models.find((m) => m.kind === model);
/** The `data-step…` key a model's step is reflected under (`stepTransformer`, `stepXlstm`). */
const stepKey = (model: Backbone): string =>
  `step${model[0]?.toUpperCase() ?? ""}${model.slice(1)}`;
/** Reference methods per task: what each class is usually compared with (the core's list, after Garg et al.). */
function baselinesFor(task: string): BaselineKind[] {
  return CATALOG.icl.tasks.find((t) => t.kind === task)?.baselines ?? [];
}

type Name = keyof typeof TABLE & string;
/** Settings that define the models: changing one starts over. */
const MODEL_PROPS: ReadonlySet<Name> = new Set<Name>([
  "task",
  "dims",
  "points",
  "start",
  "ratio",
  "device",
  "learningRate",
  "seed",
]);

/** Whether shipped models are on the page (not ones trained here from scratch). */
const showsShipped = (): boolean =>
  page.state.start === "checkpoint" && MODELS.some((m) => sessions[m]);

const page: Page<typeof TABLE> = new Page({
  kind: "compare",
  table: TABLE,
  trainLabel: "Train both",
  // the shipped models are trained already: the first action trains two blank ones
  blank: {
    shown: () => showsShipped(),
    further: "Train both on",
    explain: () => {
      const steps = MODELS.flatMap((m) => {
        const s = sessions[m];
        return s ? [`${s.initialStep.toLocaleString("en")} (${MODEL_NAMES[m]})`] : [];
      }).join(" and ");
      return (
        "Train both from scratch: a blank transformer and a blank xLSTM learn side by side on the same prompts while you watch. " +
        trainedOn("Train both on", "the shipped models", steps, true)
      );
    },
    start: async () => {
      page.assign({ start: "scratch" });
      await reset();
      if (page.phase === "idle") await train();
    },
  },
  // A shipped model keeps its own shape: the model settings stay as it has them.
  locked: (control) => showsShipped() && control.dataset.model !== undefined,
  changed,
  rebuilds: (name) => MODEL_PROPS.has(name),
  train,
  reset,
  results,
  resultsCsv,
});
const { badge } = page;
const checkpointInfo = el<HTMLParagraphElement>("checkpoint-info");
const sizes = el<HTMLParagraphElement>("sizes");
/** The error-vs-k curves on the chart, for export. */
let shown: Record<string, ErrorCurve> = {};
const errorChart = new ErrorChart(el("eval-chart"));
// the cost and loss charts are about the models themselves, not their in-context curves
const lines = MODELS.map((name) => ({ name, label: MODEL_NAMES[name] }));
const stateChart = new LineChart(
  el("state-chart"),
  { x: "tokens read", y: "floats kept", logY: true, wholeX: true },
  lines,
);
const workChart = new LineChart(
  el("work-chart"),
  { x: "token position", y: "multiply-adds", logY: true, wholeX: true },
  lines,
);
const lossChart = new LineChart(
  el("loss-chart"),
  { x: "steps trained here", y: "loss / zero predictor", logY: true, wholeX: true },
  lines,
  "The two training losses appear here once you press Train both.",
);

const sessions = Object.fromEntries(MODELS.map((m) => [m, null])) as Record<
  Backbone,
  Session | null
>;
const losses = Object.fromEntries(
  MODELS.map((m): [Backbone, [number, number][]] => [m, []]),
) as Record<Backbone, [number, number][]>;
/** Each model's latest report: its own step (checkpoints start at different steps) and speed. */
const latest = Object.fromEntries(MODELS.map((m) => [m, null])) as Record<Backbone, Report | null>;
let baselines: { key: string; curves: Record<string, ErrorCurve> } | null = null;
/** The evaluation settings the training streams evaluate on. */
let streamKey = "";

function ratio(): [number, number] {
  const [a, b] = String(page.state.ratio).split(":").map(Number);
  return [a ?? 1, b ?? 1];
}

/** The page's config for one backbone (a loaded checkpoint keeps its own). */
function config(model: Backbone): SessionConfig {
  return {
    task: taskConfig(page.state.task, page.state),
    model,
    xlstmRatio: ratio(),
    dims: page.state.dims,
    points: page.state.points,
    learningRate: page.state.learningRate,
    seed: page.state.seed,
    device: page.state.device as SessionConfig["device"],
  };
}

/** The config a model actually runs with. */
function effective(model: Backbone): SessionConfig {
  return sessions[model]?.config ?? config(model);
}

function evalOptions(): EvaluateOptions {
  return { prompts: page.state.evalPrompts, seed: page.state.seed };
}

/** Loads both shipped checkpoints for the task (those that exist). */
async function openCheckpoints(): Promise<string[]> {
  const manifest = await loadManifest();
  const notes: string[] = [];
  for (const model of MODELS) {
    // Like for like: both backbones at their preset's own shape (the in-context page's linear
    // transformer is deeper; its tiny twin, trained on the xLSTM's prompts and schedule, is here).
    const entry = findCheckpoint(manifest, page.state.task, model, atPresetShape);
    const ratioed = spec(model)?.usesXlstmRatio === true;
    const sameRatio = !ratioed || String(entry?.config.xlstmRatio ?? [1, 1]) === String(ratio());
    if (!entry || !sameRatio) {
      notes.push(
        `no shipped ${MODEL_NAMES[model]}${ratioed ? ` [${page.state.ratio}]` : ""} for ${page.state.task}: it starts from scratch`,
      );
      continue;
    }
    const s = await loadSession(
      await fetchCheckpoint(entry),
      page.state.device as SessionConfig["device"],
    );
    sessions[model] = s;
    notes.push(
      `${MODEL_NAMES[model]}: ${entry.file}, ${s.initialStep.toLocaleString()} steps (${Math.round(entry.wallSeconds / 60)} min natively)`,
    );
  }
  // Both models must read prompts of one shape: a scratch model follows the loaded one.
  const loaded = MODELS.map((m) => sessions[m]).find((s) => s);
  if (loaded)
    page.state = { ...page.state, dims: loaded.config.dims, points: loaded.config.points };
  page.writeForm();
  return notes;
}

/** Cost curves run past the trained prompt length, far enough to show where they cross. */
const COST_TOKENS = 256;

async function showCosts(): Promise<void> {
  const costs: InferenceCost[] = await Promise.all(
    MODELS.map((m) => inferenceCost(effective(m), COST_TOKENS)),
  );
  const xs = costs[0]?.tokens ?? [];
  stateChart.show(
    xs,
    costs.map((c) => c.stateFloats),
  );
  workChart.show(
    xs,
    costs.map((c) => c.multiplyAdds),
  );
  const params = MODELS.map((m) =>
    sessions[m] ? `${MODEL_NAMES[m]} ${sessions[m].numParams.toLocaleString()} parameters` : null,
  ).filter((p): p is string => p !== null);
  // figures at the end of this task's prompt (2·points tokens)
  const { summary, sentence } = readCosts(costs, 2 * effective(REFERENCE).points!, params);
  document.body.dataset.cost = JSON.stringify(summary);
  sizes.textContent = sentence;
}

/** The evaluation settings' key: training's evaluations count only while it holds. */
function evalKey(): string {
  return JSON.stringify([effective(REFERENCE), evalOptions()]);
}

/**
 * Error vs k for both models (whichever exist) and the baselines, on the same prompts. A model's
 * curve comes from `streamed`, its training stream's evaluation, where that was evaluated on
 * the current settings; otherwise it is evaluated here.
 */
async function evaluate(streamed?: {
  key: string;
  evaluations: (Evaluation | undefined)[];
}): Promise<void> {
  const mine = page.epoch;
  const options = evalOptions();
  const key = evalKey();
  if (baselines?.key !== key) {
    const result = await evaluateBaselines(effective(REFERENCE), {
      ...options,
      baselines: baselinesFor(page.state.task),
    });
    baselines = { key, curves: result.curves };
  }
  const curves: Record<string, ErrorCurve> = {};
  for (const [i, model] of MODELS.entries()) {
    const s = sessions[model];
    if (!s) continue;
    const fromStream = streamed?.key === key ? streamed.evaluations[i] : undefined;
    const result = fromStream ?? (await s.evaluate({ ...options, baselines: [] }));
    const curve = result.curves.model;
    if (curve) curves[model] = curve;
  }
  if (!page.isCurrent(mine)) return;
  Object.assign(curves, baselines.curves);
  errorChart.show(curves);
  shown = curves;
  const means: Record<string, number[]> = {};
  for (const [name, c] of Object.entries(curves)) means[name] = c.mean;
  document.body.dataset.curves = JSON.stringify(means);
}

async function prepare(): Promise<void> {
  const mine = page.newEpoch();
  page.set(
    "loading",
    page.state.start === "checkpoint" ? "Loading the shipped models…" : "Computing the baselines…",
  );
  checkpointInfo.textContent = "";
  try {
    const notes = page.state.start === "checkpoint" ? await openCheckpoints() : [];
    if (!page.isCurrent(mine)) return;
    checkpointInfo.textContent = notes.join(". ");
    document.body.dataset.loaded = MODELS.filter((m) => sessions[m]).join(",");
    await showCosts();
    await evaluate();
    if (!page.isCurrent(mine)) return;
    page.set(
      "idle",
      showsShipped()
        ? "Shipped models loaded. Press Train both from scratch to watch two blank models learn side by side."
        : "Press Train both to meta-train the two models side by side on the same prompts.",
    );
  } catch (error) {
    if (page.isCurrent(mine))
      page.set("error", `${describe(error)} Press Reset to try again.`, true);
  }
}

async function reset(): Promise<void> {
  page.requestPause();
  const old = MODELS.map((m) => sessions[m]);
  for (const m of MODELS) {
    sessions[m] = null;
    losses[m] = [];
    latest[m] = null;
  }
  baselines = null;
  shown = {};
  page.clearRun();
  errorChart.clear();
  lossChart.clear();
  for (const key of ["curves", "cost", "loaded", ...MODELS.map(stepKey)])
    delete document.body.dataset[key];
  await Promise.all(old.map((s) => s?.dispose().catch(() => undefined)));
  await prepare();
}

function showLosses(): void {
  // Both runs advance `every` steps per round; x is steps trained on this page (checkpoints
  // start at different steps).
  const longest = MODELS.map((m) => losses[m]).reduce((a, b) => (b.length > a.length ? b : a));
  lossChart.show(
    longest.map((_, i) => (i + 1) * page.state.every),
    MODELS.map((m) => losses[m].map(([, l]) => l)),
  );
}

/** Per model: its own step, loss ÷ zero predictor and steps per second. */
function modelLines(): string {
  return MODELS.map((m) => {
    const r = latest[m];
    return r
      ? `${MODEL_NAMES[m]}: step ${r.step.toLocaleString("en")}, loss ${r.normalizedLoss.toFixed(3)} of zero predictor, ${r.stepsPerSecond.toFixed(1)} steps/s`
      : `${MODEL_NAMES[m]}: –`;
  }).join(" · ");
}

function record(model: Backbone, report: Report): void {
  losses[model].push([report.step, report.normalizedLoss]);
  latest[model] = report;
  document.body.dataset[stepKey(model)] = String(report.step);
  if (report.deviceInfo) {
    page.showDevice(report.deviceInfo);
  }
}

/** Trains both models side by side on the same prompts, `every` steps each per round. */
function train(): Promise<void> {
  /** Steps behind the shown curves: both models advance together. */
  const trained = (): number => losses[REFERENCE].length * page.state.every;
  return page.run({
    opening: "Building the models…",
    work: () => [Math.min(trained(), page.state.steps), page.state.steps],
    start: async (mine) => {
      for (const model of MODELS) sessions[model] ??= await createSession(effective(model));
      if (!page.isCurrent(mine)) return null;
      document.body.dataset.loaded = MODELS.join(",");
      await showCosts();
      // One stream per model, pulled in turn: all advance `every` steps per round, each
      // evaluated at every report on the settings of `key`.
      streamKey = evalKey();
      return rounds(
        MODELS.map((model) => {
          const s = sessions[model] as Session;
          const done = (losses[model].at(-1)?.[0] ?? s.initialStep) - s.initialStep;
          return s.train({
            steps: Math.max(1, page.state.steps - done),
            every: page.state.every,
            evalEvery: page.state.every,
            evaluate: { ...evalOptions(), baselines: [] },
          });
        }),
      );
    },
    draw: async (round: (Trained<Report, Evaluation> | null)[]) => {
      round.forEach((step, i) => {
        if (step) record(MODELS[i] as Backbone, step.report);
      });
      showLosses();
      await evaluate({ key: streamKey, evaluations: round.map((step) => step?.evaluation) });
      return modelLines();
    },
    recover: async () => {
      const onGpu = MODELS.map((m) => sessions[m]).filter(
        (s): s is Session => s?.deviceInfo.kind === "webgpu",
      );
      const lostAt = Math.max(...MODELS.map((m) => losses[m].at(-1)?.[0] ?? 0));
      const { note } = await continueOnCpu(onGpu, lostAt);
      for (const model of MODELS) {
        const s = sessions[model];
        if (!s) continue;
        const from = s.snapshotStep ?? s.initialStep;
        if (onGpu.includes(s)) losses[model] = losses[model].filter(([step]) => step <= from);
      }
      document.body.dataset.recovered = note;
      badge.dataset.kind = "cpu";
      badge.textContent = "device: CPU";
      badge.title = note;
      showLosses();
      return note;
    },
  });
}

function results(): object {
  return { page: "compare", url: location.href, settings: page.state, losses, curves: shown };
}

function resultsCsv(): { header: string[]; rows: unknown[][] } {
  const rows = errorCurveRows(shown);
  for (const model of MODELS)
    for (const [step, loss] of losses[model])
      rows.push(["normalized_training_loss", model, step, loss, "", ""]);
  return { header: ["series", "name", "x", "value", "lower", "upper"], rows };
}

function changed(name: Name): void {
  if (MODEL_PROPS.has(name)) void reset();
  else if (name === "evalPrompts" && page.phase !== "running")
    void evaluate().catch((e: unknown) => page.set("error", describe(e), true));
  else if (name === "steps" && page.phase === "done") page.set("paused");
}

page.init();
void prepare().then(() => page.showUrlProblems());
