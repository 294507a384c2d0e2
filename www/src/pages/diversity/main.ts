/**
 * Task-diversity page (docs/SCIENCE.md §5, Raventós et al. 2023): the shipped sweep over the
 * number of training tasks M as the main figure, a slider that loads the shipped model of each M
 * and evaluates it live on its pool's tasks and on new ones against dMMSE and ridge (λ = σ²), and
 * "train this M from scratch" in the browser with the sweep's settings. Numbers come from the
 * package and the sweep's own JSON; this file wires controls, URL state and charts.
 */
import {
  createSession,
  loadSession,
  type BaselineKind,
  type DiversitySweep as Sweep,
  type ErrorCurve,
  type Evaluation,
  type Session,
  type SessionConfig,
  type Standing,
  type SweepRun,
} from "iclab";
import { ErrorChart } from "../../charts/charts.js";
import { LossChart } from "../../charts/loss-chart.js";
import { Page } from "../../shell/page.js";
import { describe, el, tableRow } from "../../shell/dom.js";
import { errorCurveRows } from "../../shell/files.js";
import {
  PositionChart,
  SweepChart,
  poolLabel,
  type PositionSeries,
  type SweepPoint,
} from "./charts.js";
import { DIVERSITY as TABLE, POOLS } from "../../shell/tables.js";
import { DEFAULTS, MODEL_NAMES } from "../../shell/checkpoints.js";
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
  train,
  reset,
  results,
  resultsCsv,
});
const sliderValue = el<HTMLElement>("pool-value");
const positionChart = new PositionChart(el("sweep-position"));
const sweepFresh = new SweepChart(el("sweep-fresh"), "on new tasks");
const sweepPool = new SweepChart(el("sweep-pool"), "on the pool's own tasks");
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

const mean = (v: readonly (number | null)[]): number => {
  const xs = v.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
};

/** The sweep's own training length: its shortest (longer runs of some M join it). */
function baseSteps(s: Sweep): number {
  return Math.min(...s.runs.map((r) => r.steps));
}

/** Per M (in the slider's order): the runs of every seed at the sweep's own length. */
function byPool(s: Sweep): { pool: number | null; runs: SweepRun[] }[] {
  const steps = baseSteps(s);
  return POOLS.map((m) => {
    const p = m === "inf" ? null : Number(m);
    return { pool: p, runs: s.runs.filter((r) => r.taskPool === p && r.steps === steps) };
  }).filter((g) => g.runs.length > 0);
}

function points(s: Sweep, on: "fresh" | "pool"): SweepPoint[] {
  return byPool(s).flatMap(({ pool: p, runs }) => {
    const standings = runs
      .map((r) => (on === "fresh" ? r.fresh : r.pool))
      .filter((x): x is Standing => x !== null);
    if (standings.length === 0) return [];
    const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
    return [
      {
        pool: p,
        toDmmse: finite(mean(standings.map((x) => x.distanceDmmse))),
        toRidge: finite(mean(standings.map((x) => x.distanceRidge))),
        span: finite(mean(standings.map((x) => x.position?.span ?? null))),
      },
    ];
  });
}

const fmt = (v: number | null | undefined): string =>
  typeof v === "number" && Number.isFinite(v) ? v.toFixed(3) : "–";

function range(v: (number | null)[]): string {
  const xs = v.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  if (xs.length < 2) return fmt(xs[0]);
  return `${fmt(mean(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
}

/** "0.42 (0.40–0.45)" of a spread from the core. */
/** A per-seed change as "−0.09 to −0.08" (signed). */
const signedRange = (s: { min: number; max: number }): string => {
  const f = (v: number): string => (v < 0 ? `−${(-v).toFixed(2)}` : `+${v.toFixed(2)}`);
  return s.min === s.max ? f(s.min) : `${f(s.min)} to ${f(s.max)}`;
};
const spread = (s: { mean: number; min: number; max: number }): string =>
  s.min === s.max
    ? s.mean.toFixed(2)
    : `${s.mean.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

function showSweep(s: Sweep): void {
  const f = s.findings;
  const lengths = [...new Set(f.cells.map((c) => c.steps))].sort((a, b) => a - b);
  positionChart.show(
    lengths.map((steps): PositionSeries => {
      const cells = f.cells.filter((c) => c.steps === steps);
      return {
        steps,
        pools: cells.map((c) => c.taskPool),
        mean: cells.map((c) => c.fraction.mean),
        min: cells.map((c) => c.fraction.min),
        max: cells.map((c) => c.fraction.max),
      };
    }),
  );
  const fresh = points(s, "fresh");
  sweepFresh.show(fresh);
  sweepPool.show(points(s, "pool"));
  // the findings are the core's (iclab::icl::diversity); the page shows their sentences
  const first = f.crossovers[0];
  el("threshold").textContent = [
    ...f.crossovers.map((c) => c.statement),
    ...f.longer.map((m) => m.statement),
  ].join(" ");
  document.body.dataset.threshold =
    first?.decided && first.from !== null ? String(first.from) : "none";
  document.body.dataset.switch = String(first?.switch ?? false);
  const steps = baseSteps(s);
  const cellOf = (p: number | null) => f.cells.find((c) => c.taskPool === p && c.steps === steps);
  const body = el<HTMLTableElement>("sweep-table").tBodies[0]!;
  body.replaceChildren(
    ...byPool(s).map(({ pool: p, runs }) => {
      const cell = cellOf(p);
      return tableRow([
        poolLabel(p),
        String(runs.length),
        cell ? spread(cell.fraction) : "–",
        cell
          ? cell.side === null
            ? "cannot say"
            : cell.side === "dmmse"
              ? "dMMSE's"
              : "ridge's"
          : "–",
        range(runs.map((r) => r.fresh.position?.span ?? null)),
        range(runs.map((r) => r.fresh.distanceDmmse)),
        range(runs.map((r) => r.fresh.distanceRidge)),
        range(runs.map((r) => r.pool?.distanceDmmse ?? null)),
        range(runs.map((r) => r.pool?.distanceRidge ?? null)),
        range(runs.map((r) => r.fresh.error)),
      ]);
    }),
  );
  el<HTMLTableElement>("longer-table").tBodies[0]!.replaceChildren(
    ...f.longer.map((m) =>
      tableRow([
        poolLabel(m.taskPool),
        `${m.steps.toLocaleString("en")} → ${m.longerSteps.toLocaleString("en")}`,
        spread(m.before),
        spread(m.after),
        m.change ? signedRange(m.change) : "–",
        m.evidence.decided ? (m.change!.mean < 0 ? "toward dMMSE" : "toward ridge") : "no",
      ]),
    ),
  );
  el("longer").hidden = f.longer.length === 0;
  const c = s.config;
  const noise = (c.task as { noiseStd?: number } | undefined)?.noiseStd;
  const wall = s.runs.reduce((a, r) => a + r.wallSeconds, 0);
  const seeds = new Set(s.runs.map((r) => r.seed)).size;
  el("sweep-config").textContent =
    `The sweep's settings (also used to train from scratch): noisy linear regression, d = ${c.dims}, ${c.points} examples per prompt, σ = ${noise ?? "?"}, ` +
    `${c.preset ?? DEFAULTS.preset} ${MODEL_NAMES[c.model ?? DEFAULTS.model]}, ${c.tokens ?? DEFAULTS.tokens} tokens, batch ${c.batchSize}, learning rate ${c.learningRate}, ` +
    `${steps.toLocaleString("en")} steps per run, ${seeds} seeds` +
    (lengths.length > 1
      ? ` (and ${lengths
          .slice(1)
          .map((l) => l.toLocaleString("en"))
          .join(", ")} steps for some M)`
      : "") +
    `; ${s.runs.length} runs took ${Math.round(wall / 60)} min natively.`;
}

/** The slider's position and label follow the state. */
function showSlider(): void {
  slider.max = String(POOLS.length - 1);
  slider.value = String(Math.max(0, (POOLS as readonly string[]).indexOf(page.state.m)));
  sliderValue.textContent =
    page.state.m === "inf" ? "M = ∞ (a fresh task per prompt)" : `M = ${page.state.m}`;
  slider.setAttribute("aria-valuetext", sliderValue.textContent);
  sweepFresh.mark(pool());
  sweepPool.mark(pool());
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

/** Baselines of an evaluation: dMMSE needs the pool, ridge always. */
function baselines(): BaselineKind[] {
  return pool() === null ? ["bayes_ridge"] : ["dmmse", "bayes_ridge"];
}

const distance = (e: Evaluation, name: string): number => mean(e.distances?.[name] ?? []);

/** The evaluation's numbers; where the model sits between dMMSE and ridge is the core's sentence. */
function summary(e: Evaluation, where: string): string {
  const toD = distance(e, "dmmse");
  const toR = distance(e, "bayes_ridge");
  const model = mean(e.curves.model?.mean ?? []);
  const place = e.position ? ` It sits ${e.position.description}.` : "";
  return `${where}: error ${fmt(model)} (mean over k); distance to dMMSE ${fmt(toD)}, to ridge ${fmt(toR)}.${place}`;
}

/** Evaluates `s` on new tasks and (for a finite M) on its pool's, and draws both. */
async function evaluate(s: Session, mine: number): Promise<void> {
  const options = {
    prompts: page.state.evalPrompts,
    seed: page.state.seed,
    baselines: baselines(),
  };
  const fresh = await s.evaluate({ ...options, tasks: "fresh" });
  const onPool = pool() === null ? null : await s.evaluate({ ...options, tasks: "pool" });
  if (!page.isCurrent(mine)) return;
  shown = { fresh, pool: onPool };
  freshChart.show(fresh.curves as Record<string, ErrorCurve>);
  el("fresh-summary").textContent = summary(fresh, "On new tasks");
  const data = document.body.dataset;
  data.freshToDmmse = String(distance(fresh, "dmmse"));
  data.freshToRidge = String(distance(fresh, "bayes_ridge"));
  if (fresh.position) data.freshPosition = String(fresh.position.fraction);
  else delete data.freshPosition;
  data.evaluatedStep = String(fresh.step ?? 0);
  if (onPool) {
    poolChart.show(onPool.curves as Record<string, ErrorCurve>);
    el("pool-summary").textContent = summary(onPool, "On its own training tasks");
    data.poolToDmmse = String(distance(onPool, "dmmse"));
    data.poolToRidge = String(distance(onPool, "bayes_ridge"));
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
    reports: async function* (mine) {
      if (!resuming) {
        await dispose();
        losses = [];
        lossChart.clear();
        const s = await createSession(scratchConfig());
        if (!page.isCurrent(mine)) {
          await s.dispose();
          return;
        }
        session = s;
        trainedHere = true;
        page.showDevice(s.deviceInfo);
        document.body.dataset.loaded = `scratch-${page.state.m}`;
      }
      const s = session as Session;
      const total = page.state.steps;
      const done = losses.at(-1)?.[0] ?? 0;
      let nextEval = Math.ceil((done + 1) / page.state.evalEvery) * page.state.evalEvery;
      for await (const report of s.train({
        steps: Math.max(1, total - done),
        every: page.state.every,
      })) {
        if (!page.isCurrent(mine)) return;
        losses.push([report.step, report.normalizedLoss]);
        lossChart.push(report.step, report.normalizedLoss);
        document.body.dataset.step = String(report.step);
        if (report.step >= nextEval || report.step >= total) {
          await evaluate(s, mine);
          if (!page.isCurrent(mine)) return;
          nextEval = report.step + page.state.evalEvery;
        }
        yield `loss ${report.normalizedLoss.toFixed(3)} of zero predictor · ${report.stepsPerSecond.toFixed(1)} steps/s`;
      }
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

function changed(name: Name): void {
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
    showSweep(sweep);
    showSlider();
  } catch (error) {
    el("threshold").textContent = `The shipped sweep could not be read: ${describe(error)}`;
  }
  await showShipped();
  page.showUrlProblems();
}

void start();
