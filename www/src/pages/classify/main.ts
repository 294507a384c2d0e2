/**
 * In-context or in-weights (docs/SCIENCE.md §4; Reddy 2023, Chan et al. 2022, Singh et al.
 * 2023): the shipped phase diagram over burstiness B and classes K as the main figure, and a
 * blank classifier trained here on bursty sequences with both evaluations, the loss and the
 * attention at the query updating as it trains. Every number comes from the package (the core)
 * or the sweep's own JSON; this file wires controls, URL state and pictures.
 */
import {
  startClassify,
  type ClassifyEvaluation,
  type ClassifyOptions,
  type ClassifyReport,
  type ClassifyRun,
  type ClassifySweep as Sweep,
  type PhaseCell as CorePhaseCell,
  type Trained,
} from "iclab";
import { attentionTable, phaseTable, StepChart, type PhaseCell } from "./charts.js";
import { describe, el } from "../../shell/dom.js";
import { Page } from "../../shell/page.js";
import { CLASSIFY as TABLE } from "./table.js";
import { settingsOf, wireClassifierFiles } from "./model-file.js";
import "../../style.css";

type Name = keyof typeof TABLE & string;

const page: Page<typeof TABLE> = new Page({
  kind: "classify",
  table: TABLE,
  trainLabel: "Train",
  changed,
  rebuilds: (name) => !SCHEDULE.includes(name),
  train,
  reset,
  results,
  resultsCsv,
});
const charts = document.querySelector<HTMLElement>("section.charts") as HTMLElement;
const accuracyChart = new StepChart(
  el("accuracy-chart"),
  [
    { label: "in-context (new classes)", stroke: "#2563eb" },
    { label: "in-weights (classes absent from the context)", stroke: "#ea580c" },
    {
      label: "mass on the context's labels (Reddy's context-label accuracy)",
      stroke: "#7c3aed",
      dash: [2, 3],
    },
    { label: "chance (1/L)", stroke: "#9ca3af", dash: [6, 6] },
    {
      label: "copying a context label (the plateau, max(1/L, B/N))",
      stroke: "#9ca3af",
      dash: [2, 6],
    },
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
    { label: "in-context, no weight decay (mean over seeds)", stroke: "#2563eb" },
    { label: "in-weights, no weight decay", stroke: "#ea580c" },
    { label: "in-context, weight decay 1e-4", stroke: "#2563eb", dash: [5, 4] },
    { label: "in-weights, weight decay 1e-4", stroke: "#ea580c", dash: [5, 4] },
    { label: "in-context, weight decay 1e-3", stroke: "#2563eb", dash: [1, 3] },
    { label: "in-weights, weight decay 1e-3", stroke: "#ea580c", dash: [1, 3] },
  ],
  { label: "accuracy", range: [0, 1] },
  "The shipped long runs could not be read.",
);

/** The weight decays the transience chart has lines for, in its order. */
const DECAYS = [0, 1e-4, 1e-3];

/** The long runs of one burstiness: per weight decay, both accuracies averaged over the seeds. */
function showTransience(t: Sweep, burstiness: number): void {
  transienceChart.clear();
  const runs = t.runs.filter((r) => r.burstiness === burstiness);
  const steps = [...new Set(runs.flatMap((r) => r.curve.map((p) => p.step)))].sort((a, b) => a - b);
  const at = (wd: number, step: number, key: "inContext" | "inWeights"): number | null => {
    const xs = runs
      .filter((r) => r.weightDecay === wd)
      .flatMap((r) => r.curve.filter((p) => p.step === step).map((p) => p[key]));
    return xs.length ? mean(xs) : null;
  };
  for (const step of steps)
    transienceChart.push(
      step,
      DECAYS.flatMap((wd) => [at(wd, step, "inContext"), at(wd, step, "inWeights")]),
    );
  const finding = t.transience.find((f) => f.burstiness === burstiness);
  el("transience-summary").textContent = finding
    ? [finding.statement, ...finding.weightDecay.map((e) => e.statement)].join(" ")
    : "";
  el("transience-why").hidden = finding?.outcome !== "not_seen";
  document.body.dataset.transience = finding?.outcome ?? "none";
}

let sweep: Sweep | null = null;

/** The long runs' burstiness shown: the page's B when the long runs have it, else their first. */
function transienceBurstiness(): number {
  const bs = [...new Set((transience?.runs ?? []).map((r) => r.burstiness))].sort((a, b) => b - a);
  return bs.includes(page.state.burstiness) ? page.state.burstiness : (bs[0] ?? 0);
}
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

const mean = (v: number[]): number =>
  v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : "–");

/** The core's cells of one ε (no weight decay) as the table draws them. */
function cells(phase: CorePhaseCell[], noise: number): PhaseCell[] {
  return phase
    .filter((c) => c.noise === noise && c.weightDecay === 0)
    .map((c) => {
      const emerged = c.emergenceSteps.filter((s): s is number => s !== null);
      return {
        burstiness: c.burstiness,
        classes: c.classes,
        inContext: c.inContext.mean,
        inWeights: c.inWeights.mean,
        emergence: emerged.length ? mean(emerged) : null,
        emerged: emerged.length,
        winner: c.winner ?? "undecided",
        seeds: c.seeds,
      };
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
  const byNoise = new Map(levels.map((noise) => [noise, cells(sweep!.phase.cells, noise)]));
  box.replaceChildren(
    ...levels.map((noise) =>
      phaseTable(
        byNoise.get(noise) ?? [],
        `Within-class noise ε = ${noise}: final accuracy after ${steps.toLocaleString("en")} steps (mean over ${seeds} seed${seeds === 1 ? "" : "s"})`,
        (b, k) => pick(noise, b, k),
        page.state.noise === noise
          ? { burstiness: page.state.burstiness, classes: page.state.classes }
          : { burstiness: -1, classes: -1 },
      ),
    ),
  );
  const all = [...byNoise.values()].flat();
  const wall = sweep.runs.reduce((a, r) => a + r.wallSeconds, 0);
  // the findings are the core's (iclab::classify::phase): the page shows their sentences
  el("phase-summary").textContent = [
    ...sweep.phase.statements,
    `${sweep.runs.length} runs, ${Math.round(wall / 60)} min natively.`,
  ].join(" ");
  document.body.dataset.phaseCells = String(all.length);
  document.body.dataset.undecidedCells = String(all.filter((c) => c.winner === "undecided").length);
}

/** Draws one evaluation: the accuracies, the attention at the query, the jump. */
function showEvaluation(e: ClassifyEvaluation): void {
  evaluations.push(e);
  accuracyChart.push(e.step, [e.inContext, e.inWeights, e.contextLabelAccuracy, e.chance, e.base]);
  const data = document.body.dataset;
  data.inContext = String(e.inContext);
  data.inWeights = String(e.inWeights);
  data.evaluatedStep = String(e.step);
  const box = el("attention");
  if (e.queryAttention.length === 0) {
    box.replaceChildren();
    el("induction").textContent =
      "The xLSTM has no attention to show: it reads the sequence through its recurrent memory.";
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
  // the bar and the step are the core's (ClassifySession::evaluate): the page only words them
  const bar = `halfway from ${fmt(e.base)} (${e.base > e.chance ? "copying one of the context's labels" : "chance"}) to perfect, ${fmt(e.emergenceBar)}`;
  el("emergence").textContent =
    e.emergenceStep === null
      ? `In-context accuracy ${fmt(e.inContext)} (mass on the context's labels ${fmt(e.contextLabelAccuracy)}), in-weights ${fmt(e.inWeights)}; in-context learning has not emerged yet (the bar: ${bar}).`
      : `In-context learning emerged at step ${e.emergenceStep.toLocaleString("en")} (the first evaluation ${bar}). Now: in-context ${fmt(e.inContext)}, in-weights ${fmt(e.inWeights)}.`;
  if (e.emergenceStep === null) delete data.emergenceStep;
  else data.emergenceStep = String(e.emergenceStep);
}

async function dispose(): Promise<void> {
  const old = run;
  run = null;
  el<HTMLButtonElement>("save-model").disabled = true;
  await old?.dispose().catch(() => undefined);
}

function clearRun(): void {
  delete charts.dataset.live;
  losses = [];
  evaluations = [];
  accuracyChart.clear();
  lossChart.clear();
  page.clearRun();
  el("attention").replaceChildren();
  for (const id of ["emergence", "induction"]) el(id).textContent = "";
  for (const key of ["step", "inContext", "inWeights", "evaluatedStep", "emergenceStep", "heads"])
    delete document.body.dataset[key];
}

/** Trains a blank classifier (or resumes the paused one), evaluating every `evalEvery` steps. */
function train(): Promise<void> {
  const resuming = page.phase === "paused" && run !== null;
  if (!resuming) page.newEpoch();
  const stepNow = (): number => losses.at(-1)?.[0] ?? run?.initialStep ?? 0;
  let started = 0;
  let startStep = 0;
  return page.run({
    opening: resuming ? "Resuming…" : "Building a blank classifier…",
    work: () => [stepNow(), page.state.steps],
    start: async (mine) => {
      if (!resuming) {
        await dispose();
        clearRun();
        const r = await startClassify(config());
        if (!page.isCurrent(mine)) {
          await r.dispose();
          return null;
        }
        run = r;
        el<HTMLButtonElement>("save-model").disabled = false;
        page.showDevice(r.deviceInfo);
        // on a phone the live chart now comes first (style.css)
        charts.dataset.live = "";
        // before any training: where a blank model starts
        showEvaluation(await r.evaluate(page.state.evalPrompts));
        if (!page.isCurrent(mine)) return null;
      }
      const r = run as ClassifyRun;
      const { every, evalEvery, steps: total, evalPrompts } = page.state;
      started = performance.now();
      startStep = stepNow();
      return r.train({
        steps: Math.max(1, total - stepNow()),
        every,
        evalEvery,
        evaluate: { prompts: evalPrompts },
      });
    },
    draw: async ({ report, evaluation }: Trained<ClassifyReport, ClassifyEvaluation>, mine) => {
      const step = report.step;
      losses.push([step, report.loss]);
      lossChart.push(step, [report.loss, Math.log(page.state.labels)]);
      document.body.dataset.step = String(step);
      const rate = (step - startStep) / ((performance.now() - started) / 1000);
      if (evaluation && page.isCurrent(mine)) showEvaluation(evaluation);
      return `loss ${report.loss.toFixed(3)} · ${rate.toFixed(0)} steps/s`;
    },
    done: () =>
      `Trained ${(losses.at(-1)?.[0] ?? 0).toLocaleString("en")} steps. ${el("emergence").textContent ?? ""}`,
    hint: () => "Change the setting it names, or press Reset.",
  });
}

async function reset(): Promise<void> {
  page.requestPause();
  page.newEpoch();
  await dispose();
  clearRun();
  page.set("idle", "Press Train: a blank classifier learns here, in your browser.");
}

function results(): object {
  return {
    page: "classify",
    url: location.href,
    settings: page.state,
    config: run?.config ?? config(),
    losses,
    evaluations,
    sweep,
    transience,
  };
}

function resultsCsv(): { header: string[]; rows: unknown[][] } {
  const rows: unknown[][] = [];
  for (const [step, loss] of losses) rows.push(["train", "cross_entropy", step, loss]);
  for (const e of evaluations) {
    rows.push(["evaluation", "in_context_accuracy", e.step, e.inContext]);
    rows.push(["evaluation", "in_weights_accuracy", e.step, e.inWeights]);
    rows.push(["evaluation", "context_label_accuracy", e.step, e.contextLabelAccuracy]);
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
  if (["classes", "burstiness", "noise"].includes(name)) {
    showSweep();
    if (name === "burstiness" && transience) showTransience(transience, transienceBurstiness());
  }
  if (!run || page.working) return;
  if (SCHEDULE.includes(name)) {
    // more steps after a finished run: Train resumes it
    if (name === "steps" && page.phase === "done" && (losses.at(-1)?.[0] ?? 0) < page.state.steps)
      page.set("paused", "Press Resume to train on to the new step count.");
    return;
  }
  void dispose();
  page.set("idle", "Settings changed: press Train to start a new run with them.");
}

/** A classifier file that loaded: the page takes its settings and can train it on. */
async function useLoaded(r: ClassifyRun, file: string): Promise<void> {
  page.requestPause();
  page.newEpoch();
  await dispose();
  clearRun();
  run = r;
  el<HTMLButtonElement>("save-model").disabled = false;
  page.assign(settingsOf(r.config) as Partial<typeof page.state>);
  page.showDevice(r.deviceInfo);
  charts.dataset.live = "";
  showEvaluation(await r.evaluate(page.state.evalPrompts));
  const more = page.state.steps > r.initialStep;
  page.set(
    more ? "paused" : "done",
    `Loaded ${file}: a classifier trained ${r.initialStep.toLocaleString("en")} steps, with its settings now in the panel. ${more ? `Press Resume to train it on to ${page.state.steps.toLocaleString("en")} steps.` : "Raise Steps to train it on."}`,
  );
  document.body.dataset.loaded = file;
}

wireClassifierFiles(
  () => run,
  useLoaded,
  (message) => {
    page.status.textContent = message;
    page.status.classList.add("error");
  },
);

async function start(): Promise<void> {
  page.init();
  page.set("idle", "Press Train: a blank classifier learns here, in your browser.");
  page.probeDevice();
  try {
    const response = await fetch(new URL("classify/sweep.json", document.baseURI));
    if (!response.ok)
      throw new Error(`could not fetch classify/sweep.json: HTTP ${response.status}`);
    sweep = (await response.json()) as Sweep;
    // the long runs are a footnote to the figure: without them it still stands
    const long = await fetch(new URL("classify/transience.json", document.baseURI));
    if (long.ok) {
      transience = (await long.json()) as Sweep;
      showTransience(transience, transienceBurstiness());
    }
    showSweep();
  } catch (error) {
    el("phase-summary").textContent = `The shipped sweep could not be read: ${describe(error)}`;
  }
  document.body.dataset.ready = "true";
  page.showUrlProblems();
}

void start();
