/** Thin wrappers around uPlot: the pages hand them numbers, they draw. No learning logic here. */
import { CATALOG } from "iclab";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { colour, dashed } from "./styles.js";

export function width(el: HTMLElement): number {
  return Math.max(280, Math.min(el.clientWidth || 640, 900));
}

/**
 * An axis as wide as its longest tick label, so the axis title never overlaps the numbers (uPlot's
 * fixed 50 px does on log scales with long values).
 */
export function axisSize(
  self: uPlot,
  values: string[] | null,
  axisIdx: number,
  cycleNum: number,
): number {
  const axis = self.axes[axisIdx] as uPlot.Axis & { _size?: number };
  if (cycleNum > 1) return axis._size ?? 50;
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), "");
  let size = ((axis.ticks as { size?: number } | undefined)?.size ?? 10) + (axis.gap ?? 5) + 4;
  if (longest) {
    self.ctx.font = (axis.font as unknown as string[] | undefined)?.[0] ?? self.ctx.font;
    size += self.ctx.measureText(longest).width / devicePixelRatio;
  }
  return Math.ceil(size);
}

export const COMPACT = new Intl.NumberFormat("en", {
  notation: "compact",
  maximumSignificantDigits: 3,
});

/** Tick labels in compact notation (1.2K, 3M): short enough for a log axis. */
export function compactValues(_u: uPlot, splits: number[]): string[] {
  return splits.map((v) =>
    v === null || v === undefined
      ? ""
      : Math.abs(v) >= 1000
        ? COMPACT.format(v)
        : String(+v.toPrecision(3)),
  );
}

/** Whole-number ticks only (k, positions, steps): never 0.5 examples. */
export const WHOLE: Pick<uPlot.Axis, "incrs" | "values"> = {
  incrs: [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
    200_000, 500_000, 1_000_000,
  ],
  values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? v.toLocaleString("en") : "")),
};

/**
 * Reflects what a plot shows on its element for the end-to-end tests (they cannot read a canvas):
 * the x-axis tick labels and the x-range.
 */
export function reflect(el: HTMLElement): (u: uPlot) => void {
  return (u) => {
    const x = u.axes[0] as uPlot.Axis & { _values?: (string | number)[] };
    el.dataset.xTicks = JSON.stringify((x._values ?? []).filter((v) => v !== "" && v !== null));
    el.dataset.xRange = JSON.stringify([u.scales.x?.min ?? null, u.scales.x?.max ?? null]);
    el.dataset.cutLabels = JSON.stringify(cutLabels(u));
  };
}

/**
 * The axis labels longer than the side of the plot they run along (a y label is drawn turned,
 * along the plot's height): uPlot would cut them. Measured with the label's own font, in the
 * canvas's pixels as the plot box is.
 */
function cutLabels(u: uPlot): string[] {
  const cut: string[] = [];
  for (const axis of u.axes as (uPlot.Axis & { labelFont?: unknown })[]) {
    if (!axis.label || typeof axis.label !== "string" || axis.show === false) continue;
    const font = Array.isArray(axis.labelFont) ? axis.labelFont[0] : axis.labelFont;
    if (typeof font === "string") u.ctx.font = font;
    const along = axis.side === 1 || axis.side === 3 ? u.bbox.height : u.bbox.width;
    if (u.ctx.measureText(axis.label).width > along) cut.push(axis.label);
  }
  return cut;
}

/** The legend shows a value only for the hovered point; its x row names the axis (style.css hides both until then). */
export function legendValue(digits: number): (u: uPlot, v: number | null) => string {
  return (_u, v) =>
    v === null || v === undefined || !Number.isFinite(v) ? "" : v.toPrecision(digits);
}

export interface Curve {
  mean: number[];
  lower: number[];
  upper: number[];
}

function fill(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, 0.13)`;
}

/** Human names for the legend: the catalog's titles. */
export const LABELS: Record<string, string> = {
  model: "model (in context)",
  ...Object.fromEntries(CATALOG.icl.models.map((m) => [m.kind, `${m.shortTitle} (in context)`])),
  ...CATALOG.titles.baselines,
  ...Object.fromEntries(CATALOG.icl.tokens.map((t) => [t, `${t} tokens`])),
};

const LEARNERS = ["model", ...CATALOG.icl.models.map((m) => m.kind)];
/** Baselines every evaluation computes (the zero estimator): a reference line, dashed, without a band. */
const ALWAYS: ReadonlySet<string> = new Set(CATALOG.icl.baselineRoles.always);

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
    this.plot = new uPlot(
      { ...options, width: width(this.el), height: this.height },
      empty,
      this.el,
    );
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

/** What one drawn series shows: points inside the y-range, and points clipped at the top edge (each marked there). */
export interface SeriesView {
  name: string;
  visible: number;
  clipped: number;
}

/**
 * Error against number of in-context examples: one line per method with its 90% bootstrap band,
 * and the zero estimator's own curve dashed (the core computes it on the same prompts: it is 1 only
 * in distribution). The y-axis is scaled to what the chart is about: the learners and the zero
 * estimator whole, and the function class's own reference (`focus`: least squares for linear
 * functions) unless it runs far above them (interpolating noisy outputs). Any other baseline
 * above that (averaging and k-NN at small k) runs off the top: each of its points above the
 * chart is marked by a triangle at the top edge in its colour, and the note under the chart
 * names it with its highest value. No curve is ever hidden: `data-series` on the chart element
 * lists, per series, how many points are inside and how many are marked at the edge.
 */
export class ErrorChart extends MethodChart {
  private top = 1.1;
  /** The baselines the scale also holds whole (the class's reference), as far as 2.5× the learners. */
  private focus: readonly string[] = [];
  private readonly note: HTMLParagraphElement;
  /** The series drawn (plot order) with their means, for the edge markers. */
  private drawn: { name: string; mean: number[] }[] = [];

  constructor(el: HTMLElement) {
    super(el, 300);
    this.note = document.createElement("p");
    this.note.className = "note clipped";
    this.note.hidden = true;
    el.after(this.note);
  }

  protected options(names: string[]): Omit<uPlot.Options, "width" | "height"> {
    const series: uPlot.Series[] = [{ label: "k", value: (_u, v) => (v == null ? "" : String(v)) }];
    const bands: uPlot.Band[] = [];
    for (const name of names) {
      const at = series.length;
      if (ALWAYS.has(name)) {
        series.push({
          label: LABELS[name],
          stroke: colour(name),
          dash: [6, 6],
          width: 1.5,
          points: { show: false },
          value: legendValue(3),
        });
        continue;
      }
      series.push({
        label: LABELS[name] ?? name,
        stroke: colour(name),
        width: LEARNERS.includes(name) ? 2.5 : 1.5,
        // the iterative methods are also dashed: a second cue next to their colour
        ...(dashed(name) ? { dash: [5, 3] } : {}),
        value: legendValue(3),
      });
      series.push({ label: `${name} 5%`, stroke: "transparent", points: { show: false } });
      series.push({ label: `${name} 95%`, stroke: "transparent", points: { show: false } });
      bands.push({ series: [at + 2, at + 1], fill: fill(colour(name)) });
    }
    return {
      scales: { x: { time: false }, y: { range: () => [0, this.top] } },
      axes: [
        { label: "in-context examples k", ...WHOLE },
        { label: "normalized squared error", size: axisSize },
      ],
      series,
      bands,
      hooks: { draw: [(u: uPlot) => this.markClipped(u), reflect(this.el)] },
    };
  }

  /** A small triangle at the top edge, in the curve's colour, for every point above the chart. */
  private markClipped(u: uPlot): void {
    const ctx = u.ctx;
    const { top } = u.bbox;
    const r = 5 * devicePixelRatio;
    ctx.save();
    for (const { name, mean } of this.drawn) {
      ctx.fillStyle = colour(name);
      mean.forEach((v, k) => {
        if (!(v > this.top)) return;
        const x = u.valToPos(k, "x", true);
        ctx.beginPath();
        ctx.moveTo(x - r, top + 1);
        ctx.lineTo(x + r, top + 1);
        ctx.lineTo(x, top + 1 + 1.6 * r);
        ctx.closePath();
        ctx.fill();
      });
    }
    ctx.restore();
  }

  /** The baselines the y-axis is scaled to hold, besides the learners (next {@link show}). */
  setFocus(names: readonly string[]): void {
    this.focus = names;
  }

  /** Shows `curves` keyed by method (the always-computed ones dashed, without a band). */
  show(curves: Record<string, Curve>): void {
    const names = this.ensure(Object.keys(curves));
    const ks = curves[names[0] ?? ""]?.mean.map((_, i) => i) ?? [];
    const data: number[][] = [ks];
    this.drawn = [];
    for (const name of names) {
      const c = curves[name];
      if (!c) continue;
      data.push(c.mean);
      this.drawn.push({ name, mean: c.mean });
      if (!ALWAYS.has(name)) data.push(c.lower, c.upper);
    }
    const highest = (name: string): number =>
      Math.max(0, ...(curves[name]?.mean ?? []).filter(Number.isFinite));
    const kept = Math.max(
      ...names.filter((n) => ALWAYS.has(n) || LEARNERS.includes(n)).map(highest),
      0.05,
    );
    const focus = Math.max(0, ...names.filter((n) => this.focus.includes(n)).map(highest));
    // the reference is shown whole unless that would squash the learners and the zero estimator
    this.top = 1.08 * Math.max(kept, Math.min(focus, 2.5 * kept));
    const clipped = names
      .filter((n) => highest(n) > this.top)
      .map((n) => {
        const mean = curves[n]?.mean ?? [];
        const peak = highest(n);
        const value = peak < 1000 ? peak.toPrecision(3) : Math.round(peak).toLocaleString("en");
        return `${LABELS[n] ?? n} (up to ${value} at k = ${mean.indexOf(peak)})`;
      });
    this.note.hidden = clipped.length === 0;
    this.note.textContent = clipped.length
      ? `▼ marks points above the chart: ${clipped.join(", ")}.`
      : "";
    const views: SeriesView[] = this.drawn.map(({ name, mean }) => ({
      name,
      visible: mean.filter((v) => Number.isFinite(v) && v <= this.top).length,
      clipped: mean.filter((v) => v > this.top).length,
    }));
    this.el.dataset.series = JSON.stringify(views);
    this.el.dataset.top = String(this.top);
    this.plot?.setData(data as uPlot.AlignedData);
  }

  clear(): void {
    super.clear();
    this.drawn = [];
    delete this.el.dataset.series;
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
      axes: [
        { label: "position k (prediction after k examples)", ...WHOLE },
        { label: "output", size: axisSize },
      ],
      hooks: { draw: [reflect(this.el)] },
      series: [
        { label: "k", value: (_u, v) => (v == null ? "" : String(v)) },
        {
          label: "true f(x_k)",
          stroke: "#111827",
          width: 0,
          points: { show: true, size: 9, fill: "#111827" },
          value: legendValue(3),
        },
        ...names.map((name) => ({
          label: LABELS[name] ?? name,
          stroke: colour(name),
          width: 1.5,
          points: { show: true, size: 6 },
          value: legendValue(3),
        })),
      ],
    };
  }

  /** `predictions` keyed by method; the zero estimator's (all 0) is left out. */
  show(targets: number[], predictions: Record<string, number[]>): void {
    const names = this.ensure(Object.keys(predictions).filter((n) => !ALWAYS.has(n)));
    const ks = targets.map((_, i) => i);
    this.plot?.setData([
      ks,
      targets,
      ...names.map((n) => predictions[n] ?? []),
    ] as uPlot.AlignedData);
  }
}
