/**
 * The classification page's pictures (docs/SCIENCE.md §4): live lines against step (accuracies,
 * loss), the phase diagram of the shipped sweep and the attention at the query, the last two as
 * tables with coloured cells so every number is also text (screen readers, tests). They draw
 * what the core computed; no learning logic here.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import {
  axisSize,
  compactValues,
  legendValue,
  reflect,
  WHOLE,
  width,
} from "../../charts/charts.js";

export interface Line {
  label: string;
  stroke: string;
  dash?: number[];
}

/**
 * Lines against step, one value per line per step (`null` where a line has none). Folded to one
 * sentence until there is a point; every clear starts a fresh plot.
 */
export class StepChart {
  private rows: (number | null)[][] = [];
  private plot: uPlot | null = null;
  private readonly empty: HTMLParagraphElement;

  constructor(
    private readonly el: HTMLElement,
    private readonly lines: Line[],
    private readonly y: { label: string; range?: [number, number] },
    emptyText: string,
  ) {
    this.empty = document.createElement("p");
    this.empty.className = "note chart-empty";
    this.empty.textContent = emptyText;
    el.before(this.empty);
    new ResizeObserver(() => this.plot?.setSize({ width: width(el), height: 240 })).observe(el);
    this.render();
  }

  /** One step's values, in the order of the lines. */
  push(step: number, values: (number | null)[]): void {
    this.rows.push([step, ...values]);
    this.render();
  }

  clear(): void {
    this.rows = [];
    this.plot?.destroy();
    this.plot = null;
    this.render();
  }

  private render(): void {
    const any = this.rows.length > 0;
    this.el.hidden = !any;
    this.empty.hidden = any;
    this.el.dataset.points = String(this.rows.length);
    if (!any) return;
    if (!this.plot) {
      const series: uPlot.Series[] = [
        { label: "step", value: (_u, v) => (v == null ? "" : v.toLocaleString("en")) },
        ...this.lines.map((l) => ({
          label: l.label,
          stroke: l.stroke,
          width: 2,
          spanGaps: true,
          value: legendValue(3),
          ...(l.dash ? { dash: l.dash, width: 1 } : {}),
        })),
      ];
      const range = this.y.range;
      this.plot = new uPlot(
        {
          width: width(this.el),
          height: 240,
          scales: { x: { time: false }, y: range ? { range: () => range } : {} },
          axes: [
            { label: "step", ...WHOLE },
            { label: this.y.label, size: axisSize, values: compactValues },
          ],
          series,
          hooks: { draw: [reflect(this.el)] },
        },
        series.map(() => []) as unknown as uPlot.AlignedData,
        this.el,
      );
    }
    const columns = this.lines.map((_, i) => this.rows.map((r) => r[i + 1] ?? null));
    this.plot.setData([this.rows.map((r) => r[0]!), ...columns] as uPlot.AlignedData);
  }
}

/** One cell of the phase diagram as drawn: the core's cell (`PhaseCell`) reduced to what a button shows. */
export interface PhaseCell {
  burstiness: number;
  classes: number;
  inContext: number;
  inWeights: number;
  /** Mean over the seeds that emerged; `null` if none did. */
  emergence: number | null;
  /** How many seeds emerged, of `seeds`. */
  emerged: number;
  /** The core's decided winner, or "undecided" when the seeds cannot say. */
  winner: string;
  seeds: number;
}

const pct = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : "–");

const WINNER_TEXT: Record<string, string> = {
  in_context: "in-context wins",
  copying: "copies the one label",
  in_weights: "in-weights wins",
  both: "both",
  neither: "neither yet",
  undecided: "seeds cannot say",
};

/**
 * The phase diagram of one noise level: rows B, columns K; each cell shows both accuracies, its
 * background blue for in-context accuracy and orange for in-weights. A cell is a button: picking
 * it calls `pick` with its B and K. The cell of the page's settings is marked.
 */
export function phaseTable(
  cells: PhaseCell[],
  caption: string,
  pick: (b: number, k: number) => void,
  current: { burstiness: number; classes: number },
): HTMLTableElement {
  const bs = [...new Set(cells.map((c) => c.burstiness))].sort((a, b) => a - b);
  const ks = [...new Set(cells.map((c) => c.classes))].sort((a, b) => a - b);
  const table = document.createElement("table");
  table.className = "phase-table";
  const cap = table.createCaption();
  cap.textContent = caption;
  const head = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.scope = "col";
  corner.textContent = "B \\ K";
  head.append(corner);
  for (const k of ks) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = `K = ${k.toLocaleString("en")}`;
    head.append(th);
  }
  const body = table.createTBody();
  for (const b of bs) {
    const row = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = `B = ${b}`;
    row.append(th);
    for (const k of ks) {
      const td = row.insertCell();
      const cell = cells.find((c) => c.burstiness === b && c.classes === k);
      if (!cell) {
        td.textContent = "–";
        continue;
      }
      td.dataset.winner = cell.winner;
      td.style.setProperty("--ic", String(Math.max(0, Math.min(1, cell.inContext))));
      td.style.setProperty("--iw", String(Math.max(0, Math.min(1, cell.inWeights))));
      const button = document.createElement("button");
      button.type = "button";
      button.className = "phase-cell";
      if (b === current.burstiness && k === current.classes)
        button.setAttribute("aria-current", "true");
      const some = cell.emerged < cell.seeds ? ` in ${cell.emerged} of ${cell.seeds} seeds` : "";
      const emerged =
        cell.emergence === null
          ? ""
          : ` · jump ≈ step ${Math.round(cell.emergence).toLocaleString("en")}${some}`;
      button.innerHTML = `<span class="ic">in-context ${pct(cell.inContext)}</span><span class="iw">in-weights ${pct(cell.inWeights)}</span><span class="who">${WINNER_TEXT[cell.winner] ?? cell.winner}${emerged}</span>`;
      button.title = `B = ${b}, K = ${k}: load these settings`;
      button.addEventListener("click", () => pick(b, k));
      td.append(button);
    }
  }
  return table;
}

/** A head's attention at the query, as the core reports it (`QueryAttention`). */
export interface HeadRow {
  layer: number;
  head: number;
  example: number[];
}

/**
 * The attention heatmap: a row per head, a column per token `x₁ ℓ₁ … x_N ℓ_N x_q`; the pairs of
 * the query's class (`matches`) are starred. Cell shade = weight.
 */
export function attentionTable(
  rows: HeadRow[],
  matches: boolean[],
  heads: number,
): HTMLTableElement {
  const n = matches.length;
  const table = document.createElement("table");
  table.className = "attention-table";
  const cap = table.createCaption();
  cap.textContent = "Attention from the query token (rows: heads; columns: the tokens it can read)";
  const head = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.scope = "col";
  corner.textContent = "head";
  head.append(corner);
  const sub = (i: number): string => String(i).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]!);
  for (let t = 0; t < 2 * n + 1; t++) {
    const th = document.createElement("th");
    th.scope = "col";
    const pair = Math.floor(t / 2) + 1;
    const star = t < 2 * n && matches[pair - 1] ? "★" : "";
    th.textContent = t === 2 * n ? "x_q" : `${t % 2 === 0 ? "x" : "ℓ"}${sub(pair)}${star}`;
    if (star) th.dataset.match = "true";
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const row = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent =
      heads > 1 ? `layer ${r.layer + 1} · head ${r.head + 1}` : `layer ${r.layer + 1}`;
    row.append(th);
    r.example.forEach((w, t) => {
      const td = row.insertCell();
      td.textContent = w.toFixed(2);
      td.style.setProperty("--w", String(Math.max(0, Math.min(1, w))));
      const pair = Math.floor(t / 2);
      if (t < 2 * n && matches[pair]) td.dataset.match = t % 2 === 0 ? "item" : "label";
    });
  }
  return table;
}
