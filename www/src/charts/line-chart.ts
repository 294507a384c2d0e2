/** Plain lines over a shared x axis (the layer view, plateau-or-not, compare's costs and losses). */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { axisSize, COMPACT, compactValues, LABELS, reflect, WHOLE, width } from "./charts.js";
import { colour } from "./styles.js";

export interface LineSeries {
  name: string;
  /** The legend's label (default: the method's name in {@link LABELS}). */
  label?: string;
  dash?: number[];
  /** Its colour (default: the method's, by name). */
  stroke?: string;
}

/** Plain lines over a shared x axis, optionally on a log y scale; series coloured by name. */
export class LineChart {
  private plot: uPlot;
  private readonly options: uPlot.Options;

  private readonly empty: HTMLParagraphElement | null;
  private readonly resize: ResizeObserver;

  /** With `emptyText`, the chart folds to that line while it has no points (no empty box). */
  constructor(
    private readonly el: HTMLElement,
    axes: { x: string; y: string; logY?: boolean; wholeX?: boolean },
    private readonly series: LineSeries[],
    emptyText?: string,
  ) {
    this.empty = emptyText
      ? Object.assign(document.createElement("p"), {
          className: "note chart-empty",
          textContent: emptyText,
        })
      : null;
    if (this.empty) el.before(this.empty);
    this.options = {
      width: width(el),
      height: 260,
      scales: { x: { time: false }, y: axes.logY ? { distr: 3 } : {} },
      axes: [
        { label: axes.x, ...(axes.wholeX ? WHOLE : {}) },
        { label: axes.y, size: axisSize, values: compactValues },
      ],
      hooks: { draw: [reflect(el)] },
      series: [
        { label: axes.x, value: (_u, v) => (v == null ? "" : v.toLocaleString("en")) },
        ...series.map((s) => ({
          label: s.label ?? LABELS[s.name] ?? s.name,
          stroke: s.stroke ?? colour(s.name.split(" ")[0] ?? s.name),
          width: 2,
          value: (_u: uPlot, v: number | null) =>
            v == null ? "" : v >= 1000 ? COMPACT.format(v) : v.toPrecision(3),
          ...(s.dash ? { dash: s.dash } : {}),
        })),
      ],
    };
    this.plot = this.build();
    this.resize = new ResizeObserver(() => this.plot.setSize({ width: width(el), height: 260 }));
    this.resize.observe(el);
    this.fold(true);
  }

  /** Removes the chart from the page for good. */
  destroy(): void {
    this.resize.disconnect();
    this.plot.destroy();
    this.empty?.remove();
  }

  private build(): uPlot {
    return new uPlot(
      { ...this.options, width: width(this.el) },
      [[], ...this.series.map(() => [])] as unknown as uPlot.AlignedData,
      this.el,
    );
  }

  /** `ys[i]` is the line of series i over `xs`. */
  show(xs: number[], ys: number[][]): void {
    this.fold(xs.length === 0);
    this.plot.setData([xs, ...this.series.map((_, i) => ys[i] ?? [])] as uPlot.AlignedData);
  }

  /** A fresh, empty plot: no x-range of the previous run survives. */
  clear(): void {
    this.plot.destroy();
    this.plot = this.build();
    this.fold(true);
  }

  private fold(empty: boolean): void {
    if (!this.empty) return;
    this.empty.hidden = !empty;
    this.el.hidden = empty;
    if (!empty) this.plot.setSize({ width: width(this.el), height: 260 });
  }
}
