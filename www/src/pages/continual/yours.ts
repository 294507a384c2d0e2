/**
 * Your own data on the continual page: 2-D points of several classes placed by clicking (as
 * TensorFlow Playground does), or a CSV file loaded from disk, with the order the stream meets
 * the classes. The core reads the table (`readTable`: rows, features, labels, or a sentence
 * naming the bad row and column); a table it refuses changes nothing, so the runs on screen stay.
 * Nothing here leaves the page: the text lives in memory and is never put in the URL.
 */
import { CATALOG, readTable, type TableSummary } from "iclab";
import { describe, el } from "../../shell/dom.js";
import { colourOf } from "./charts.js";

const { continual } = CATALOG;
/** The dataset menu's value for your data (the table kind). */
export const TABLE_KIND = continual.table.kind;
/** The drawing area spans [-EXTENT, EXTENT]² in both features. */
const EXTENT = 3;
/** A point within this many canvas pixels of a click is the one clicked. */
const HIT = 8;

interface Point {
  x: number;
  y: number;
  /** 0-based class; its label in the table is `class + 1`. */
  label: number;
}

export class YourData {
  /** The table the runs read, as the core accepted it; empty until there is one. */
  csv = "";
  order: string[] = [];
  summary: TableSummary | null = null;
  private points: Point[] = [];
  private file: string | null = null;
  private current = 0;
  private classes = 2;
  private readonly canvas = el<HTMLCanvasElement>("yours-canvas");
  private readonly status = el("yours-status");

  constructor(
    /** Called after the table the runs read changed. */
    private readonly changed: () => void,
    /** Whether a run is training (no edits then). */
    private readonly busy: () => boolean,
  ) {
    this.canvas.addEventListener("click", (e) => void this.click(e));
    el("yours-add-class").addEventListener("click", () => {
      if (this.classes >= continual.tableLimits.classes) return;
      this.classes += 1;
      this.current = this.classes - 1;
      this.showClasses();
    });
    el("yours-clear").addEventListener("click", () => {
      if (this.refuse()) return;
      this.points = [];
      this.file = null;
      el<HTMLInputElement>("yours-file").value = "";
      this.csv = "";
      this.summary = null;
      this.draw();
      this.say("");
      this.changed();
    });
    el<HTMLInputElement>("yours-file").addEventListener("change", (e) => void this.load(e));
    el<HTMLInputElement>("yours-order").addEventListener("change", (e) => {
      const text = (e.target as HTMLInputElement).value;
      const order = text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      if (order.join("\n") === this.order.join("\n")) return;
      void this.accept(this.csv, order);
    });
    this.showClasses();
    this.draw();
  }

  /** Whether a stream can be built: the core accepted a table. */
  ready(): boolean {
    return this.summary !== null;
  }

  /** What to say while there is no table yet. */
  hint(): string {
    return "Your data: click the square under Data to place points of at least two classes (two or more each), or load a CSV file.";
  }

  private refuse(): boolean {
    if (!this.busy()) return false;
    this.say("Pause or wait for the run to finish before changing the data.");
    return true;
  }

  private say(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle("error", error);
  }

  private showClasses(): void {
    const box = el("yours-classes");
    box.replaceChildren(
      ...Array.from({ length: this.classes }, (_, i) => {
        const b = Object.assign(document.createElement("button"), {
          type: "button",
          textContent: `class ${i + 1}`,
        });
        b.setAttribute("role", "radio");
        b.setAttribute("aria-checked", String(i === this.current));
        b.style.borderColor = colourOf(i);
        b.style.borderWidth = i === this.current ? "3px" : "1px";
        b.addEventListener("click", () => {
          this.current = i;
          this.showClasses();
        });
        return b;
      }),
    );
  }

  private toCanvas(p: Point): [number, number] {
    const size = this.canvas.width;
    return [((p.x + EXTENT) / (2 * EXTENT)) * size, ((EXTENT - p.y) / (2 * EXTENT)) * size];
  }

  private draw(): void {
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const size = this.canvas.width;
    ctx.clearRect(0, 0, size, size);
    ctx.strokeStyle = "#9ca3af";
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
    ctx.beginPath();
    ctx.moveTo(size / 2, 0);
    ctx.lineTo(size / 2, size);
    ctx.moveTo(0, size / 2);
    ctx.lineTo(size, size / 2);
    ctx.stroke();
    for (const p of this.points) {
      const [cx, cy] = this.toCanvas(p);
      ctx.beginPath();
      ctx.arc(cx, cy, 5, 0, 2 * Math.PI);
      ctx.fillStyle = colourOf(p.label);
      ctx.fill();
      ctx.strokeStyle = "#111827";
      ctx.stroke();
    }
    if (this.file !== null) {
      ctx.fillStyle = "#6b7280";
      ctx.font = "13px system-ui, sans-serif";
      ctx.fillText(`from ${this.file}`, 8, 18);
    }
  }

  private async click(e: MouseEvent): Promise<void> {
    if (this.refuse()) return;
    const r = this.canvas.getBoundingClientRect();
    const px = ((e.clientX - r.left) / r.width) * this.canvas.width;
    const py = ((e.clientY - r.top) / r.height) * this.canvas.height;
    const hit = this.points.findIndex((p) => {
      const [cx, cy] = this.toCanvas(p);
      return Math.hypot(cx - px, cy - py) <= HIT;
    });
    const next = [...this.points];
    if (hit >= 0) next.splice(hit, 1);
    else {
      const size = this.canvas.width;
      next.push({
        x: Number(((px / size) * 2 * EXTENT - EXTENT).toFixed(3)),
        y: Number((EXTENT - (py / size) * 2 * EXTENT).toFixed(3)),
        label: this.current,
      });
    }
    // drawing replaces a loaded file
    this.file = null;
    this.points = next;
    this.draw();
    const csv = ["x,y,class", ...next.map((p) => `${p.x},${p.y},${p.label + 1}`)].join("\n");
    await this.accept(next.length ? csv : "", this.order);
  }

  private async load(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file || this.refuse()) return;
    const text = await file.text();
    if (await this.accept(text, [], file.name)) {
      this.file = file.name;
      this.points = [];
      el<HTMLInputElement>("yours-order").value = "";
      this.draw();
    }
  }

  /** Asks the core to read `csv`; on success it becomes the runs' table. */
  private async accept(csv: string, order: string[], name?: string): Promise<boolean> {
    if (csv === "") {
      this.csv = "";
      this.summary = null;
      this.say(this.points.length ? "" : "");
      this.changed();
      return true;
    }
    try {
      const summary = await readTable({ csv, order });
      this.csv = csv;
      this.order = order;
      this.summary = summary;
      const classes = summary.classes.map((c, i) => `${c} (${summary.counts[i]})`).join(", ");
      this.say(
        `${name ? `${name}: ` : ""}${summary.rows} rows, ${summary.features.length} features, ${summary.classes.length} classes in stream order: ${classes}.`,
      );
      this.changed();
      // after the runs on screen are dropped (for tests: the new table's runs follow)
      document.body.dataset.table = JSON.stringify(summary);
      return true;
    } catch (error) {
      // the core names the row and column; the table the runs read stays as it was
      const what = name ? `${name} was not loaded: ` : "";
      this.say(`${what}${describe(error)}`, true);
      document.body.dataset.tableError = describe(error);
      return false;
    }
  }
}
