/**
 * Main-thread side of the worker protocol: one shared worker, request ids, promises. A fatal
 * answer (wasm trap) or a worker error replaces the worker, so the next call works again; the
 * sessions that lived in the old worker are gone and say so (`unknown_session`).
 */
import { IclabError, type ErrorPayload } from "./errors.js";
import type { RequestBody, Response, Result } from "./protocol.js";

type Pending = { resolve: (v: unknown) => void; reject: (e: IclabError) => void };

export class WorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  /** Incremented each time the worker is replaced; sessions remember the generation they live in. */
  generation = 0;

  private spawn(): Worker {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "iclab" });
    worker.onmessage = (event: MessageEvent<Response>) => this.settle(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.crash({ code: "worker_crashed", field: null, message: `the iclab worker failed: ${event.message}` });
    };
    return worker;
  }

  private settle(res: Response): void {
    const pending = this.pending.get(res.id);
    this.pending.delete(res.id);
    if (res.ok) {
      pending?.resolve(res.value);
      return;
    }
    pending?.reject(new IclabError(res.error));
    if (res.fatal) this.crash(res.error);
  }

  private crash(error: ErrorPayload): void {
    this.worker?.terminate();
    this.worker = null;
    this.generation += 1;
    for (const p of this.pending.values()) p.reject(new IclabError(error));
    this.pending.clear();
  }

  /** Sends one operation; resolves to that operation's result type (see `Operations`). */
  call<B extends RequestBody>(body: B): Promise<Result<B["op"]>> {
    this.worker ??= this.spawn();
    const id = this.nextId++;
    return new Promise<Result<B["op"]>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.worker?.postMessage({ ...body, id });
      } catch (error) {
        this.pending.delete(id);
        reject(
          new IclabError({
            code: "invalid_config",
            field: "config",
            message: `invalid config \`config\`: it cannot be sent to the worker (${String(error)}); use plain numbers, strings and objects`,
          }),
        );
      }
    });
  }
}
