/**
 * The task-diversity figure (docs/SCIENCE.md §5, Raventós et al. 2023, their Fig. 2): the
 * model's distance to dMMSE and to ridge (λ = σ²) against the number of training tasks M, on a
 * log₂ axis that ends at ∞ (a fresh task per prompt), with the M chosen on the page marked.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { axisSize, compactValues, legendValue, reflect, width } from "./charts.js";

/** One point of the figure: M (`null` = ∞) and the mean distances over seeds. */
export interface SweepPoint {
  pool: number | null;
  /** `null` where there is no such estimator (dMMSE at M = ∞). */
  toDmmse: number | null;
  toRidge: number | null;
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
      scales: { x: { time: false, range: [Math.min(...xs) - 0.4, Math.max(...xs) + 0.4] }, y: { distr: 3 } },
      axes: [
        {
          label: "training tasks M (log scale; ∞ = a fresh task per prompt)",
          splits: () => xs,
          values: (_u, splits) => splits.map((x) => labels.get(x) ?? ""),
        },
        { label: "distance (mean sq. difference ÷ d)", size: axisSize, values: compactValues },
      ],
      series: [
        { label: "M", value: (_u, v) => (v == null ? "" : (labels.get(v) ?? "")) },
        { label: "to dMMSE (Bayes for the pool)", stroke: "#be123c", width: 2, points: { show: true, size: 7 }, value: legendValue(3) },
        { label: "to ridge, λ = σ² (Bayes for a fresh task)", stroke: "#0f766e", width: 2, dash: [8, 4], points: { show: true, size: 7 }, value: legendValue(3) },
      ],
      hooks: { draw: [reflect(this.el), (u) => this.drawMark(u, largest)] },
    };
    const data = [xs, points.map((p) => p.toDmmse), points.map((p) => p.toRidge)] as uPlot.AlignedData;
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
