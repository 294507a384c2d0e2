/**
 * The task-diversity figure (docs/SCIENCE.md §5, Raventós et al. 2023, their Fig. 2): the
 * model's distance to dMMSE and to ridge (λ = σ²) against the number of training tasks M, on a
 * log₂ axis that ends at ∞ (a fresh task per prompt), with the M chosen on the page marked.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { axisSize, compactValues, legendValue, reflect, width } from "../../charts/charts.js";
import { Labels } from "../../charts/labels.js";

/** One point of the figure: M (`null` = ∞) and the mean distances over seeds. */
export interface SweepPoint {
  pool: number | null;
  /** `null` where there is no such estimator (dMMSE at M = ∞). */
  toDmmse: number | null;
  toRidge: number | null;
  /** dMMSE's own distance to ridge: the yardstick the other two are read against. */
  span: number | null;
}

/** Where M sits on the x axis: log₂ M, and ∞ two octaves past the largest finite M. */
export function position(pool: number | null, largest: number): number {
  return pool === null ? Math.log2(Math.max(largest, 1)) + 2 : Math.log2(pool);
}

export function poolLabel(pool: number | null): string {
  return pool === null ? "∞" : pool >= 1024 ? `${pool / 1024}k` : String(pool);
}

export class SweepChart {
  private plot: uPlot | null = null;
  private points: SweepPoint[] = [];
  private marked: number | null | undefined = undefined;

  constructor(
    private readonly el: HTMLElement,
    private readonly title: string,
  ) {
    new ResizeObserver(() => this.plot?.setSize({ width: width(el), height: 260 })).observe(el);
  }

  /** The points, in increasing M (∞ last). */
  show(points: SweepPoint[]): void {
    this.points = points;
    this.plot?.destroy();
    const largest = Math.max(1, ...points.flatMap((p) => (p.pool === null ? [] : [p.pool])));
    const xs = points.map((p) => position(p.pool, largest));
    const labels = new Map(points.map((p, i) => [xs[i]!, poolLabel(p.pool)]));
    const options: uPlot.Options = {
      width: width(this.el),
      height: 260,
      title: this.title,
      scales: {
        x: { time: false, range: [Math.min(...xs) - 0.4, Math.max(...xs) + 0.4] },
        y: { distr: 3 },
      },
      axes: [
        {
          label: "training tasks M (log scale)",
          splits: () => xs,
          values: (_u, splits) => splits.map((x) => labels.get(x) ?? ""),
        },
        { label: "distance (MSE ÷ d)", size: axisSize, values: compactValues },
      ],
      series: [
        { label: "M", value: (_u, v) => (v == null ? "" : (labels.get(v) ?? "")) },
        {
          label: "to dMMSE (Bayes for the pool)",
          stroke: "#be123c",
          width: 2,
          points: { show: true, size: 7 },
          value: legendValue(3),
        },
        {
          label: "to ridge, λ = σ² (Bayes for a fresh task)",
          stroke: "#0f766e",
          width: 2,
          dash: [8, 4],
          points: { show: true, size: 7 },
          value: legendValue(3),
        },
        {
          label: "dMMSE to ridge (their own distance)",
          stroke: "#9ca3af",
          width: 2,
          dash: [2, 4],
          points: { show: true, size: 5 },
          value: legendValue(3),
        },
      ],
      hooks: { draw: [reflect(this.el), (u) => this.drawMark(u, largest)] },
    };
    const data = [
      xs,
      points.map((p) => p.toDmmse),
      points.map((p) => p.toRidge),
      points.map((p) => p.span),
    ] as uPlot.AlignedData;
    this.plot = new uPlot(options, data, this.el);
  }

  /** Marks the M chosen on the page (`null` = ∞) with a vertical line. */
  mark(pool: number | null): void {
    this.marked = pool;
    this.plot?.redraw(false, false);
  }

  private drawMark(u: uPlot, largest: number): void {
    if (this.marked === undefined || !this.points.some((p) => p.pool === this.marked)) return;
    const x = Math.round(u.valToPos(position(this.marked, largest), "x", true));
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = "#2563eb";
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.setLineDash([2 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
    this.el.dataset.marked = poolLabel(this.marked);
  }
}

/** One training length's positions: per finite M, the mean over seeds and the seeds' range. */
export interface PositionSeries {
  steps: number;
  pools: number[];
  mean: number[];
  min: number[];
  max: number[];
}

const LENGTH_COLOURS = ["#2563eb", "#ea580c", "#7c3aed"];

/**
 * Where the model sits between dMMSE (0) and ridge (1) on new tasks, by M (log₂), one line per
 * training length with its seed range dashed; the midpoint ½ is drawn. The positions and their
 * ranges come from the core's findings (`DiversityFindings.cells`).
 */
/** A model trained on the page, marked on the sweep's figure: its M, where it sits, its steps. */
export interface YourModel {
  pool: number;
  fraction: number;
  steps: number;
}

export class PositionChart {
  private plot: uPlot | null = null;
  private you: YourModel | null = null;

  constructor(private readonly el: HTMLElement) {
    new ResizeObserver(() => this.plot?.setSize({ width: width(el), height: 260 })).observe(el);
  }

  /** Marks the model trained on the page (`null` removes the mark). */
  mark(you: YourModel | null): void {
    this.you = you;
    if (you) this.el.dataset.you = JSON.stringify(you);
    else delete this.el.dataset.you;
    this.plot?.redraw(false, false);
  }

  /** The visitor's model: a ringed diamond at its M and position, labelled clear of the lines. */
  private drawYou(u: uPlot): void {
    const you = this.you;
    if (!you || !Number.isFinite(you.fraction) || you.pool < 1) {
      delete this.el.dataset.labels;
      return;
    }
    const x = u.valToPos(Math.log2(you.pool), "x", true);
    // a position past the chart's ends is drawn at its edge (the label says the value)
    const y = u.valToPos(Math.max(-0.1, Math.min(1.1, you.fraction)), "y", true);
    const r = 6 * devicePixelRatio;
    const ctx = u.ctx;
    ctx.save();
    ctx.fillStyle = "#111827";
    ctx.strokeStyle = "#facc15";
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
    ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
    // the page's text colour, readable in the light and the dark scheme
    ctx.fillStyle = getComputedStyle(this.el).color;
    const labels = new Labels(u, ctx);
    labels.place(
      `yours: ${you.fraction.toFixed(2)} after ${you.steps.toLocaleString("en")} steps`,
      x,
      y,
    );
    labels.reflect(this.el);
    ctx.restore();
  }

  show(lengths: PositionSeries[]): void {
    this.plot?.destroy();
    const pools = [...new Set(lengths.flatMap((l) => l.pools))].sort((a, b) => a - b);
    const xs = pools.map((m) => Math.log2(m));
    const labels = new Map(pools.map((m, i) => [xs[i]!, poolLabel(m)]));
    const at = (l: PositionSeries, values: number[]): (number | null)[] =>
      pools.map((m) => {
        const i = l.pools.indexOf(m);
        return i < 0 ? null : (values[i] ?? null);
      });
    const series: uPlot.Series[] = [
      { label: "M", value: (_u, v) => (v == null ? "" : (labels.get(v) ?? "")) },
    ];
    const data: (number | null)[][] = [xs];
    lengths.forEach((l, i) => {
      const stroke = LENGTH_COLOURS[i % LENGTH_COLOURS.length]!;
      const name = `${l.steps.toLocaleString("en")} steps`;
      series.push({
        label: `${name}: mean over seeds`,
        stroke,
        width: 2,
        points: { show: true, size: 7 },
        value: legendValue(3),
      });
      series.push({
        label: `${name}: lowest seed`,
        stroke,
        width: 1,
        dash: [3, 3],
        points: { show: false },
        value: legendValue(3),
      });
      series.push({
        label: `${name}: highest seed`,
        stroke,
        width: 1,
        dash: [3, 3],
        points: { show: false },
        value: legendValue(3),
      });
      data.push(at(l, l.mean), at(l, l.min), at(l, l.max));
    });
    const options: uPlot.Options = {
      width: width(this.el),
      height: 260,
      title: "where the model sits on new tasks: 0 = dMMSE, 1 = ridge",
      scales: {
        x: { time: false, range: [Math.min(...xs) - 0.4, Math.max(...xs) + 0.4] },
        y: { range: [-0.1, 1.1] },
      },
      axes: [
        {
          label: "training tasks M (log scale)",
          splits: () => xs,
          values: (_u, splits) => splits.map((x) => labels.get(x) ?? ""),
        },
        { label: "0 dMMSE · 1 ridge", size: axisSize, values: compactValues },
      ],
      series,
      hooks: {
        draw: [
          reflect(this.el),
          (u) => this.drawYou(u),
          (u) => {
            const y = Math.round(u.valToPos(0.5, "y", true));
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = "#9ca3af";
            ctx.setLineDash([6 * devicePixelRatio, 6 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(u.bbox.left, y);
            ctx.lineTo(u.bbox.left + u.bbox.width, y);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    };
    this.plot = new uPlot(options, data as uPlot.AlignedData, this.el);
    this.el.dataset.lengths = JSON.stringify(lengths.map((l) => l.steps));
  }
}
