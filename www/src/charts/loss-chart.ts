/** The training-loss chart of the in-context page (charts.ts has the shared axis helpers). */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { axisSize, compactValues, legendValue, reflect, WHOLE, width } from "./charts.js";

/**
 * Normalized training loss against step, log scale, with the zero predictor at 1; optionally a
 * recorded run beside the live one (a shipped model's own training, from its log). Before there is
 * anything to draw the chart is folded to one line saying so (no empty box); every clear starts a
 * fresh plot, so no stale x-range survives a Reset.
 */
export class LossChart {
  private live: [number, number][] = [];
  private recorded: [number, number][] = [];
  private recordedLabel = "recorded run";
  private plot: uPlot | null = null;
  private readonly empty: HTMLParagraphElement;

  constructor(
    private readonly el: HTMLElement,
    emptyText = "The training loss appears here once training starts.",
  ) {
    this.empty = document.createElement("p");
    this.empty.className = "note chart-empty";
    this.empty.textContent = emptyText;
    el.before(this.empty);
    new ResizeObserver(() => this.plot?.setSize({ width: width(el), height: 260 })).observe(el);
    this.render();
  }

  /** A finished run to draw beside the live one (dashed), e.g. the shipped checkpoint's log. */
  setRecorded(points: [step: number, normalizedLoss: number][], label: string): void {
    this.recorded = points;
    this.recordedLabel = label;
    this.rebuild();
  }

  push(step: number, normalizedLoss: number): void {
    this.live.push([step, normalizedLoss]);
    this.render();
  }

  /** Drops the points after `step` (training continues from there after a device loss). */
  truncate(step: number): void {
    this.live = this.live.filter(([s]) => s <= step);
    this.render();
  }

  /** Forgets the live run (a recorded one stays until replaced). */
  clear(): void {
    this.live = [];
    this.rebuild();
  }

  /** Forgets both runs. */
  clearAll(): void {
    this.recorded = [];
    this.clear();
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.plot = null;
    this.render();
  }

  private render(): void {
    const any = this.live.length + this.recorded.length > 0;
    this.el.hidden = !any;
    this.empty.hidden = any;
    this.el.dataset.points = String(this.live.length);
    this.el.dataset.recorded = String(this.recorded.length);
    if (!any) return;
    const withRecorded = this.recorded.length > 0;
    if (!this.plot) {
      const series: uPlot.Series[] = [
        { label: "step", value: (_u, v) => (v == null ? "" : v.toLocaleString("en")) },
      ];
      if (withRecorded)
        series.push({
          label: this.recordedLabel,
          stroke: "#64748b",
          width: 1.5,
          dash: [4, 3],
          value: legendValue(3),
        });
      series.push(
        { label: "training loss (here)", stroke: "#2563eb", width: 2, value: legendValue(3) },
        {
          label: "zero predictor",
          stroke: "#9ca3af",
          dash: [6, 6],
          width: 1,
          points: { show: false },
          value: legendValue(2),
        },
      );
      this.plot = new uPlot(
        {
          width: width(this.el),
          height: 260,
          scales: { x: { time: false }, y: { distr: 3 } },
          axes: [
            { label: "step", ...WHOLE },
            { label: "loss / zero predictor", size: axisSize, values: compactValues },
          ],
          series,
          hooks: { draw: [reflect(this.el)] },
        },
        series.map(() => []) as unknown as uPlot.AlignedData,
        this.el,
      );
    }
    // one x array for both runs: each is null where the other has its points
    const points = [
      ...this.recorded.map(([x, y]) => [x, y, null] as const),
      ...this.live.map(([x, y]) => [x, null, y] as const),
    ].sort((a, b) => a[0] - b[0]);
    const xs = points.map((p) => p[0]);
    const data: (number | null)[][] = [xs];
    if (withRecorded) data.push(points.map((p) => p[1]));
    data.push(
      points.map((p) => p[2]),
      xs.map(() => 1),
    );
    this.plot.setData(data as uPlot.AlignedData);
  }
}
