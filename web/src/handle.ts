// What every handle on something living in the worker shares (a session, a continual run, a
// classification run): its worker, whether it was disposed, whether the worker restarted under
// it, and dispose().
import type { WorkerClient } from "./client.js";
import { IclabError } from "./errors.js";
import type { RequestBody } from "./protocol.js";

export abstract class Handle {
  /** Its id in the worker. */
  abstract readonly id: number;
  protected disposed = false;
  /** The worker's generation it lives in: a restarted worker has lost it. */
  protected generation: number;

  /**
   * `what` names it in errors ("session", "continual run"); `lost` says what to do when the
   * worker restarted under it.
   */
  constructor(
    protected readonly client: WorkerClient,
    private readonly what: string,
    private readonly lost: string,
  ) {
    this.generation = client.generation;
  }

  /** The worker call that frees it. */
  protected abstract disposeCall(): RequestBody;

  /** Throws `disposed` or `unknown_session` when it cannot be used. */
  protected check(): void {
    this.checkDisposed();
    if (this.generation !== this.client.generation) {
      throw new IclabError({
        code: "unknown_session",
        field: null,
        message: `${this.what} ${this.id} was lost when the worker restarted; ${this.lost}`,
      });
    }
  }

  protected checkDisposed(): void {
    if (this.disposed) {
      throw new IclabError({
        code: "disposed",
        field: null,
        message: `${this.what} ${this.id} was disposed`,
      });
    }
  }

  /** Frees it in the worker. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.generation === this.client.generation) await this.client.call(this.disposeCall());
  }
}
