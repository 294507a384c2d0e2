/**
 * In-context or in-weights (docs/SCIENCE.md §4; Reddy 2023, Chan et al. 2022, Singh et al.
 * 2023): the shipped phase diagram over burstiness B and classes K as the main figure, and a
 * blank classifier trained here on bursty sequences with both evaluations, the loss and the
 * attention at the query updating as it trains. Every number comes from the package (the core)
 * or the sweep's own JSON; this file wires controls, URL state and pictures.
 */
import { startClassify, type ClassifyEvaluation, type ClassifyOptions, type ClassifyRun } from "iclab";
import { attentionTable, phaseTable, StepChart, type PhaseCell } from "./classify-charts.js";
import { describe, el } from "./dom.js";
import { Page } from "./page.js";
import { Progress } from "./progress.js";
import { CLASSIFY as TABLE } from "./tables.js";
import "./style.css";

/** One run of `iclab classify sweep` (crate/src/bin/iclab/classify.rs `Run`), the fields drawn here. */
interface SweepRun {
  classes: number;
  burstiness: number;
  noise: number;
  seed: number;
  weightDecay: number;
  steps: number;
  chance: number;
  emergenceStep: number | null;
  peakInContext: number;
  peakStep: number;
  finalInContext: number;
  finalInWeights: number;
  winner: string;
  wallSeconds: number;
  curve: { step: number; loss: number; inContext: number; inWeights: number }[];
}

/** `classify/sweep.json`, as `iclab classify sweep --out` writes it. */
interface Sweep {
  command?: string;
  config: ClassifyOptions & { task?: Record<string, number> };
  runs: SweepRun[];
}

type Name = keyof typeof TABLE & string;

const page: Page<typeof TABLE> = new Page({
  kind: "classify",
  table: TABLE,
  trainLabel: "Train",
  changed,
  train,
  reset,
  results,
  resultsCsv,
});
const { status } = page;
const progress = new Progress(el<HTMLProgressElement>("progress"), el("progress-label"));
const accuracyChart = new StepChart(
  el("accuracy-chart"),
  [
    { label: "in-context (new classes)", stroke: "#2563eb" },
    { label: "in-weights (classes absent from the context)", stroke: "#ea580c" },
    { label: "chance (1/L)", stroke: "#9ca3af", dash: [6, 6] },
  ],
  { label: "accuracy", range: [0, 1] },
  "The two accuracies appear here once training starts.",
);
const lossChart = new StepChart(
  el("loss-chart"),
  [
    { label: "training loss", stroke: "#2563eb" },
    { label: "guessing (ln L)", stroke: "#9ca3af", dash: [6, 6] },
  ],
  { label: "cross-entropy (nats)" },
  "The training loss appears here once training starts.",
);

const transienceChart = new StepChart(
  el("transience-chart"),
  [
    { label: "in-context, no weight decay", stroke: "#2563eb" },
    { label: "in-weights, no weight decay", stroke: "#ea580c" },
    { label: "in-context, with weight decay", stroke: "#2563eb", dash: [5, 4] },
    { label: "in-weights, with weight decay", stroke: "#ea580c", dash: [5, 4] },
  ],
  { label: "accuracy", range: [0, 1] },
  "The shipped long runs could not be read.",
);

/** The long runs: without weight decay solid, with it dashed, on one step axis. */
function showTransience(t: Sweep): void {
  transienceChart.clear();
  const plain = t.runs.find((r) => r.weightDecay === 0);
  const decayed = t.runs.find((r) => r.weightDecay > 0);
  const steps = [...new Set(t.runs.flatMap((r) => r.curve.map((p) => p.step)))].sort((a, b) => a - b);
  for (const step of steps) {
    const a = plain?.curve.find((p) => p.step === step);
    const b = decayed?.curve.find((p) => p.step === step);
    transienceChart.push(step, [a?.inContext ?? null, a?.inWeights ?? null, b?.inContext ?? null, b?.inWeights ?? null]);
  }
}

let sweep: Sweep | null = null;
/** `classify/transience.json`: long runs of one setting with and without weight decay. */
let transience: Sweep | null = null;
let run: ClassifyRun | null = null;
let losses: [number, number][] = [];
let evaluations: ClassifyEvaluation[] = [];

/** The experiment the settings describe. */
function config(): ClassifyOptions {
  const s = page.state;
  return {
    task: {
      classes: s.classes,
      burstiness: s.burstiness,
      noise: s.noise,
      zipf: s.zipf,
      pairs: s.pairs,
      labels: s.labels,
      dims: s.dims,
      burstyProb: s.burstyProb,
      novelProb: s.novelProb,
    },
    backbone: s.backbone as ClassifyOptions["backbone"],
    layers: s.layers,
    hidden: s.hidden,
    dModel: s.dModel,
    heads: s.heads,
    learningRate: s.learningRate,
    weightDecay: s.weightDecay,
    batchSize: s.batchSize,
    seed: s.seed,
    device: s.device as ClassifyOptions["device"],
  };
}

const mean = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : "–");

/** Per (ε, B, K): the mean over seeds. */
function cells(runs: SweepRun[], noise: number): PhaseCell[] {
  const groups = new Map<string, SweepRun[]>();
  for (const r of runs.filter((r) => r.noise === noise)) {
    const key = `${r.burstiness}/${r.classes}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const inContext = mean(g.map((r) => r.finalInContext));
    const inWeights = mean(g.map((r) => r.finalInWeights));
    const emerged = g.flatMap((r) => (r.emergenceStep === null ? [] : [r.emergenceStep]));
    const chance = g[0]!.chance;
    const bar = chance + (1 - chance) / 2;
    const winner = inContext >= bar ? (inWeights >= bar ? "both" : "in_context") : inWeights >= bar ? "in_weights" : "neither";
    return { burstiness: g[0]!.burstiness, classes: g[0]!.classes, inContext, inWeights, emergence: emerged.length ? mean(emerged) : null, winner, seeds: g.length };
  });
}

/** Sets B and K (and ε, when the sweep has one level) from a picked cell. */
function pick(noise: number, b: number, k: number): void {
  if (page.working) return;
  page.assign({ burstiness: b, classes: k, noise });
  changed("classes");
  showSweep();
}

function showSweep(): void {
  const box = el("phase");
  if (!sweep) return;
  const levels = [...new Set(sweep.runs.map((r) => r.noise))].sort((a, b) => a - b);
  const seeds = new Set(sweep.runs.map((r) => r.seed)).size;
  const steps = Math.max(...sweep.runs.map((r) => r.steps));
  const byNoise = new Map(levels.map((noise) => [noise, cells(sweep!.runs, noise)]));
  box.replaceChildren(
    ...levels.map((noise) =>
      phaseTable(
        byNoise.get(noise) ?? [],
        `Within-class noise ε = ${noise}: final accuracy after ${steps.toLocaleString("en")} steps (mean over ${seeds} seed${seeds === 1 ? "" : "s"})`,
        (b, k) => pick(noise, b, k),
        page.state.noise === noise ? { burstiness: page.state.burstiness, classes: page.state.classes } : { burstiness: -1, classes: -1 },
      ),
    ),
  );
  const all = [...byNoise.values()].flat();
  /** Per B, the K values whose cell `who` won: "B = 1 at K = 1,024, 4,096". */
  const where = (noise: number, who: string): string => {
    const won = (byNoise.get(noise) ?? []).filter((c) => c.winner === who);
    return [...new Set(won.map((c) => c.burstiness))]
      .sort((a, b) => a - b)
      .map((b) => {
        const ks = won.filter((c) => c.burstiness === b).map((c) => c.classes).sort((x, y) => x - y);
        return `B = ${b} at K = ${ks.map((k) => k.toLocaleString("en")).join(", ")}`;
      })
      .join("; ");
  };
  const wall = sweep.runs.reduce((a, r) => a + r.wallSeconds, 0);
  const parts = levels.map((noise) => {
    const ic = where(noise, "in_context");
    const iw = where(noise, "in_weights");
    return `ε = ${noise}: in-context learning wins ${ic ? `with ${ic}` : "nowhere"}; in-weights learning wins ${iw ? `with ${iw}` : "nowhere"}.`;
  });
  parts.push(`${sweep.runs.length} runs, ${Math.round(wall / 60)} min natively.`);
  if (transience?.runs.length) {
    parts.push(
      transience.runs
        .map((r) => `Long run (K = ${r.classes}, B = ${r.burstiness}, ${r.steps.toLocaleString("en")} steps, weight decay ${r.weightDecay}): in-context peaked at ${fmt(r.peakInContext)} (step ${r.peakStep.toLocaleString("en")}) and ended at ${fmt(r.finalInContext)}; in-weights ended at ${fmt(r.finalInWeights)}.`)
        .join(" "),
    );
  }
  el("phase-summary").textContent = parts.join(" ");
  document.body.dataset.phaseCells = String(all.length);
}

/** Draws one evaluation: the accuracies, the attention at the query, the jump. */
function showEvaluation(e: ClassifyEvaluation): void {
  evaluations.push(e);
  accuracyChart.push(e.step, [e.inContext, e.inWeights, e.chance]);
  const data = document.body.dataset;
  data.inContext = String(e.inContext);
  data.inWeights = String(e.inWeights);
  data.evaluatedStep = String(e.step);
  const box = el("attention");
  if (e.queryAttention.length === 0) {
    box.replaceChildren();
    el("induction").textContent = "The xLSTM has no attention to show: it reads the sequence through its recurrent memory.";
    delete data.heads;
  } else {
    const heads = Math.max(...e.queryAttention.map((q) => q.head)) + 1;
    box.replaceChildren(attentionTable(e.queryAttention, e.example, heads));
    data.heads = String(e.queryAttention.length);
    const i = e.induction;
    el("induction").textContent = i
      ? `Over all ${page.state.evalPrompts} test sequences at step ${e.step.toLocaleString("en")}: label tokens attend to their own item ${fmt(i.labelToItem)} (layer 1), the query attends to the labels of its class ${fmt(i.queryToMatch)} (last layer). An induction head has both near 1.`
      : "";
  }
  const chance = e.chance;
  el("emergence").textContent =
    e.emergenceStep === null
      ? `In-context accuracy ${fmt(e.inContext)}, in-weights ${fmt(e.inWeights)} (chance ${fmt(chance)}); in-context learning has not emerged yet (the bar: halfway from chance to perfect, ${fmt(chance + (1 - chance) / 2)}).`
      : `In-context learning emerged at step ${e.emergenceStep.toLocaleString("en")} (the first evaluation halfway from chance to perfect). Now: in-context ${fmt(e.inContext)}, in-weights ${fmt(e.inWeights)}.`;
  if (e.emergenceStep === null) delete data.emergenceStep;
  else data.emergenceStep = String(e.emergenceStep);
}

async function dispose(): Promise<void> {
  const old = run;
  run = null;
  await old?.dispose().catch(() => undefined);
}

function clearRun(): void {
  losses = [];
  evaluations = [];
  accuracyChart.clear();
  lossChart.clear();
  progress.clear();
  el("attention").replaceChildren();
  for (const id of ["emergence", "induction"]) el(id).textContent = "";
  for (const key of ["step", "inContext", "inWeights", "evaluatedStep", "emergenceStep", "heads"]) delete document.body.dataset[key];
}

async function train(): Promise<void> {
  page.startRun();
  const resuming = page.phase === "paused" && run !== null;
  const mine = resuming ? page.epoch : page.newEpoch();
  page.set("running", resuming ? "Resuming…" : "Building a blank classifier…");
  try {
    if (!resuming) {
      await dispose();
      clearRun();
      const r = await startClassify(config());
      if (!page.isCurrent(mine)) {
        await r.dispose();
        return;
      }
      run = r;
      page.showDevice(r.deviceInfo);
      // before any training: where a blank model starts
      showEvaluation(await r.evaluate(page.state.evalPrompts));
    }
    const r = run as ClassifyRun;
    const total = page.state.steps;
    let step = losses.at(-1)?.[0] ?? 0;
    progress.start(step, total);
    const guess = Math.log(page.state.labels);
    let nextEval = (Math.floor(step / page.state.evalEvery) + 1) * page.state.evalEvery;
    const started = performance.now();
    const startStep = step;
    while (step < total) {
      const n = Math.min(page.state.every, total - step, Math.max(1, nextEval - step));
      const report = await r.train(n);
      if (!page.isCurrent(mine)) return;
      step = report.step;
      losses.push([step, report.loss]);
      lossChart.push(step, [report.loss, guess]);
      document.body.dataset.step = String(step);
      const rate = (step - startStep) / ((performance.now() - started) / 1000);
      status.textContent = `${progress.update(step, total)} · loss ${report.loss.toFixed(3)} · ${rate.toFixed(0)} steps/s`;
      if (step >= nextEval || step >= total) {
        const e = await r.evaluate(page.state.evalPrompts);
        if (!page.isCurrent(mine)) return;
        showEvaluation(e);
        nextEval = step + page.state.evalEvery;
      }
      if (page.pauseRequested) break;
    }
    const finished = step >= total;
    progress.stop(finished ? "done" : "paused");
    page.set(finished ? "done" : "paused", finished ? `Trained ${step.toLocaleString("en")} steps. ${el("emergence").textContent ?? ""}` : "Paused.");
  } catch (error) {
    progress.stop();
    if (page.isCurrent(mine)) page.set("error", `${describe(error)} Change the setting it names, or press Reset.`, true);
  }
}

async function reset(): Promise<void> {
  page.requestPause();
  page.newEpoch();
  await dispose();
  clearRun();
  page.set("idle", "Press Train: a blank classifier learns here, in your browser.");
}

function results(): object {
  return { page: "classify", url: location.href, settings: page.state, config: run?.config ?? config(), losses, evaluations, sweep, transience };
}

function resultsCsv(): { header: string[]; rows: unknown[][] } {
  const rows: unknown[][] = [];
  for (const [step, loss] of losses) rows.push(["train", "cross_entropy", step, loss]);
  for (const e of evaluations) {
    rows.push(["evaluation", "in_context_accuracy", e.step, e.inContext]);
    rows.push(["evaluation", "in_weights_accuracy", e.step, e.inWeights]);
  }
  for (const r of [...(sweep?.runs ?? []), ...(transience?.runs ?? [])]) {
    const where = `sweep K=${r.classes} B=${r.burstiness} eps=${r.noise} wd=${r.weightDecay} seed=${r.seed}`;
    for (const p of r.curve) {
      rows.push([where, "in_context_accuracy", p.step, p.inContext]);
      rows.push([where, "in_weights_accuracy", p.step, p.inWeights]);
    }
  }
  return { header: ["source", "quantity", "step", "value"], rows };
}

/** Settings of the schedule, not of the experiment: a run carries on with them. */
const SCHEDULE: readonly Name[] = ["steps", "every", "evalEvery", "evalPrompts"];

/** A setting changed: a run of other settings is over (a new Train starts afresh). */
function changed(name: Name): void {
  if (["classes", "burstiness", "noise"].includes(name)) showSweep();
  if (!run || page.working) return;
  if (SCHEDULE.includes(name)) {
    // more steps after a finished run: Train resumes it
    if (name === "steps" && page.phase === "done" && (losses.at(-1)?.[0] ?? 0) < page.state.steps) page.set("paused", "Press Resume to train on to the new step count.");
    return;
  }
  void dispose();
  page.set("idle", "Settings changed: press Train to start a new run with them.");
}

async function start(): Promise<void> {
  page.init();
  page.set("idle", "Press Train: a blank classifier learns here, in your browser.");
  page.probeDevice();
  try {
    const response = await fetch(new URL("classify/sweep.json", document.baseURI));
    if (!response.ok) throw new Error(`could not fetch classify/sweep.json: HTTP ${response.status}`);
    sweep = (await response.json()) as Sweep;
    // the long runs are a footnote to the figure: without them it still stands
    const long = await fetch(new URL("classify/transience.json", document.baseURI));
    if (long.ok) {
      transience = (await long.json()) as Sweep;
      showTransience(transience);
    }
    showSweep();
  } catch (error) {
    el("phase-summary").textContent = `The shipped sweep could not be read: ${describe(error)}`;
  }
  document.body.dataset.ready = "true";
  page.showUrlProblems();
}

void start();
