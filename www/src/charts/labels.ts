/**
 * Labels drawn on a uPlot canvas next to a point they explain (a dip, a marker), placed where
 * they cross no curve, no other label and stay inside the plot. Each placement is reflected on
 * the chart's element (`data-labels`) so the end-to-end tests can check it, as they cannot read
 * a canvas.
 */
import type uPlot from "uplot";

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** What the tests read: the label, whether it fits the plot, and the curves it crosses. */
export interface Placed {
  text: string;
  inside: boolean;
  crossings: number;
  /** Distance from the point it labels to the label's nearest edge, in CSS pixels. */
  distance: number;
}

/** Does the segment (ax, ay)–(bx, by) pass through `r`? (Liang–Barsky clipping.) */
function crosses(r: Box, ax: number, ay: number, bx: number, by: number): boolean {
  const dx = bx - ax;
  const dy = by - ay;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, ax - r.x0],
    [dx, r.x1 - ax],
    [-dy, ay - r.y0],
    [dy, r.y1 - ay],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

export class Labels {
  private readonly placed: Box[] = [];
  private readonly reflected: Placed[] = [];
  private readonly lines: [number, number][][];
  private readonly plot: Box;
  private readonly line: number;

  /**
   * Starts the labels of one draw of `u`: the obstacles are the plot's visible series (in canvas
   * pixels) and any extra polylines (guide lines, markers) the caller passes.
   */
  constructor(
    private readonly u: uPlot,
    private readonly ctx: CanvasRenderingContext2D,
    extra: [number, number][][] = [],
  ) {
    const { left, top, width, height } = u.bbox;
    this.plot = { x0: left, y0: top, x1: left + width, y1: top + height };
    this.line = 13 * devicePixelRatio;
    const xs = u.data[0] ?? [];
    this.lines = [...extra];
    u.series.forEach((s, i) => {
      if (i === 0 || s.show === false) return;
      const ys = u.data[i] ?? [];
      let run: [number, number][] = [];
      xs.forEach((x, j) => {
        const y = ys[j];
        if (y === null || y === undefined || !Number.isFinite(y)) {
          if (run.length) this.lines.push(run);
          run = [];
          return;
        }
        run.push([u.valToPos(x, "x", true), u.valToPos(y, s.scale ?? "y", true)]);
      });
      if (run.length) this.lines.push(run);
    });
  }

  private crossings(b: Box): number {
    let n = 0;
    for (const run of this.lines) {
      const hit =
        run.length === 1
          ? run.some(([x, y]) => x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1)
          : run.some((p, i) => {
              const q = run[i + 1];
              return q !== undefined && crosses(b, p[0], p[1], q[0], q[1]);
            });
      if (hit) n++;
    }
    return n;
  }

  /**
   * Writes `text` as near the point (x, y) (canvas pixels) as it can without crossing a curve or
   * another label, inside the plot: the first free spot of a widening ring of positions around
   * the point (right, left, below, above), else the one crossing fewest curves.
   */
  place(texts: string | readonly string[], x: number, y: number): Placed {
    // a shorter wording where the longer one finds no free spot (a narrow chart)
    const options = typeof texts === "string" ? [texts] : texts;
    let found = this.spot(options[0] ?? "", x, y);
    for (const text of options.slice(1)) {
      if (found.crossings === 0 && !found.clash) break;
      const shorter = this.spot(text, x, y);
      if (shorter.score < found.score) found = shorter;
    }
    return this.write(found, x, y);
  }

  /** The best box for `text` near (x, y): the first free one of a widening ring of positions. */
  private spot(
    text: string,
    x: number,
    y: number,
  ): { text: string; box: Box; score: number; crossings: number; clash: boolean } {
    const { ctx, plot, line } = this;
    const w = ctx.measureText(text).width;
    const h = line;
    const pad = 4 * devicePixelRatio;
    let best: { box: Box; score: number; crossings: number; clash: boolean } | null = null;
    for (let ring = 0; ring < 10 && !(best && best.score < 1e6); ring++) {
      const d = pad + ring * line * 0.8;
      // the label's top-left corner for each side of the point
      const spots: [number, number][] = [
        [x + d, y + pad],
        [x + d, y - h - pad],
        [x - w - d, y + pad],
        [x - w - d, y - h - pad],
        [x - w / 2, y + d],
        [x - w / 2, y - h - d],
        // diagonally away, the label's near corner at the point's side
        [x + pad, y + d],
        [x + pad, y - h - d],
        [x - w - pad, y + d],
        [x - w - pad, y - h - d],
      ];
      for (const [x0, y0] of spots) {
        const box = { x0, y0, x1: x0 + w, y1: y0 + h };
        const inside =
          box.x0 >= plot.x0 && box.x1 <= plot.x1 && box.y0 >= plot.y0 && box.y1 <= plot.y1;
        if (!inside) continue;
        const clash = this.placed.some(
          (p) => p.x0 < box.x1 + pad && box.x0 < p.x1 + pad && p.y0 < box.y1 && box.y0 < p.y1,
        );
        const crossings = this.crossings(box);
        const score = (clash ? 1e9 : 0) + crossings * 1e6 + ring;
        if (best === null || score < best.score) best = { box, score, crossings, clash };
      }
    }
    if (best === null) {
      // nowhere inside fits (a tiny plot): clamp into it
      const x0 = Math.max(plot.x0, Math.min(x + pad, plot.x1 - w));
      const y0 = Math.max(plot.y0, Math.min(y + pad, plot.y1 - h));
      const box = { x0, y0, x1: x0 + w, y1: y0 + h };
      const crossings = this.crossings(box);
      best = { box, score: 2e9 + crossings * 1e6, crossings, clash: false };
    }
    return { text, ...best };
  }

  private write(
    found: { text: string; box: Box; crossings: number },
    x: number,
    y: number,
  ): Placed {
    const { ctx, plot } = this;
    const { box, text } = found;
    this.placed.push(box);
    // uPlot leaves the alignment of its last axis (right or centre): the box is the text's
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillText(text, box.x0, box.y0 + 1);
    const dx = Math.max(box.x0 - x, 0, x - box.x1);
    const dy = Math.max(box.y0 - y, 0, y - box.y1);
    const placed = {
      text,
      inside:
        box.x0 >= plot.x0 - 0.5 &&
        box.x1 <= plot.x1 + 0.5 &&
        box.y0 >= plot.y0 - 0.5 &&
        box.y1 <= plot.y1 + 0.5,
      crossings: found.crossings,
      distance: Math.round(Math.hypot(dx, dy) / devicePixelRatio),
    };
    this.reflected.push(placed);
    return placed;
  }

  /** Puts what was placed on `el` for the tests (`data-labels`). */
  reflect(el: HTMLElement): void {
    el.dataset.labels = JSON.stringify(this.reflected);
    el.dataset.labelsWidth = String(Math.round(this.u.width));
  }
}
