/**
 * Views of a continual-learning run: per-task accuracy over iterations with task boundaries and
 * stability gaps marked, the accuracy matrix as a heatmap table, and the 2-D decision boundary.
 * They draw what the package returns; no learning logic here.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Boundary, ContinualResult } from "iclab";
import { axisSize, reflect, WHOLE } from "../../charts/charts.js";
import { Labels } from "../../charts/labels.js";

/** One colour per class / task, distinguishable in light and dark schemes. */
export const PALETTE = [
  "#2563eb",
  "#dc2626",
  "#16a34a",
  "#d97706",
  "#7c3aed",
  "#0891b2",
  "#db2777",
  "#65a30d",
  "#64748b",
  "#a16207",
];

export function colourOf(i: number): string {
  return PALETTE[i % PALETTE.length] ?? "#2563eb";
}

function width(el: HTMLElement): number {
  return Math.max(260, Math.min(el.clientWidth || 600, 900));
}

/**
 * Accuracy on every task's test subset at every evaluation point. Dashed verticals mark the
 * ends of training segments (labelled with the next task). After each task's segment the core
 * classifies its dip: a stability gap (at least half of the drop came back by the end of the
 * next segment) is a shaded band from the task's end to its lowest point, labelled "gap"; a drop
 * that stayed is plain forgetting, drawn as a solid bar from the accuracy at the end down to the
 * lowest point, labelled "forgot", without shading.
 */
export class AccuracyChart {
  private plot: uPlot | null = null;
  private tasks = 0;
  private result: ContinualResult | null = null;
  /** The x-range's end, shared by the charts side by side (the longer stream's steps). */
  private xMax = 1;

  constructor(private readonly el: HTMLElement) {
    new ResizeObserver(() => this.plot?.setSize({ width: width(this.el), height: 260 })).observe(
      el,
    );
  }

  private build(tasks: string[]): uPlot {
    this.plot?.destroy();
    this.tasks = tasks.length;
    const plot = new uPlot(
      {
        width: width(this.el),
        height: 260,
        // a little room past 0 and 1, so accuracies at the ends (the untrained ones at step 0)
        // show as dots, not hidden in the axes' corner
        scales: {
          x: { time: false, range: () => [-this.xMax * 0.01, this.xMax] },
          y: { range: [-0.04, 1.04] },
        },
        axes: [
          { label: "training step", ...WHOLE },
          { label: "test accuracy", size: axisSize },
        ],
        series: [
          { label: "step", value: (_u, v) => (v == null ? "" : String(v)) },
          ...tasks.map((name, i) => ({
            label: `task ${i + 1}: ${name}`,
            stroke: colourOf(i),
            width: 2,
            value: (_u: uPlot, v: number | null) => (v == null ? "" : v.toFixed(2)),
          })),
        ],
        hooks: { draw: [(u: uPlot) => this.decorate(u), reflect(this.el)] },
      },
      [[], ...tasks.map(() => [])] as unknown as uPlot.AlignedData,
      this.el,
    );
    return plot;
  }

  private decorate(u: uPlot): void {
    const r = this.result;
    if (!r) return;
    const ctx = u.ctx;
    const { top, height } = u.bbox;
    const x = (v: number) => u.valToPos(v, "x", true);
    ctx.save();
    // each task's dip after its segment: a stability gap (shaded) or forgetting (a bar)
    ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
    // the labels keep off the curves and the switch lines (dashed, drawn below)
    const switches = r.ends.slice(0, r.order.length - 1).map((end): [number, number][] => [
      [x(r.iterations[end] ?? 0), top],
      [x(r.iterations[end] ?? 0), top + height],
    ]);
    const labels = new Labels(u, ctx, switches);
    r.stabilityGaps.forEach((gap, task) => {
      const end = r.ends[r.order.indexOf(task)];
      // the core decides whether a dip is one (past its sampling error and 0.02: StabilityGap.evidence)
      if (!gap?.evidence.decided || end === undefined) return;
      const from = x(r.iterations[end] ?? 0);
      const to = x(r.iterations[gap.lowestAt] ?? 0);
      const [yEnd, yLow] = [u.valToPos(gap.atEnd, "y", true), u.valToPos(gap.lowest, "y", true)];
      ctx.fillStyle = colourOf(task);
      ctx.strokeStyle = colourOf(task);
      if (gap.kind === "stability_gap") {
        ctx.globalAlpha = 0.15;
        ctx.fillRect(from, top, Math.max(2, to - from), height);
        ctx.globalAlpha = 1;
        // at the dip's lowest point
        const drop = `gap −${gap.drop.toFixed(2)}`;
        labels.place([`${drop}, back +${gap.recovery.toFixed(2)}`, drop], to, yLow);
      } else {
        ctx.lineWidth = 3 * devicePixelRatio;
        ctx.beginPath();
        ctx.moveTo(from, yEnd);
        ctx.lineTo(from, yLow);
        ctx.stroke();
        // at the bar's foot, where the accuracy fell to
        const drop = `−${gap.drop.toFixed(2)}`;
        labels.place(
          gap.settled ? [`forgot ${drop}`, drop] : [`${drop} so far`, drop],
          from,
          Math.min(yLow, top + height),
        );
      }
    });
    labels.reflect(this.el);
    // segment boundaries
    ctx.strokeStyle = "#9ca3af";
    ctx.setLineDash([5 * devicePixelRatio, 5 * devicePixelRatio]);
    ctx.lineWidth = devicePixelRatio;
    r.ends.slice(0, r.order.length - 1).forEach((end) => {
      const px = x(r.iterations[end] ?? 0);
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, top + height);
      ctx.stroke();
    });
    ctx.restore();
  }

  /** Ends the x-axis at `steps` (both charts of a comparison get the longer run's). */
  setRange(steps: number): void {
    this.el.dataset.xMax = String(Math.max(1, steps));
    if (steps === this.xMax) return;
    this.xMax = Math.max(1, steps);
    if (this.plot) this.plot.setData(this.plot.data);
  }

  show(result: ContinualResult): void {
    this.result = result;
    if (!this.plot || this.tasks !== result.tasks.length) this.plot = this.build(result.tasks);
    this.plot.setData([result.iterations, ...result.curves] as uPlot.AlignedData);
  }

  clear(): void {
    this.result = null;
    delete this.el.dataset.labels;
    this.plot?.destroy();
    this.plot = null;
    this.tasks = 0;
  }
}

/** `R[s][j]` as a table: rows are training segments, columns tasks; colour = accuracy. */
export function renderMatrix(table: HTMLTableElement, result: ContinualResult | null): void {
  table.replaceChildren();
  if (!result) return;
  const head = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.textContent = "after ↓ · on →";
  head.append(corner);
  result.tasks.forEach((_, j) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = `task ${j + 1}`;
    head.append(th);
  });
  const body = table.createTBody();
  result.accuracyMatrix.forEach((row, s) => {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = `segment ${s + 1} (task ${(result.order[s] ?? 0) + 1})`;
    // the last row of a finished stream is the learner as it stands (the core's ClResult)
    if (result.done && s === result.accuracyMatrix.length - 1 && result.unlearned.length)
      th.textContent += `, after unlearning ${result.unlearned.join(", ")}`;
    tr.append(th);
    row.forEach((a) => {
      const td = tr.insertCell();
      td.textContent = a.toFixed(2);
      td.className = "cell";
      // Pale → mid blue under the page's own text colour: at most 55% blue keeps the number at
      // ≥ 4.5:1 contrast in both colour schemes (WCAG AA), with no text-colour flip.
      td.style.background = `rgba(37, 99, 235, ${(0.05 + 0.5 * a).toFixed(3)})`;
    });
  });
}

/** Predicted class per grid cell, with every task's test points on top (ringed by task). */
export function drawBoundary(canvas: HTMLCanvasElement, boundary: Boundary | null): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const size = canvas.width;
  ctx.clearRect(0, 0, size, size);
  if (!boundary) return;
  const { resolution: n, extent, classes } = boundary;
  const cell = size / n;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      ctx.fillStyle = colourOf(classes[r * n + c] ?? 0);
      ctx.globalAlpha = 0.35;
      // row 0 is yMin: draw it at the bottom
      ctx.fillRect(c * cell, size - (r + 1) * cell, cell + 0.5, cell + 0.5);
    }
  }
  ctx.globalAlpha = 1;
  const [x0, x1, y0, y1] = extent;
  for (let i = 0; i < boundary.labels.length; i++) {
    const px = (((boundary.points[2 * i] ?? 0) - x0) / (x1 - x0)) * size;
    const py = size - (((boundary.points[2 * i + 1] ?? 0) - y0) / (y1 - y0)) * size;
    ctx.beginPath();
    ctx.arc(px, py, 2.5, 0, 2 * Math.PI);
    ctx.fillStyle = colourOf(boundary.labels[i] ?? 0);
    ctx.fill();
    ctx.lineWidth = 0.8;
    ctx.strokeStyle = "#111827";
    ctx.stroke();
  }
}
