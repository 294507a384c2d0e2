/** Thin wrappers around uPlot: the pages hand them numbers, they draw. No learning logic here. */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

function width(el: HTMLElement): number {
  return Math.max(280, Math.min(el.clientWidth || 640, 900));
}

function resizeWith(plot: uPlot, el: HTMLElement): void {
  new ResizeObserver(() => plot.setSize({ width: width(el), height: 260 })).observe(el);
}

/** Normalized training loss against step, log scale, with the zero predictor at 1. */
export class LossChart {
  private steps: number[] = [];
  private losses: number[] = [];
  private plot: uPlot;

  constructor(el: HTMLElement) {
    this.plot = new uPlot(
      {
        width: width(el),
        height: 260,
        scales: { x: { time: false }, y: { distr: 3 } },
        axes: [{ label: "step" }, { label: "loss / zero predictor" }],
        series: [
          {},
          { label: "training loss", stroke: "#2563eb", width: 2 },
          { label: "zero predictor", stroke: "#9ca3af", dash: [6, 6], width: 1, points: { show: false } },
        ],
      },
      [[], [], []],
      el,
    );
    resizeWith(this.plot, el);
  }

  push(step: number, normalizedLoss: number): void {
    this.steps.push(step);
    this.losses.push(normalizedLoss);
    this.plot.setData([this.steps, this.losses, this.steps.map(() => 1)]);
  }

  /** Drops the points after `step` (training continues from there after a device loss). */
  truncate(step: number): void {
    const keep = this.steps.findIndex((s) => s > step);
    if (keep < 0) return;
    this.steps = this.steps.slice(0, keep);
    this.losses = this.losses.slice(0, keep);
    this.plot.setData([this.steps, this.losses, this.steps.map(() => 1)]);
  }

  clear(): void {
    this.steps = [];
    this.losses = [];
    this.plot.setData([[], [], []]);
  }
}

export interface Curve {
  mean: number[];
  lower: number[];
  upper: number[];
}

/** Colours per method; the model is always blue. */
const COLOURS: Record<string, string> = {
  model: "#2563eb",
  transformer: "#2563eb",
  xlstm: "#059669",
  least_squares: "#dc2626",
  ridge: "#ea580c",
  knn: "#16a34a",
  averaging: "#9333ea",
  lasso: "#0891b2",
  gd: "#ca8a04",
  newton: "#db2777",
  relu_net: "#4d7c0f",
  tree: "#7c2d12",
  boosted_trees: "#475569",
  zero: "#6b7280",
  paired: "#2563eb",
  interleaved: "#b45309",
};

function colour(name: string): string {
  return COLOURS[name] ?? "#64748b";
}

function fill(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, 0.13)`;
}

/** Human names for the legend. */
export const LABELS: Record<string, string> = {
  model: "model (in context)",
  transformer: "transformer (in context)",
  xlstm: "xLSTM (in context)",
  least_squares: "least squares",
  ridge: "ridge",
  knn: "k-NN",
  averaging: "averaging",
  lasso: "Lasso",
  gd: "gradient descent",
  newton: "iterative Newton",
  relu_net: "2-layer ReLU net",
  tree: "greedy tree",
  boosted_trees: "boosted trees",
  zero: "always 0 (zero estimator)",
  paired: "paired tokens",
  interleaved: "interleaved tokens (the papers')",
};

const LEARNERS = ["model", "transformer", "xlstm"];

/** Learners first (in that order), then the other methods in their given order. */
function modelFirst(names: string[]): string[] {
  const rank = (n: string) => (LEARNERS.includes(n) ? LEARNERS.indexOf(n) : LEARNERS.length);
  return [...names].sort((a, b) => rank(a) - rank(b));
}

/** A uPlot whose series follow a set of method names; rebuilt when that set changes. */
abstract class MethodChart {
  protected plot: uPlot | null = null;
  private names: string[] | null = null;

  constructor(
    protected readonly el: HTMLElement,
    private readonly height: number,
  ) {
    new ResizeObserver(() => this.plot?.setSize({ width: width(el), height })).observe(el);
    this.ensure([]);
  }

  protected abstract options(names: string[]): Omit<uPlot.Options, "width" | "height">;

  /** Builds the plot for `names` unless it already shows them; returns them in plot order. */
  protected ensure(names: string[]): string[] {
    const ordered = modelFirst(names);
    if (this.plot && this.names?.join() === ordered.join()) return ordered;
    this.plot?.destroy();
    this.names = ordered;
    const options = this.options(ordered);
    const empty = options.series.map(() => []) as unknown as uPlot.AlignedData;
    this.plot = new uPlot({ ...options, width: width(this.el), height: this.height }, empty, this.el);
    this.el.querySelectorAll<HTMLElement>(".u-legend .u-series").forEach((row, i) => {
      if (options.series[i]?.label?.toString().endsWith("%")) row.style.display = "none"; // band edges
    });
    return ordered;
  }

  clear(): void {
    this.plot?.destroy();
    this.plot = null;
    this.ensure([]);
  }
}

/**
 * Error against number of in-context examples: one line per method with its 90% bootstrap band,
 * and the zero estimator's own curve dashed (the core computes it on the same prompts: it is 1 only
 * in distribution). The y-axis always holds the learners and the zero estimator whole; a baseline
 * far above them (averaging and k-NN at small k) may run off the top, and the note under the chart
 * names each one that does, with its highest value.
 */
export class ErrorChart extends MethodChart {
  private top = 1.1;
  private readonly note: HTMLParagraphElement;

  constructor(el: HTMLElement) {
    super(el, 300);
    this.note = document.createElement("p");
    this.note.className = "note clipped";
    this.note.hidden = true;
    el.after(this.note);
  }

  protected options(names: string[]): Omit<uPlot.Options, "width" | "height"> {
    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    for (const name of names) {
      const at = series.length;
      if (name === "zero") {
        series.push({ label: LABELS.zero, stroke: colour(name), dash: [6, 6], width: 1.5, points: { show: false } });
        continue;
      }
      series.push({ label: LABELS[name] ?? name, stroke: colour(name), width: LEARNERS.includes(name) ? 2.5 : 1.5 });
      series.push({ label: `${name} 5%`, stroke: "transparent", points: { show: false } });
      series.push({ label: `${name} 95%`, stroke: "transparent", points: { show: false } });
      bands.push({ series: [at + 2, at + 1], fill: fill(colour(name)) });
    }
    return {
      scales: { x: { time: false }, y: { range: () => [0, this.top] } },
      axes: [
        { label: "in-context examples k", incrs: [1, 2, 5, 10, 20, 50, 100] },
        { label: "normalized squared error" },
      ],
      series,
      bands,
    };
  }

  /** Shows `curves` keyed by method (`zero` dashed, without a band). */
  show(curves: Record<string, Curve>): void {
    const names = this.ensure(Object.keys(curves));
    const ks = curves[names[0] ?? ""]?.mean.map((_, i) => i) ?? [];
    const data: number[][] = [ks];
    for (const name of names) {
      const c = curves[name];
      if (!c) continue;
      data.push(c.mean);
      if (name !== "zero") data.push(c.lower, c.upper);
    }
    const highest = (name: string): number => Math.max(0, ...(curves[name]?.mean ?? []).filter(Number.isFinite));
    const kept = Math.max(...names.filter((n) => n === "zero" || LEARNERS.includes(n)).map(highest), 0.05);
    const all = Math.max(...names.map(highest), kept);
    // the others are shown whole unless that would squash the learners and the zero estimator
    this.top = 1.08 * (all <= 2.5 * kept ? all : 2.5 * kept);
    const clipped = names
      .filter((n) => highest(n) > this.top)
      .map((n) => {
        const mean = curves[n]?.mean ?? [];
        const peak = highest(n);
        const value = peak < 1000 ? peak.toPrecision(3) : Math.round(peak).toLocaleString("en");
        return `${LABELS[n] ?? n} (up to ${value} at k = ${mean.indexOf(peak)})`;
      });
    this.note.hidden = clipped.length === 0;
    this.note.textContent = clipped.length ? `Off the top of the chart: ${clipped.join(", ")}.` : "";
    this.plot?.setData(data as uPlot.AlignedData);
  }

  clear(): void {
    super.clear();
    this.note.hidden = true;
  }
}

/** One prompt: the true output at each query and what each method predicted after k examples. */
export class PromptChart extends MethodChart {
  constructor(el: HTMLElement) {
    super(el, 240);
  }

  protected options(names: string[]): Omit<uPlot.Options, "width" | "height"> {
    return {
      scales: { x: { time: false } },
      axes: [{ label: "position k (prediction after k examples)" }, { label: "output" }],
      series: [
        {},
        { label: "true f(x_k)", stroke: "#111827", width: 0, points: { show: true, size: 9, fill: "#111827" } },
        ...names.map((name) => ({ label: LABELS[name] ?? name, stroke: colour(name), width: 1.5, points: { show: true, size: 6 } })),
      ],
    };
  }

  /** `predictions` keyed by method; the zero estimator's (all 0) is left out. */
  show(targets: number[], predictions: Record<string, number[]>): void {
    const names = this.ensure(Object.keys(predictions).filter((n) => n !== "zero"));
    const ks = targets.map((_, i) => i);
    this.plot?.setData([ks, targets, ...names.map((n) => predictions[n] ?? [])] as uPlot.AlignedData);
  }
}

export interface LineSeries {
  name: string;
  dash?: number[];
}

/** Plain lines over a shared x axis, optionally on a log y scale; series coloured by name. */
export class LineChart {
  private plot: uPlot;

  constructor(
    el: HTMLElement,
    axes: { x: string; y: string; logY?: boolean },
    private readonly series: LineSeries[],
  ) {
    this.plot = new uPlot(
      {
        width: width(el),
        height: 260,
        scales: { x: { time: false }, y: axes.logY ? { distr: 3 } : {} },
        axes: [{ label: axes.x }, { label: axes.y }],
        series: [
          {},
          ...series.map((s) => ({
            label: LABELS[s.name] ?? s.name,
            stroke: colour(s.name.split(" ")[0] ?? s.name),
            width: 2,
            ...(s.dash ? { dash: s.dash } : {}),
          })),
        ],
      },
      [[], ...series.map(() => [])] as unknown as uPlot.AlignedData,
      el,
    );
    resizeWith(this.plot, el);
  }

  /** `ys[i]` is the line of series i over `xs`. */
  show(xs: number[], ys: number[][]): void {
    this.plot.setData([xs, ...this.series.map((_, i) => ys[i] ?? [])] as uPlot.AlignedData);
  }

  clear(): void {
    this.show([], []);
  }
}
