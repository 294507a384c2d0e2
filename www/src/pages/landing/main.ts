/**
 * Landing page: every picture is a recorded run, not an illustration. The in-context figure and
 * the demo cards are drawn from the shipped checkpoints' own evaluation logs
 * (`checkpoints/*.log.json`, written by the CLI when it trained them), and the continual card from
 * `recorded/continual-blobs.json` (two `iclab cl run`s, scripts/record-runs.sh) — the models and
 * the stream the demos start from.
 */
import {
  CATALOG,
  type ClassifySweep as PhaseSweep,
  type DiversitySweep as Sweep,
  type ResolvedSessionConfig,
} from "iclab";
import { MODEL_NAMES, presetShape } from "../../shell/checkpoints.js";
import "../../style.css";

interface Curve {
  mean: number[];
}
interface Log {
  steps: number;
  config: ResolvedSessionConfig;
  evaluation: { dims: number; points: number; prompts: number; curves: Record<string, Curve> };
}
interface RecordedRun {
  iterations: number[];
  curves: number[][];
  ends: number[];
  metrics: { averageAccuracy: number } | null;
}
interface Recorded {
  runs: Record<string, RecordedRun>;
}

const SVG = "http://www.w3.org/2000/svg";

function node<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

interface Line {
  xs: number[];
  ys: number[];
  /** CSS class of the stroke (style.css: s0, s1, s2, xl, forgets, keeps, memorizing, learning). */
  cls: string;
  label: string;
}

interface Frame {
  /** Plot area in viewBox units: left, right, bottom, top. */
  box: [number, number, number, number];
  xLabel: string;
  yLabel: string;
  xTicks: number[];
  yTicks: [value: number, label: string][];
  xMax: number;
  yMax: number;
  /** Where the legend starts (x, y) and its line spacing. A value above `yMax` is drawn at the top edge. */
  legend: [number, number, number];
}

/** Axes with titles, ticks and a legend, and one polyline per line. */
function plot(svg: SVGSVGElement, frame: Frame, lines: Line[]): void {
  const [x0, x1, y0, y1] = frame.box;
  const sx = (x: number): number => x0 + ((x1 - x0) * x) / Math.max(1e-9, frame.xMax);
  const sy = (v: number): number => y0 - ((y0 - y1) * Math.min(v, frame.yMax)) / frame.yMax;
  const parts: SVGElement[] = [
    node("line", { x1: x0, y1: y0, x2: x1, y2: y0, class: "axis" }),
    node("line", { x1: x0, y1: y0, x2: x0, y2: y1, class: "axis" }),
    node("text", { x: (x0 + x1) / 2, y: y0 + 34, class: "caption" }, frame.xLabel),
    node(
      "text",
      {
        x: 0,
        y: 0,
        class: "caption",
        transform: `translate(${x0 - 34} ${(y0 + y1) / 2}) rotate(-90)`,
      },
      frame.yLabel,
    ),
  ];
  for (const [v, label] of frame.yTicks) {
    parts.push(node("text", { x: x0 - 8, y: sy(v) + 4, class: "tick end" }, label));
    if (v > 0) parts.push(node("line", { x1: x0, y1: sy(v), x2: x1, y2: sy(v), class: "grid" }));
  }
  // a tick at the right edge ends there (centred, its last digit would be cut by the picture's edge)
  for (const x of frame.xTicks) {
    const anchor = sx(x) >= x1 - 1 ? "end" : "mid";
    parts.push(
      node("text", { x: sx(x), y: y0 + 17, class: `tick ${anchor}` }, x.toLocaleString("en")),
    );
  }
  const [lx, ly, dy] = frame.legend;
  lines.forEach((line, i) => {
    const points = line.xs
      .map((x, j) => `${sx(x).toFixed(1)},${sy(line.ys[j] ?? 0).toFixed(1)}`)
      .join(" ");
    parts.push(node("polyline", { points, class: `series ${line.cls}` }));
    parts.push(
      node("line", {
        x1: lx,
        y1: ly + dy * i,
        x2: lx + 26,
        y2: ly + dy * i,
        class: `series ${line.cls}`,
      }),
    );
    parts.push(node("text", { x: lx + 32, y: ly + dy * i + 4, class: "legend" }, line.label));
  });
  svg.append(...parts);
}

async function json<T>(path: string): Promise<T> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

const ks = (c: Curve): number[] => c.mean.map((_, k) => k);

/** The large in-context figure: the shipped transformer, least squares and averaging. */
function drawFigure(svg: SVGSVGElement, log: Log): void {
  const n = log.evaluation.points;
  const curves = log.evaluation.curves;
  const series: [string, string, string][] = [
    ["model", "s0", "shipped transformer"],
    ["least_squares", "s1", "least squares"],
    ["averaging", "s2", "averaging"],
  ];
  plot(
    svg,
    {
      box: [70, 440, 250, 20],
      xLabel: "examples in the prompt (k)",
      yLabel: "error (1 = always answering 0)",
      xTicks: [0, Math.floor((n - 1) / 2), n - 1],
      yTicks: [
        [0, "0"],
        [0.5, "0.5"],
        [1, "1"],
      ],
      xMax: n - 1,
      yMax: 1.2,
      legend: [455, 40, 24],
    },
    series
      .filter(([name]) => curves[name])
      .map(([name, cls, label]) => ({ xs: ks(curves[name]!), ys: curves[name]!.mean, cls, label })),
  );
}

/** A card's small error-vs-k picture. */
function drawCard(svg: SVGSVGElement, lines: Line[], n: number): void {
  plot(
    svg,
    {
      box: [46, 250, 118, 46],
      xLabel: "examples k",
      yLabel: "error",
      xTicks: [0, n - 1],
      yTicks: [
        [0, "0"],
        [1, "1"],
      ],
      xMax: n - 1,
      yMax: 1.15,
      legend: [20, 12, 17],
    },
    lines,
  );
}

/**
 * The continual card: accuracy on the first task as the stream goes on, for the continual
 * page's default pair (a learner with no defense, then the one it opens beside it).
 */
function drawContinual(svg: SVGSVGElement, recorded: Recorded): void {
  const pair = [CATALOG.continual.defaults.strategy, CATALOG.continual.compare];
  const [naive, replay] = pair.map((kind) => recorded.runs[kind]);
  if (!naive || !replay) return;
  const last = naive.iterations.at(-1) ?? 1;
  const label = (kind: string, r: RecordedRun) =>
    `${CATALOG.titles.strategies[kind] ?? kind}${r.metrics ? ` (ACC ${r.metrics.averageAccuracy.toFixed(2)})` : ""}`;
  plot(
    svg,
    {
      box: [46, 250, 118, 46],
      xLabel: "step (3 tasks in turn)",
      yLabel: "task 1 acc.",
      xTicks: [0, ...naive.ends.map((e) => naive.iterations[e] ?? 0)],
      yTicks: [
        [0, "0"],
        [1, "1"],
      ],
      xMax: last,
      yMax: 1.05,
      legend: [20, 12, 17],
    },
    [
      {
        xs: naive.iterations,
        ys: naive.curves[0] ?? [],
        cls: "forgets",
        label: label(pair[0]!, naive),
      },
      {
        xs: replay.iterations,
        ys: replay.curves[0] ?? [],
        cls: "keeps",
        label: label(pair[1]!, replay),
      },
    ],
  );
}

interface MarkovRecorded {
  evaluations: { step: number; toRules: Record<string, { mean: number }> }[];
}

/** The Markov card: the recorded run's KL to the unigram and bigram rules over training. */
function drawMarkov(svg: SVGSVGElement, recorded: MarkovRecorded): void {
  const e = recorded.evaluations;
  const last = e.at(-1)?.step ?? 1;
  const [, unigram, bigram] = CATALOG.markov.rules;
  const line = (rule: { value: string } | undefined) =>
    e.map((x) => x.toRules[rule?.value ?? ""]?.mean ?? 0);
  const top = Math.max(...line(unigram), ...line(bigram), 0.01);
  plot(
    svg,
    {
      box: [46, 250, 118, 46],
      xLabel: "training step",
      yLabel: "distance",
      xTicks: [0, last],
      yTicks: [[0, "0"]],
      xMax: last,
      yMax: top * 1.1,
      legend: [20, 12, 17],
    },
    [
      { xs: e.map((x) => x.step), ys: line(unigram), cls: "s1", label: "to state counts" },
      { xs: e.map((x) => x.step), ys: line(bigram), cls: "s0", label: "to transition counts" },
    ],
  );
}

function caption(log: Log): string {
  const d = log.evaluation.dims;
  const preset = presetShape(log.config.model, log.config.preset);
  const layers = log.config.layers ?? preset?.layers;
  return (
    `Error vs number of examples k for linear functions in d = ${d} dimensions (normalized: 1 = always answering 0), ` +
    `on ${log.evaluation.prompts.toLocaleString()} new prompts. The transformer is the one the demo ships, a ${layers}-layer ` +
    `model meta-trained for ${log.steps.toLocaleString()} steps. Least squares needs k = ${d} examples to pin the ` +
    `function down; averaging the examples never does (its curve is cut off at 1.2).`
  );
}

/** The diversity card: on new tasks, the mean distance to dMMSE and to ridge against log₂ M (∞ last), at the sweep's own length. */
function drawDiversity(svg: SVGSVGElement, sweep: Sweep): void {
  const steps = Math.min(...sweep.runs.map((r) => r.steps));
  const runs = sweep.runs.filter((r) => r.steps === steps);
  const pools = [...new Set(runs.map((r) => r.taskPool))].sort(
    (a, b) => (a ?? Infinity) - (b ?? Infinity),
  );
  const mean = (m: number | null, key: "distanceDmmse" | "distanceRidge"): number | null => {
    const xs = runs
      .filter((r) => r.taskPool === m)
      .flatMap((r) => (typeof r.fresh[key] === "number" ? [r.fresh[key]] : []));
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  };
  const finite = pools.filter((m): m is number => m !== null);
  const largest = Math.log2(Math.max(1, ...finite));
  const at = (m: number | null): number => (m === null ? largest + 2 : Math.log2(m));
  const line = (key: "distanceDmmse" | "distanceRidge"): { xs: number[]; ys: number[] } => {
    const kept = pools.flatMap((m) => {
      const v = mean(m, key);
      return v === null ? [] : [[at(m), v] as const];
    });
    return { xs: kept.map(([x]) => x), ys: kept.map(([, y]) => y) };
  };
  const top = Math.max(0.1, ...[...line("distanceDmmse").ys, ...line("distanceRidge").ys]);
  plot(
    svg,
    {
      box: [46, 250, 118, 46],
      xLabel: "training tasks M (1 … ∞)",
      yLabel: "distance",
      xTicks: [],
      yTicks: [[0, "0"]],
      xMax: largest + 2,
      yMax: top * 1.05,
      legend: [20, 12, 17],
    },
    [
      // the two estimators in a newcomer's words: answering from the training tasks it has
      // memorized, or solving a new task from the prompt
      { ...line("distanceDmmse"), cls: "memorizing", label: "from memorizing" },
      { ...line("distanceRidge"), cls: "learning", label: "from solving anew" },
    ],
  );
}

/**
 * The classification card: the two accuracies against step of the shipped run (seed 0) whose
 * in-context learning emerged latest (the core's emergence step) among those that ended learning
 * in context: the plateau, then the jump.
 */
function drawClassify(svg: SVGSVGElement, sweep: PhaseSweep): void {
  const learned = sweep.runs.filter(
    (r) => r.seed === 0 && r.winner === "in_context" && r.emergenceStep !== null,
  );
  const run = learned.sort((a, b) => (b.emergenceStep ?? 0) - (a.emergenceStep ?? 0))[0];
  if (!run) return;
  const xs = run.curve.map((p) => p.step);
  plot(
    svg,
    {
      box: [46, 250, 118, 46],
      xLabel: `step (K = ${run.classes}, B = ${run.burstiness})`,
      yLabel: "accuracy",
      xTicks: [],
      yTicks: [
        [0, "0"],
        [1, "1"],
      ],
      xMax: Math.max(...xs),
      yMax: 1.05,
      legend: [20, 12, 17],
    },
    [
      {
        xs,
        ys: run.curve.map((p) => p.inContext),
        cls: "s0",
        label: "new classes, from the context",
      },
      { xs, ys: run.curve.map((p) => p.inWeights), cls: "xl", label: "classes it remembers" },
    ],
  );
}

async function main(): Promise<void> {
  const figure = document.getElementById("icl-figure") as SVGSVGElement | null;
  const figureCaption = document.getElementById("icl-figure-caption");
  const cards = {
    icl: document.getElementById("card-icl") as SVGSVGElement | null,
    compare: document.getElementById("card-compare") as SVGSVGElement | null,
    continual: document.getElementById("card-continual") as SVGSVGElement | null,
    diversity: document.getElementById("card-diversity") as SVGSVGElement | null,
    classify: document.getElementById("card-classify") as SVGSVGElement | null,
    markov: document.getElementById("card-markov") as SVGSVGElement | null,
  };
  // The compare card pairs the xLSTM with the transformer of the same preset shape and schedule
  // (`linear_compare`, as compare.html does), not the deeper one the in-context figure shows.
  const [linear, twin, xlstm, recorded, sweep, phase, chains] = await Promise.allSettled([
    json<Log>("./checkpoints/linear.log.json"),
    json<Log>("./checkpoints/linear_compare.log.json"),
    json<Log>("./checkpoints/xlstm_linear.log.json"),
    json<Recorded>("./recorded/continual-blobs.json"),
    json<Sweep>("./diversity/sweep.json"),
    json<PhaseSweep>("./classify/sweep.json"),
    json<MarkovRecorded>("./markov/recorded.json"),
  ]);
  if (linear.status === "fulfilled") {
    const log = linear.value;
    const c = log.evaluation.curves;
    if (figure && figureCaption) {
      drawFigure(figure, log);
      figureCaption.textContent = caption(log);
    }
    const n = log.evaluation.points;
    if (cards.icl && c.model && c.least_squares) {
      drawCard(
        cards.icl,
        [
          { xs: ks(c.model), ys: c.model.mean, cls: "s0", label: MODEL_NAMES[log.config.model] },
          { xs: ks(c.least_squares), ys: c.least_squares.mean, cls: "s1", label: "least squares" },
        ],
        n,
      );
    }
    const x = xlstm.status === "fulfilled" ? xlstm.value : undefined;
    const t = twin.status === "fulfilled" ? twin.value : undefined;
    const [tc, xc] = [t?.evaluation.curves.model, x?.evaluation.curves.model];
    if (cards.compare && t && x && tc && xc) {
      drawCard(
        cards.compare,
        [
          { xs: ks(tc), ys: tc.mean, cls: "s0", label: MODEL_NAMES[t.config.model] },
          { xs: ks(xc), ys: xc.mean, cls: "xl", label: MODEL_NAMES[x.config.model] },
        ],
        n,
      );
    }
  } else if (figureCaption) {
    figureCaption.textContent = `The figure could not be drawn: ${String(linear.reason)}`;
  }
  if (recorded.status === "fulfilled" && cards.continual)
    drawContinual(cards.continual, recorded.value);
  if (sweep.status === "fulfilled" && cards.diversity) drawDiversity(cards.diversity, sweep.value);
  if (phase.status === "fulfilled" && cards.classify) drawClassify(cards.classify, phase.value);
  if (chains.status === "fulfilled" && cards.markov) drawMarkov(cards.markov, chains.value);
  const drawn = [linear, twin, xlstm, recorded, sweep, phase, chains].every(
    (r) => r.status === "fulfilled",
  );
  document.body.dataset.figure = drawn ? "drawn" : "partial";
}

// Links shared before the landing page existed pointed at index.html with the in-context demo's
// settings; they still open that demo with those settings.
if (location.search.length > 1) location.replace(`./icl.html${location.search}`);
else void main();
