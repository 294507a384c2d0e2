/**
 * Progress of long work: a `<progress>` bar and "37% · about 1 min 20 s left", from the rate of
 * the work done since the current stretch started (a pause restarts the clock, so time spent
 * paused does not count).
 */

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 1) return "under a second";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export class Progress {
  private startedAt = 0;
  private startedDone = 0;
  constructor(
    private readonly bar: HTMLProgressElement,
    private readonly label: HTMLElement,
  ) {}

  /** A stretch of work begins (train or resume) with `done` of `total` already behind it. */
  start(done: number, total: number): void {
    this.startedAt = performance.now();
    this.startedDone = done;
    this.bar.max = Math.max(1, total);
    this.bar.value = done;
    this.bar.hidden = false;
    this.label.textContent = `${Math.round((100 * done) / Math.max(1, total))}%`;
  }

  /** `done` of `total` units finished; the label gets the share and the time left. */
  update(done: number, total: number): string {
    this.bar.max = Math.max(1, total);
    this.bar.value = Math.min(done, total);
    const elapsed = (performance.now() - this.startedAt) / 1000;
    const rate = (done - this.startedDone) / Math.max(elapsed, 1e-3);
    const left = rate > 0 ? (total - done) / rate : Number.NaN;
    const share = `${Math.round((100 * Math.min(done, total)) / Math.max(1, total))}%`;
    const text =
      done >= total
        ? "100%"
        : Number.isFinite(left)
          ? `${share} · about ${formatDuration(left)} left`
          : share;
    this.label.textContent = text;
    return text;
  }

  /** Paused, finished or reset: the bar keeps its value; the estimate goes. */
  stop(message = ""): void {
    this.label.textContent = message;
  }

  clear(): void {
    this.bar.value = 0;
    this.bar.hidden = true;
    this.label.textContent = "";
  }
}
