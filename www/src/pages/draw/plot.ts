/**
 * The drawing surface: an SVG plot of y against x where a visitor places, drags and removes
 * examples with the pointer, and the curves (the model's answers and the baselines') across the
 * axis. It owns no numbers of its own: the page gives it the points and the curves.
 */

const SVG = "http://www.w3.org/2000/svg";
/** Plot area in viewBox units: left, right, top, bottom. */
const BOX = { left: 48, right: 628, top: 12, bottom: 392 };
/** A pointer that moves less than this (viewBox units) between down and up is a click. */
const CLICK = 4;
/** A point is hit within this radius (viewBox units). */
const HIT = 10;

export interface Curve {
  name: string;
  label: string;
  colour: string;
  dashed: boolean;
  ys: number[];
}

function node<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export class DrawPlot {
  /** Half-width of both axes. */
  range = 3;
  private points: [number, number][] = [];
  private curves: Curve[] = [];
  private queries: number[] = [];
  private typical: [number, number] = [-1.96, 1.96];
  private drag: { index: number; moved: number; added: boolean; x0: number; y0: number } | null =
    null;

  constructor(
    private readonly svg: SVGSVGElement,
    /** Most examples the model reads. */
    private readonly most: () => number,
    /** Called with the new points after every change by the pointer. */
    private readonly changed: (points: [number, number][], final: boolean) => void,
  ) {
    svg.addEventListener("pointerdown", (e) => this.down(e));
    svg.addEventListener("pointermove", (e) => this.move(e));
    svg.addEventListener("pointerup", (e) => this.up(e));
    svg.addEventListener("pointercancel", () => {
      this.drag = null;
    });
    this.draw();
  }

  setPoints(points: [number, number][]): void {
    this.points = points.map(([x, y]) => [x, y]);
    this.draw();
  }

  setCurves(queries: number[], curves: Curve[], typical: [number, number]): void {
    this.queries = queries;
    this.curves = curves;
    this.typical = typical;
    this.draw();
  }

  /** The x values a curve is drawn at: `n` evenly across the axis. */
  grid(n = 161): number[] {
    return Array.from({ length: n }, (_, i) => -this.range + (2 * this.range * i) / (n - 1));
  }

  private sx(x: number): number {
    return BOX.left + ((x + this.range) / (2 * this.range)) * (BOX.right - BOX.left);
  }

  private sy(y: number): number {
    return BOX.bottom - ((y + this.range) / (2 * this.range)) * (BOX.bottom - BOX.top);
  }

  /** The pointer's position in data units. */
  private at(e: PointerEvent): [number, number] {
    const r = this.svg.getBoundingClientRect();
    const vx = ((e.clientX - r.left) / r.width) * 640;
    const vy = ((e.clientY - r.top) / r.height) * 420;
    const x = ((vx - BOX.left) / (BOX.right - BOX.left)) * 2 * this.range - this.range;
    const y = ((BOX.bottom - vy) / (BOX.bottom - BOX.top)) * 2 * this.range - this.range;
    const clamp = (v: number) => Math.max(-this.range, Math.min(this.range, v));
    return [Number(clamp(x).toFixed(3)), Number(clamp(y).toFixed(3))];
  }

  private hit(e: PointerEvent): number {
    const r = this.svg.getBoundingClientRect();
    const scale = 640 / r.width;
    const vx = (e.clientX - r.left) * scale;
    const vy = (e.clientY - r.top) * scale;
    let best = -1;
    let bestDistance = HIT;
    this.points.forEach(([x, y], i) => {
      const d = Math.hypot(this.sx(x) - vx, this.sy(y) - vy);
      if (d <= bestDistance) {
        best = i;
        bestDistance = d;
      }
    });
    return best;
  }

  private down(e: PointerEvent): void {
    if (e.button !== 0) return;
    e.preventDefault();
    const index = this.hit(e);
    if (index >= 0) {
      this.drag = { index, moved: 0, added: false, x0: e.clientX, y0: e.clientY };
    } else {
      if (this.points.length >= this.most()) {
        this.changed(this.points, true); // the page says why nothing was added
        return;
      }
      this.points.push(this.at(e));
      this.drag = {
        index: this.points.length - 1,
        moved: 0,
        added: true,
        x0: e.clientX,
        y0: e.clientY,
      };
      this.draw();
      this.changed(this.points, false);
    }
    this.svg.setPointerCapture?.(e.pointerId);
  }

  private move(e: PointerEvent): void {
    if (!this.drag) return;
    this.drag.moved = Math.max(
      this.drag.moved,
      Math.hypot(e.clientX - this.drag.x0, e.clientY - this.drag.y0),
    );
    if (this.drag.moved < CLICK) return;
    this.points[this.drag.index] = this.at(e);
    this.draw();
    this.changed(this.points, false);
  }

  private up(e: PointerEvent): void {
    const drag = this.drag;
    this.drag = null;
    if (!drag) return;
    // a click on an existing point (no drag) removes it
    if (!drag.added && drag.moved < CLICK) this.points.splice(drag.index, 1);
    else if (drag.moved >= CLICK) this.points[drag.index] = this.at(e);
    this.draw();
    this.changed(this.points, true);
  }

  private path(ys: number[]): string {
    let d = "";
    let open = false;
    ys.forEach((y, i) => {
      const x = this.queries[i];
      if (x === undefined || !Number.isFinite(y)) {
        open = false;
        return;
      }
      // clip far outside the box so the path stays drawable
      const cy = Math.max(BOX.top - 200, Math.min(BOX.bottom + 200, this.sy(y)));
      d += `${open ? "L" : "M"}${this.sx(x).toFixed(1)},${cy.toFixed(1)}`;
      open = true;
    });
    return d;
  }

  draw(): void {
    const svg = this.svg;
    svg.replaceChildren();
    const defs = node("defs", {});
    const clip = node("clipPath", { id: "draw-clip" });
    clip.append(
      node("rect", {
        x: BOX.left,
        y: BOX.top,
        width: BOX.right - BOX.left,
        height: BOX.bottom - BOX.top,
      }),
    );
    defs.append(clip);
    svg.append(defs);
    // outside the typical training range: shaded
    const [lo, hi] = this.typical;
    for (const [a, b] of [
      [-this.range, lo],
      [hi, this.range],
    ] as const) {
      if (b <= a) continue;
      svg.append(
        node("rect", {
          class: "outside",
          x: this.sx(Math.max(a, -this.range)),
          y: BOX.top,
          width: this.sx(Math.min(b, this.range)) - this.sx(Math.max(a, -this.range)),
          height: BOX.bottom - BOX.top,
        }),
      );
    }
    // axes and ticks
    const axes = node("g", { class: "axes" });
    axes.append(
      node("line", { x1: BOX.left, x2: BOX.right, y1: this.sy(0), y2: this.sy(0) }),
      node("line", { x1: this.sx(0), x2: this.sx(0), y1: BOX.top, y2: BOX.bottom }),
      node("rect", {
        class: "frame",
        x: BOX.left,
        y: BOX.top,
        width: BOX.right - BOX.left,
        height: BOX.bottom - BOX.top,
      }),
    );
    const step = this.range <= 3 ? 1 : this.range <= 6 ? 2 : 4;
    for (let v = -this.range; v <= this.range + 1e-9; v += step) {
      axes.append(
        node("text", { x: this.sx(v), y: BOX.bottom + 16, class: "tick" }, String(v)),
        node("text", { x: BOX.left - 6, y: this.sy(v) + 4, class: "tick y" }, String(v)),
      );
    }
    axes.append(
      node("text", { x: BOX.right, y: BOX.bottom + 28, class: "label" }, "x"),
      node("text", { x: BOX.left - 30, y: BOX.top + 10, class: "label" }, "y"),
    );
    svg.append(axes);
    // curves: baselines under the model
    const lines = node("g", { "clip-path": "url(#draw-clip)" });
    for (const c of [...this.curves].reverse()) {
      lines.append(
        node("path", {
          d: this.path(c.ys),
          class: `curve ${c.name === "model" ? "model" : ""}`,
          stroke: c.colour,
          ...(c.dashed ? { "stroke-dasharray": "6 4" } : {}),
          "data-name": c.name,
        }),
      );
    }
    svg.append(lines);
    // the examples, numbered in the order the model reads them
    const dots = node("g", { class: "examples" });
    this.points.forEach(([x, y], i) => {
      const g = node("g", { class: "example", "data-index": i });
      g.append(
        node("circle", { cx: this.sx(x), cy: this.sy(y), r: 6 }),
        node("text", { x: this.sx(x) + 8, y: this.sy(y) - 8 }, String(i + 1)),
      );
      dots.append(g);
    });
    svg.append(dots);
  }

  /** Where data point (x, y) lies on screen: for tests and keyboard users' focus. */
  screen(x: number, y: number): { x: number; y: number } {
    const r = this.svg.getBoundingClientRect();
    return {
      x: r.left + (this.sx(x) / 640) * r.width,
      y: r.top + (this.sy(y) / 420) * r.height,
    };
  }
}
