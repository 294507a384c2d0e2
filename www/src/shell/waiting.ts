/**
 * Loading (and the start of a run, until its first report) can take long on a software GPU
 * adapter, where every shader compiles slowly: the status line counts the seconds and, past a
 * few, says why and what is faster.
 */
import type { Capabilities } from "iclab";
import { formatDuration } from "./progress.js";

export class WaitingClock {
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly status: HTMLElement,
    private readonly caps: Promise<Capabilities | null>,
    /** Whether the page asked for WebGPU (a software adapter is then worth a sentence). */
    private readonly wantsWebgpu: () => boolean,
  ) {}

  /** The page is `waiting` (loading or running) or not; `newLine`: the status line was just set. */
  update(waiting: boolean, newLine: boolean): void {
    // the same wait set again without a new line (a refresh) keeps its ticker
    if (waiting && !newLine && this.ticker !== null) return;
    this.stop();
    if (!waiting || !newLine) return;
    const base = this.status.textContent ?? "";
    const started = performance.now();
    this.ticker = setInterval(() => {
      // a newer line (a report, an error) replaces the waiting one for good
      if (!(this.status.textContent ?? "").startsWith(base)) {
        this.stop();
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      if (seconds < 3) return;
      void this.caps.then((caps) => {
        if (!(this.status.textContent ?? "").startsWith(base)) return;
        // The seconds change every second: kept out of the accessibility tree, so a screen reader
        // announces the waiting line (and the hint, once), not a count.
        let clock = this.status.querySelector<HTMLSpanElement>("span.elapsed");
        if (!clock) {
          clock = Object.assign(document.createElement("span"), { className: "elapsed" });
          clock.setAttribute("aria-hidden", "true");
          this.status.append(clock);
          const software = caps?.adapter?.isFallback === true && this.wantsWebgpu();
          if (software) {
            this.status.append(
              ` This WebGPU adapter (${caps?.adapter?.name ?? "software"}) is a software renderer: it compiles every GPU program on the CPU, which takes minutes the first time, and trains ~100× slower than Device: CPU.`,
            );
          }
        }
        clock.textContent = ` ${formatDuration(seconds)}…`;
      });
    }, 1000);
  }

  private stop(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }
}
