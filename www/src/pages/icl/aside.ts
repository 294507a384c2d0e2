/**
 * The in-context page's evaluations beside training: on the CPU, each report's model is
 * evaluated as a copy in the package's second worker (`Session.evaluateAside`) while the session
 * trains on in the first, so the two take two cores instead of turns on one. One evaluation at a
 * time: a report that comes while one computes is evaluated when it ends (the newest such report
 * only, as what the chart shows is the newest model).
 */
export class AsideEvaluations {
  private running: Promise<void> | null = null;
  private next: (() => Promise<void>) | null = null;

  /** Evaluates with `job` now, or once the evaluation computing has ended. */
  request(job: () => Promise<void>): void {
    if (this.running) {
      this.next = job;
      return;
    }
    this.running = this.drain(job);
  }

  private async drain(first: () => Promise<void>): Promise<void> {
    try {
      let job: (() => Promise<void>) | null = first;
      while (job) {
        this.next = null;
        // a job handles its own failure (the page falls back to evaluating in the stream)
        await job().catch(() => undefined);
        job = this.next;
      }
    } finally {
      this.running = null;
    }
  }

  /** Resolves once nothing computes or waits. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Forgets a waiting job (a new model); the one computing ends on its own. */
  clear(): void {
    this.next = null;
  }
}
