/**
 * Draw a digit on the continual page: a canvas drawn with the pointer, prepared as MNIST's digits
 * were and pooled to the 14 × 14 inputs (ink.ts), and what each learner, as trained now, answers
 * (`ContinualRun.answer`: the class, each class's score and, for networks, the softmax).
 */
import type { Answered, ContinualRun } from "iclab";
import { describe, el } from "../../shell/dom.js";
import { SIDE, digitInput } from "./ink.js";

export interface Asked {
  title: string;
  run: ContinualRun;
}

export class DigitPad {
  private readonly canvas = el<HTMLCanvasElement>("digit-canvas");
  private readonly seen = el<HTMLCanvasElement>("digit-seen");
  private drawing = false;
  private last: [number, number] | null = null;
  private input: Float32Array | null = null;
  /** Answers asked for: one at a time, the latest drawing wins. */
  private pending = false;
  private again = false;

  constructor(private readonly runs: () => Asked[]) {
    const c = this.canvas;
    c.addEventListener("pointerdown", (e) => {
      this.drawing = true;
      this.last = this.at(e);
      c.setPointerCapture?.(e.pointerId);
      this.stroke(this.last);
    });
    c.addEventListener("pointermove", (e) => {
      if (this.drawing) this.stroke(this.at(e));
    });
    const end = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.last = null;
      void this.ask();
    };
    c.addEventListener("pointerup", end);
    c.addEventListener("pointercancel", end);
    el("digit-clear").addEventListener("click", () => this.clear());
    this.clear();
  }

  clear(): void {
    const ctx = this.canvas.getContext("2d");
    ctx?.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.seen.getContext("2d")?.clearRect(0, 0, SIDE, SIDE);
    this.input = null;
    el("digit-answers").replaceChildren();
    delete document.body.dataset.digit;
  }

  private at(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [
      ((e.clientX - r.left) / r.width) * this.canvas.width,
      ((e.clientY - r.top) / r.height) * this.canvas.height,
    ];
  }

  private stroke(to: [number, number]): void {
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const from = this.last ?? to;
    ctx.strokeStyle = "#111827";
    ctx.lineWidth = this.canvas.width / 12;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0], to[1]);
    ctx.stroke();
    this.last = to;
  }

  /** The drawing's ink (alpha), then the learners' answers. */
  async ask(): Promise<void> {
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const size = this.canvas.width;
    const { data } = ctx.getImageData(0, 0, size, size);
    const ink = new Float32Array(size * size);
    for (let i = 0; i < ink.length; i++) ink[i] = (data[4 * i + 3] ?? 0) / 255;
    this.input = digitInput(ink, size);
    this.showSeen();
    await this.answer();
  }

  private showSeen(): void {
    const ctx = this.seen.getContext("2d");
    if (!ctx || !this.input) return;
    const image = ctx.createImageData(SIDE, SIDE);
    this.input.forEach((v, i) => {
      const shade = Math.round(255 * (1 - v));
      image.data.set([shade, shade, shade, 255], 4 * i);
    });
    ctx.putImageData(image, 0, 0);
  }

  /** Asks every learner on screen about the digit drawn (again after training moves them). */
  async answer(): Promise<void> {
    if (!this.input) return;
    if (this.pending) {
      this.again = true;
      return;
    }
    this.pending = true;
    try {
      const answered: { title: string; a: Answered }[] = [];
      for (const { title, run } of this.runs())
        answered.push({ title, a: await run.answer(this.input) });
      this.show(answered);
    } catch (error) {
      el("digit-answers").textContent = describe(error);
    } finally {
      this.pending = false;
      if (this.again) {
        this.again = false;
        void this.answer();
      }
    }
  }

  private show(answered: { title: string; a: Answered }[]): void {
    el("digit-answers").replaceChildren(
      ...answered.map(({ title, a }) => {
        const box = document.createElement("div");
        box.className = "digit-answer";
        const head = document.createElement("p");
        head.append(
          `${title}: `,
          Object.assign(document.createElement("strong"), { textContent: String(a.answer) }),
        );
        const list = document.createElement("ol");
        list.start = 0;
        list.className = "scores";
        // probabilities where the learner has them, else its own scores, relative to its best
        const values = a.probabilities ?? a.scores.map((s) => s ?? Number.NaN);
        const finite = values.filter(Number.isFinite);
        const [lo, hi] = [Math.min(...finite), Math.max(...finite)];
        values.forEach((v, c) => {
          const li = document.createElement("li");
          const bar = document.createElement("span");
          bar.className = `bar${c === a.answer ? " best" : ""}`;
          const share = a.probabilities ? v : hi > lo ? (v - lo) / (hi - lo) : 1;
          bar.style.width = `${Number.isFinite(share) ? Math.max(1, share * 100) : 0}%`;
          const label = a.probabilities
            ? `${c}: ${(v * 100).toFixed(1)}%`
            : `${c}: ${Number.isFinite(v) ? v.toFixed(2) : "not learned yet"}`;
          li.append(bar, label);
          list.append(li);
        });
        const note = document.createElement("p");
        note.className = "note";
        note.textContent = a.probabilities
          ? "softmax of the network's outputs"
          : "the learner's own scores (not probabilities); bars from its lowest to its highest";
        box.append(head, list, note);
        return box;
      }),
    );
    document.body.dataset.digit = JSON.stringify(answered.map(({ a }) => a.answer));
  }
}
