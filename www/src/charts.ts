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

/** Error against number of in-context examples, with a bootstrap band. */
export class ErrorChart {
  private plot: uPlot;

  constructor(el: HTMLElement) {
    this.plot = new uPlot(
      {
        width: width(el),
        height: 260,
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1.1, max)] } },
        axes: [{ label: "in-context examples k" }, { label: "squared error / d" }],
        series: [
          {},
          { label: "transformer", stroke: "#2563eb", width: 2 },
          { label: "5%", stroke: "transparent", points: { show: false } },
          { label: "95%", stroke: "transparent", points: { show: false } },
          { label: "zero estimator", stroke: "#9ca3af", dash: [6, 6], points: { show: false } },
        ],
        bands: [{ series: [3, 2], fill: "rgba(37, 99, 235, 0.15)" }],
      },
      [[], [], [], [], []],
      el,
    );
    resizeWith(this.plot, el);
  }

  show(curve: Curve): void {
    const ks = curve.mean.map((_, i) => i);
    this.plot.setData([ks, curve.mean, curve.lower, curve.upper, ks.map(() => 1)]);
  }

  clear(): void {
    this.plot.setData([[], [], [], [], []]);
  }
}
