/**
 * Task-diversity page (docs/SCIENCE.md §5, Raventós et al. 2023): the shipped sweep over the
 * number of training tasks M as the main figure, a slider that loads the shipped model of each M
 * and evaluates it live on its pool's tasks and on new ones against dMMSE and ridge (λ = σ²), and
 * "train this M from scratch" in the browser with the sweep's settings. Numbers come from the
 * package and the sweep's own JSON; this file wires controls, URL state and charts.
 */
import {
  CATALOG,
  createSession,
  loadSession,
  type BaselineKind,
  type DiversitySweep as Sweep,
  type ErrorCurve,
  type EvaluateOptions,
  type Evaluation,
  type Report,
  type Session,
  type SessionConfig,
  type Trained,
} from "iclab";
import { ErrorChart } from "../../charts/charts.js";
import { LossChart } from "../../charts/loss-chart.js";
import { Page } from "../../shell/page.js";
import { describe, el } from "../../shell/dom.js";
import { errorCurveRows } from "../../shell/files.js";
import { DIVERSITY as TABLE, POOLS } from "./table.js";
import { baseSteps, fmt, mean, SweepFigure } from "./sweep.js";
import "../../style.css";

/** The seed whose checkpoints ship (one per M). */
const SHIPPED_SEED = 0;

type Name = keyof typeof TABLE & string;
const slider = el<HTMLInputElement>("pool-slider");

const page: Page<typeof TABLE> = new Page({
  kind: "diversity",
  table: TABLE,
  trainLabel: "Train this M",
  // the slider stays live while a model loads (a newer choice replaces it), not while one trains
  controls: "input:not(#pool-slider), select",
  onPhase: (phase) => {
    slider.disabled = phase === "running";
  },
  changed,
  // another M or device shows that shipped model instead
  rebuilds: (name) => name === "m" || name === "device",
  train,
  reset,
  results,
  resultsCsv,
});
const sliderValue = el<HTMLElement>("pool-value");
const figure = new SweepFigure();
const freshChart = new ErrorChart(el("fresh-chart"));
const poolChart = new ErrorChart(el("pool-chart"));
const lossChart = new LossChart(
  el("loss-chart"),
  "The training loss appears here once you train this M from scratch.",
);

let sweep: Sweep | null = null;
let session: Session | null = null;
/** Whether the model on screen was trained here (not the shipped one). */
let trainedHere = false;
let losses: [number, number][] = [];
let shown: { fresh: Evaluation | null; pool: Evaluation | null } = { fresh: null, pool: null };

/** The slider's M: a number, or `null` for ∞ (a fresh task per prompt). */
function pool(): number | null {
  return page.state.m === "inf" ? null : Number(page.state.m);
}

/** The slider's position and label follow the state. */
function showSlider(): void {
  slider.max = String(POOLS.length - 1);
  slider.value = String(Math.max(0, (POOLS as readonly string[]).indexOf(page.state.m)));
  sliderValue.textContent =
    page.state.m === "inf" ? "M = ∞ (a fresh task per prompt)" : `M = ${page.state.m}`;
  slider.setAttribute("aria-valuetext", sliderValue.textContent);
  figure.mark(pool());
  el("pool-figure").hidden = pool() === null;
}

slider.addEventListener("input", () => {
  const m = POOLS[Number(slider.value)] ?? POOLS[0]!;
  sliderValue.textContent = m === "inf" ? "M = ∞ (a fresh task per prompt)" : `M = ${m}`;
});
slider.addEventListener("change", () => {
  const m = POOLS[Number(slider.value)];
  if (m && m !== page.state.m) page.commit("m", m);
});

/** The two references a model sits between: the memorizing one (dMMSE) and the learning one (ridge). */
const { memorizing, learning } = CATALOG.icl.baselineRoles;

/** Baselines of an evaluation: dMMSE needs the pool, ridge always. */
function baselines(): BaselineKind[] {
  return pool() === null ? [learning] : [memorizing, learning];
}

const distance = (e: Evaluation, name: string): number => mean(e.distances?.[name] ?? []);

/** The evaluation's numbers; where the model sits between dMMSE and ridge is the core's sentence. */
function summary(e: Evaluation, where: string): string {
  const toD = distance(e, memorizing);
  const toR = distance(e, learning);
  const model = mean(e.curves.model?.mean ?? []);
  const place = e.position ? ` It sits ${e.position.description}.` : "";
  return `${where}: error ${fmt(model)} (mean over k); distance to dMMSE ${fmt(toD)}, to ridge ${fmt(toR)}.${place}`;
}

/** What a model is evaluated on: fresh tasks (and, with a finite pool, the pool's) with the baselines. */
function evaluationOptions(): EvaluateOptions {
  return { prompts: page.state.evalPrompts, seed: page.state.seed, baselines: baselines() };
}

/** Evaluates `s` on new tasks and (for a finite M) on its pool's, and draws both. */
async function evaluate(s: Session, mine: number, evaluated?: Evaluation): Promise<void> {
  const options = evaluationOptions();
  const fresh = evaluated ?? (await s.evaluate({ ...options, tasks: "fresh" }));
  const onPool = pool() === null ? null : await s.evaluate({ ...options, tasks: "pool" });
  if (!page.isCurrent(mine)) return;
  shown = { fresh, pool: onPool };
  freshChart.show(fresh.curves as Record<string, ErrorCurve>);
  el("fresh-summary").textContent = summary(fresh, "On new tasks");
  const data = document.body.dataset;
  data.freshToDmmse = String(distance(fresh, memorizing));
  data.freshToRidge = String(distance(fresh, learning));
  if (fresh.position) data.freshPosition = String(fresh.position.fraction);
  else delete data.freshPosition;
  // a model trained here lands on the sweep's figure, next to the shipped runs of its M
  const m = pool();
  figure.markYours(
    trainedHere && fresh.position && m !== null
      ? { pool: m, fraction: fresh.position.fraction, steps: fresh.step ?? 0 }
      : null,
  );
  data.evaluatedStep = String(fresh.step ?? 0);
  if (onPool) {
    poolChart.show(onPool.curves as Record<string, ErrorCurve>);
    el("pool-summary").textContent = summary(onPool, "On its own training tasks");
    data.poolToDmmse = String(distance(onPool, memorizing));
    data.poolToRidge = String(distance(onPool, learning));
  } else {
    poolChart.clear();
    delete data.poolToDmmse;
    delete data.poolToRidge;
  }
}

async function dispose(): Promise<void> {
  const old = session;
  session = null;
  await old?.dispose().catch(() => undefined);
}

/** Loads the shipped model of the slider's M and evaluates it. */
async function showShipped(): Promise<void> {
  const mine = page.newEpoch();
  page.clearRun();
  trainedHere = false;
  losses = [];
  lossChart.clear();
  showSlider();
  const m = page.state.m;
  page.set("loading", `Loading the shipped model trained on M = ${m === "inf" ? "∞" : m} tasks…`);
  try {
    await dispose();
    const file = `diversity/pool-${m}-seed-${SHIPPED_SEED}.safetensors`;
    const response = await fetch(new URL(file, document.baseURI));
    if (!response.ok) throw new Error(`could not fetch ${file}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!page.isCurrent(mine)) return;
    const s = await loadSession(bytes, page.state.device as SessionConfig["device"]);
    if (!page.isCurrent(mine)) {
      await s.dispose();
      return;
    }
    session = s;
    page.showDevice(s.deviceInfo);
    document.body.dataset.loaded = m;
    page.set(
      "loading",
      `Testing the model trained on M = ${m === "inf" ? "∞" : m} tasks (${s.initialStep.toLocaleString("en")} steps) on new tasks and on its pool…`,
    );
    await evaluate(s, mine);
    if (!page.isCurrent(mine)) return;
    page.set(
      "idle",
      `Shipped model for M = ${m === "inf" ? "∞" : m} (${s.initialStep.toLocaleString("en")} steps) tested on ${page.state.evalPrompts} prompts.`,
    );
  } catch (error) {
    if (page.isCurrent(mine))
      page.set(
        "error",
        `${describe(error)} Move the slider or press "Back to the shipped model" to try again.`,
        true,
      );
  }
}

/** The sweep's config with the slider's M and this page's seed and device; decay ends with the run. */
function scratchConfig(): SessionConfig {
  const base: SessionConfig = sweep?.config ?? {};
  const { taskPool: _ignored, ...rest } = base;
  const m = pool();
  return {
    ...rest,
    ...(m === null ? {} : { taskPool: m }),
    seed: page.state.seed,
    device: page.state.device as SessionConfig["device"],
    decaySteps: page.state.steps,
  };
}

/** Trains a blank model on the slider's M (or resumes it), evaluating every `evalEvery` steps. */
function train(): Promise<void> {
  const resuming = page.phase === "paused" && trainedHere && session !== null;
  if (!resuming) page.newEpoch();
  return page.run({
    opening: resuming
      ? "Resuming…"
      : `Building a blank model for M = ${page.state.m === "inf" ? "∞" : page.state.m}…`,
    work: () => [losses.at(-1)?.[0] ?? 0, page.state.steps],
    start: async (mine) => {
      if (!resuming) {
        await dispose();
        losses = [];
        lossChart.clear();
        const s = await createSession(scratchConfig());
        if (!page.isCurrent(mine)) {
          await s.dispose();
          return null;
        }
        session = s;
        trainedHere = true;
        page.showDevice(s.deviceInfo);
        document.body.dataset.loaded = `scratch-${page.state.m}`;
      }
      const done = losses.at(-1)?.[0] ?? 0;
      // evaluated on fresh tasks where the core's cadence says; the pool's evaluation follows
      return (session as Session).train({
        steps: Math.max(1, page.state.steps - done),
        every: page.state.every,
        evalEvery: page.state.evalEvery,
        evaluate: { ...evaluationOptions(), tasks: "fresh" },
      });
    },
    draw: async ({ report, evaluation }: Trained<Report, Evaluation>, mine) => {
      losses.push([report.step, report.normalizedLoss]);
      lossChart.push(report.step, report.normalizedLoss);
      document.body.dataset.step = String(report.step);
      if (evaluation) await evaluate(session as Session, mine, evaluation);
      return `loss ${report.normalizedLoss.toFixed(3)} of zero predictor · ${report.stepsPerSecond.toFixed(1)} steps/s`;
    },
    done: () => `Trained here: ${el("fresh-summary").textContent ?? ""}`,
    hint: () => 'Press "Back to the shipped model" to start again.',
  });
}

async function reset(): Promise<void> {
  page.requestPause();
  for (const key of [
    "loaded",
    "step",
    "freshToDmmse",
    "freshToRidge",
    "freshPosition",
    "poolToDmmse",
    "poolToRidge",
    "evaluatedStep",
  ])
    delete document.body.dataset[key];
  freshChart.clear();
  poolChart.clear();
  await showShipped();
}

function results(): object {
  return {
    page: "diversity",
    url: location.href,
    settings: page.state,
    trainedHere,
    losses,
    fresh: shown.fresh,
    pool: shown.pool,
    sweep,
  };
}

function resultsCsv(): { header: string[]; rows: unknown[][] } {
  const rows: unknown[][] = [];
  for (const [where, e] of [
    ["fresh", shown.fresh],
    ["pool", shown.pool],
  ] as const) {
    if (e) for (const row of errorCurveRows(e.curves)) rows.push([where, ...row]);
  }
  for (const [step, loss] of losses)
    rows.push(["train", "normalized_training_loss", "model", step, loss, "", ""]);
  return { header: ["tasks", "quantity", "method", "k_or_step", "value", "lower", "upper"], rows };
}

/** Why "Train this M" runs fewer steps than the sweep did, and how to match it. */
function explainSteps(): void {
  const base = sweep ? baseSteps(sweep) : null;
  const steps = page.state.steps;
  const n = (v: number): string => v.toLocaleString("en");
  el("steps-note").textContent =
    base === null
      ? ""
      : `Train this M runs ${n(steps)} steps, its learning rate decaying over them; the sweep's models trained ${n(base)}. ` +
        (steps < base
          ? `Fewer steps finish sooner in the page, but the model can land elsewhere on the figure than the sweep's models of the same M (how far it moves with training length is what the longer runs measure): set Steps to ${n(base)} to train as they did.`
          : steps === base
            ? "The same length as the sweep's models."
            : "Longer than the sweep's models: compare with the longer runs, where shipped.");
}

function changed(name: Name): void {
  if (name === "steps") explainSteps();
  if (name === "m" || name === "device") void showShipped();
  else if ((name === "evalPrompts" || name === "seed") && session && !page.working) {
    const mine = page.epoch;
    void evaluate(session, mine).catch((e: unknown) => page.set("error", describe(e), true));
  } else if (name === "steps" && page.phase === "done") page.set("paused");
}

async function start(): Promise<void> {
  page.init();
  showSlider();
  try {
    const response = await fetch(new URL("diversity/sweep.json", document.baseURI));
    if (!response.ok)
      throw new Error(`could not fetch diversity/sweep.json: HTTP ${response.status}`);
    sweep = (await response.json()) as Sweep;
    figure.show(sweep);
    explainSteps();
    showSlider();
  } catch (error) {
    el("threshold").textContent = `The shipped sweep could not be read: ${describe(error)}`;
  }
  await showShipped();
  page.showUrlProblems();
}

void start();
