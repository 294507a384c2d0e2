/**
 * Continual-learning page: one stream, two learners side by side, trained a few steps at a time
 * in the worker and drawn after every step of the pump: per-task accuracy with task switches
 * and stability gaps, the accuracy matrix, the metrics and (2-D data) the decision regions.
 * Numbers come from the package; this file wires controls, URL state and views.
 */
import {
  CATALOG,
  startContinual,
  type ContinualConfig,
  type ContinualResult,
  type ContinualRun,
  type ContinualStrategy,
  type DataConfig,
  type Kind,
  type ScenarioConfig,
  type Trained,
} from "iclab";
import { AccuracyChart, drawBoundary, renderMatrix } from "./charts.js";
import { offerWhatFits } from "./fits.js";
import { afterUnlearning, fillMetrics, HEADLINE, MORE, renderUnlearned } from "./metrics.js";
import { STRATEGY_NAMES as NAMES, STRATEGY_SETTINGS } from "../../shell/tables.js";
import { CONTINUAL as TABLE } from "./table.js";
import { DigitPad } from "./digit.js";
import { exported, exportedCsv, summaryLine } from "./export.js";
import { SIDE } from "./ink.js";
import { wireLearnerFiles } from "./learner-file.js";
import { TABLE_KIND, YourData } from "./yours.js";
import { Page } from "../../shell/page.js";
import { rounds } from "../../shell/stream.js";
import { describe, el } from "../../shell/dom.js";
import "../../style.css";

const { continual } = CATALOG;
/** The two learners side by side. */
const SIDES = ["a", "b"] as const;
type Side = (typeof SIDES)[number];

const unlearnButton = el<HTMLButtonElement>("unlearn");
const page: Page<typeof TABLE> = new Page({
  kind: "continual",
  table: TABLE,
  trainLabel: "Train",
  controls: "fieldset input, fieldset select",
  onPhase: (phase) => {
    unlearnButton.disabled = phase !== "done" && phase !== "paused";
  },
  writeForm: (form, state) => {
    for (const name of Object.keys(TABLE) as (keyof typeof TABLE)[]) {
      const input = form.elements.namedItem(name);
      if (input instanceof HTMLInputElement || input instanceof HTMLSelectElement)
        input.value = String(state[name]);
    }
    showRelevant();
  },
  changed: (name) => {
    showRelevant();
    // "every" only changes how often the page draws; everything else defines the runs
    if (name !== "every") void reset();
  },
  rebuilds: (name) => name !== "every",
  train,
  reset,
  results: () => exported(page.state, results),
  resultsCsv: () => exportedCsv(results),
});
const { form, status } = page;
const charts: Record<Side, AccuracyChart> = {
  a: new AccuracyChart(el("acc-chart-a")),
  b: new AccuracyChart(el("acc-chart-b")),
};
const matrices: Record<Side, HTMLTableElement> = { a: el("matrix-a"), b: el("matrix-b") };
const boundaries: Record<Side, HTMLCanvasElement> = { a: el("boundary-a"), b: el("boundary-b") };
const metricsTable = el<HTMLTableElement>("metrics");
const moreTable = el<HTMLTableElement>("metrics-more");
const moreBox = el<HTMLDetailsElement>("metrics-more-box");

const runs: Record<Side, ContinualRun | null> = { a: null, b: null };
const results: Record<Side, ContinualResult | null> = { a: null, b: null };

/** Whether `strategy` can forget a class exactly. */
const unlearns = (strategy: ContinualStrategy | null): boolean =>
  continual.strategies.some((s) => s.kind === strategy && s.unlearns);

/** The learner file on the page (left side), if one was loaded: it has its own settings. */
let loadedFile: string | null = null;

function strategyOf(side: Side): ContinualStrategy | null {
  if (loadedFile) return side === "a" ? (runs.a?.result.strategy ?? null) : null;
  const s = side === "a" ? page.state.strategy : page.state.compare;
  return s === "none" ? null : (s as ContinualStrategy);
}

/**
 * The page's name for a config key where the two differ: the 2-D shape is chosen in the
 * dataset menu, and the re-occurring stream's exponent is not the power-law rehearsal's.
 */
const PAGE_NAME: Readonly<Record<string, string>> = {
  shape: "dataset",
  exponent: "revisitExponent",
};

/** A setting by its page name: the strategies' come from the catalog, so the table's type does not list them. */
const setting = (name: string): string | number | undefined =>
  (page.state as Readonly<Record<string, string | number>>)[name];

/** `kind`'s config from the page's settings: each of its keys the page holds, else the core's default. */
function fromState<T>(kind: Kind): T {
  const config: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(kind.defaults)) {
    const value = key === "kind" ? undefined : setting(PAGE_NAME[key] ?? key);
    config[key] = value ?? fallback;
  }
  return config as T;
}

/** The chosen dataset: a 2-D shape (the dataset menu lists the shapes) or another dataset by kind. */
function dataset(): Kind {
  const chosen = String(page.state.dataset);
  if (chosen === TABLE_KIND) return continual.table;
  return (
    continual.datasets.find((d) => d.kind === chosen) ??
    continual.datasets.find((d) => d.defaults.shape !== undefined)!
  );
}

/** Your own data: points drawn or a CSV, in the page only. */
const yours = new YourData(
  () => {
    showRelevant();
    void reset();
  },
  () => page.phase === "running",
);
const mine = (): boolean => dataset().kind === TABLE_KIND;

/** 2-D data (the shapes, or your table of two features) have decision regions to draw. */
const planar = (): boolean =>
  dataset().defaults.shape !== undefined || (mine() && yours.summary?.features.length === 2);

/** The digits: neither 2-D shapes nor your table (a loaded learner: one that reads 14 × 14). */
const digitsShown = (): boolean =>
  loadedFile
    ? runs.a?.result.inputs === SIDE * SIDE
    : dataset().defaults.shape === undefined && !mine();
const pad = new DigitPad(() =>
  SIDES.flatMap((side) => {
    const run = runs[side];
    const strategy = strategyOf(side);
    return run && strategy ? [{ title: NAMES[strategy] ?? strategy, run }] : [];
  }),
);

const scenario = (): Kind => continual.scenarios.find((s) => s.kind === page.state.scenario)!;

/** The package config for one side. */
function config(strategy: ContinualStrategy): ContinualConfig {
  const settings: Record<string, unknown> = {};
  for (const s of STRATEGY_SETTINGS)
    if (s.uses.includes(strategy)) settings[s.key] = setting(s.name);
  return {
    ...continual.defaults,
    dataset: mine()
      ? ({
          ...fromState<DataConfig>(dataset()),
          csv: yours.csv,
          order: yours.order,
        } as DataConfig)
      : fromState<DataConfig>(dataset()),
    scenario: fromState<ScenarioConfig>(scenario()),
    strategy,
    ...settings,
    hidden: String(page.state.hidden).split(",").map(Number),
    learningRate: page.state.learningRate,
    batchSize: page.state.batchSize,
    iterationsPerTask: page.state.iterationsPerTask,
    evalEvery: page.state.evalEvery,
    device: page.state.device as ContinualConfig["device"],
    seed: page.state.seed,
  };
}

/** Shows the settings the chosen data, scenario and learners use; hides the rest. */
function showRelevant(): void {
  offerWhatFits(form, String(page.state.dataset), scenario());
  const used = new Set(SIDES.map(strategyOf).filter((s): s is ContinualStrategy => s !== null));
  for (const label of form.querySelectorAll<HTMLElement>("label[data-uses]")) {
    label.hidden = !(label.dataset.uses ?? "")
      .split(" ")
      .some((s) => used.has(s as ContinualStrategy));
  }
  // a stream's and a dataset's settings show while the chosen one has them
  const shows = (kind: Kind) => (label: HTMLElement) => {
    const name = label.querySelector<HTMLInputElement | HTMLSelectElement>("[name]")?.name;
    label.hidden = !Object.keys(kind.defaults).some((key) => (PAGE_NAME[key] ?? key) === name);
  };
  form.querySelectorAll<HTMLElement>("label[data-scenario]").forEach(shows(scenario()));
  form.querySelectorAll<HTMLElement>("label[data-dataset]").forEach(shows(dataset()));
  const two = strategyOf("b") !== null;
  for (const id of ["side-b", "matrix-side-b", "boundary-side-b"]) el(id).hidden = !two;
  el("boundaries").hidden = !planar();
  el("yours").hidden = !mine();
  el("digit-view").hidden = !digitsShown();
  for (const side of SIDES) {
    const name = strategyOf(side);
    for (const span of document.querySelectorAll<HTMLElement>(`#name-${side}, .name-${side}`)) {
      span.textContent = name ? NAMES[name] : "";
    }
  }
  el("unlearn-row").hidden = !SIDES.some((s) => unlearns(strategyOf(s)));
  const notes = continual.strategies.filter((s) => s.note && used.has(s.kind)).map((s) => s.note);
  el("strategy-notes").textContent = notes.join(" ");
  el("strategy-notes").hidden = notes.length === 0;
  el<HTMLParagraphElement>("strategy-note").textContent = continual.strategies.some(
    (s) => s.readsOnce && used.has(s.kind),
  )
    ? `${continual.strategies
        .filter((s) => s.readsOnce)
        .map((s) => s.title)
        .join(
          ", ",
        )} read each task's data once, in batches, instead of training for the set number of steps.`
    : "";
}

function renderMetrics(): void {
  const sides = SIDES.filter((s) => results[s]);
  metricsTable.replaceChildren();
  moreBox.hidden = sides.length === 0;
  if (!sides.length) return;
  const columns = sides.map((side) => {
    const strategy = strategyOf(side);
    const result = results[side] as ContinualResult;
    const name = strategy ? NAMES[strategy] : side;
    // the core's metrics of a finished stream are the learner's as it stands: after unlearning
    return { title: `${name}${afterUnlearning(result)}`, result };
  });
  fillMetrics(metricsTable, HEADLINE, columns);
  fillMetrics(moreTable, MORE, columns);
}

async function show(side: Side, result: ContinualResult): Promise<void> {
  results[side] = result;
  const info = result.deviceInfo;
  page.showDevice(info);
  charts[side].show(result);
  // one x-range for both learners: the longer stream's steps
  const steps = Math.max(...SIDES.map((s) => results[s]?.totalSteps ?? 0));
  for (const s of SIDES) charts[s].setRange(steps);
  renderMatrix(matrices[side], result);
  const run = runs[side];
  if (run && (planar() || result.loaded)) {
    const boundary = await run.boundary(48);
    drawBoundary(boundaries[side], boundary);
    if (result.loaded) el("boundaries").hidden = boundary === null;
  }
}

function publish(): void {
  renderMetrics();
  const summary: Record<string, unknown> = {};
  for (const s of SIDES) {
    const r = results[s];
    if (r)
      summary[s] = {
        strategy: r.strategy,
        step: r.step,
        totalSteps: r.totalSteps,
        done: r.done,
        metrics: r.metrics,
        accuracyMatrix: r.accuracyMatrix,
        randomInit: r.randomInit,
        stabilityGaps: r.stabilityGaps,
        unlearned: r.unlearned,
      };
  }
  document.body.dataset.results = JSON.stringify(summary);
  el<HTMLButtonElement>("save-learners").disabled = !SIDES.some((s) => runs[s]);
}

async function dispose(): Promise<void> {
  const old = SIDES.map((s) => runs[s]);
  for (const s of SIDES) {
    runs[s] = null;
    results[s] = null;
    charts[s].clear();
    renderMatrix(matrices[s], null);
    drawBoundary(boundaries[s], null);
  }
  renderMetrics();
  el("unlearn-view").hidden = true;
  delete document.body.dataset.results;
  delete document.body.dataset.unlearned;
  await Promise.all(old.map((r) => r?.dispose().catch(() => undefined)));
}

/**
 * What the page says before training: what is on screen already (each task's accuracy as the
 * untrained learner scores it, read from the run: an untrained network mostly answers one class,
 * so it is not 1/classes), and what Train does.
 */
function ready(): string {
  const first = SIDES.map((s) => results[s]).find((r): r is ContinualResult => r !== null);
  const before = first?.randomInit.map((a, i) => `task ${i + 1} ${a.toFixed(2)}`) ?? [];
  return (
    `The stream is built. Before training the learner scores ${before.join(", ")} (the dots at step 0: ` +
    "an untrained network mostly answers one class, so not 1/classes), and for 2-D data the charts show the untrained decision regions over every task's test points. Press Train to run the stream with both learners."
  );
}

/** Drops the runs and builds new ones for the settings, untrained: something to look at before Train. */
async function reset(): Promise<void> {
  loadedFile = null;
  const mine = page.newEpoch();
  page.clearRun();
  await dispose();
  try {
    if (!(await start(mine))) return;
    page.set("idle", ready());
    void pad.answer();
  } catch (error) {
    if (page.isCurrent(mine))
      page.set("error", `${describe(error)} Press Reset to start again.`, true);
  }
}

async function start(mine: number): Promise<boolean> {
  if (!yoursReady()) return false;
  page.set(
    "loading",
    planar() ? "Building the stream…" : `Loading ${dataset().title} and building the stream…`,
  );
  for (const side of SIDES) {
    const strategy = strategyOf(side);
    if (!strategy || runs[side]) continue;
    const run = await startContinual(config(strategy));
    if (!page.isCurrent(mine)) {
      await run.dispose();
      return false;
    }
    runs[side] = run;
    await show(side, run.result);
  }
  publish();
  return true;
}

/** With your data chosen, whether the core has accepted a table (else say how to give one). */
function yoursReady(): boolean {
  if (!mine() || yours.ready()) return true;
  page.set("idle", yours.hint());
  showRelevant();
  return false;
}

/** Steps of every run together, so the bar covers both learners. */
function work(): [number, number] {
  return SIDES.map((s) => results[s])
    .filter((r): r is ContinualResult => r !== null)
    .reduce<[number, number]>(([d, t], r) => [d + r.step, t + r.totalSteps], [0, 0]);
}

/** Advances both learners `every` steps per round until their streams end. */
function train(): Promise<void> {
  /** The sides trained in this run, in the order of its streams. */
  let training: Side[] = [];
  return page.run({
    opening: "Training…",
    work,
    start: async (mine) => {
      if (!(await start(mine))) return null;
      page.set("running", "Training…");
      // the learners whose streams have steps left, advanced side by side
      training = SIDES.filter((side) => runs[side] && !runs[side].result.done);
      return rounds(
        training.map((side) => (runs[side] as ContinualRun).train({ every: page.state.every })),
      );
    },
    draw: async (round: (Trained<ContinualResult> | null)[]) => {
      for (const [i, step] of round.entries())
        if (step) await show(training[i] as Side, step.report);
      publish();
      void pad.answer();
      const steps = SIDES.map((s) => results[s])
        .filter((r): r is ContinualResult => r !== null)
        .map((r) => `${NAMES[r.strategy]} ${r.step}/${r.totalSteps}`)
        .join(" · ");
      return `step ${steps}`;
    },
    done: () => `Done: ${summaryLine(results)}`,
  });
}

async function unlearn(): Promise<void> {
  const input = el<HTMLInputElement>("forget-class");
  const cls = Number(input.value);
  const mine = page.epoch;
  try {
    for (const side of SIDES) {
      const run = runs[side];
      if (!run || !unlearns(strategyOf(side))) continue;
      const before = results[side]?.classAccuracy ?? [];
      const result = await run.unlearn(cls);
      if (!page.isCurrent(mine)) return;
      await show(side, result);
      renderUnlearned(cls, before, result.classAccuracy);
    }
    publish();
    status.textContent = `Class ${cls} unlearned exactly: the analytic head is now the one trained without it.`;
    status.classList.remove("error");
  } catch (error) {
    if (page.isCurrent(mine)) {
      status.textContent = describe(error);
      status.classList.add("error");
    }
  }
}

unlearnButton.addEventListener("click", () => void unlearn());

/** A learner file that loaded: it replaces the runs on screen, with its own settings. */
async function useLoaded(run: ContinualRun, file: string): Promise<void> {
  page.requestPause();
  page.newEpoch();
  page.clearRun();
  await dispose();
  loadedFile = file;
  runs.a = run;
  showRelevant();
  await show("a", run.result);
  publish();
  const r = run.result;
  page.set(
    "done",
    `Loaded ${file}: ${NAMES[r.strategy]}, ${r.step} of ${r.totalSteps} steps, with the settings it was trained with (not the panel's). It reports and answers as saved and trains no further; press Reset to return to the settings.`,
  );
  document.body.dataset.loaded = file;
  void pad.answer();
}

wireLearnerFiles(
  () =>
    SIDES.flatMap((side) => {
      const run = runs[side];
      const strategy = strategyOf(side);
      return run && strategy ? [{ run, name: strategy }] : [];
    }),
  useLoaded,
  (message) => {
    status.textContent = message;
    status.classList.add("error");
  },
);

page.init();
void reset().then(() => {
  document.body.dataset.ready = "true";
  page.showUrlProblems();
});
