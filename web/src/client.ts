/**
 * Main-thread side of the worker protocol: one shared worker, request ids, promises. A fatal
 * answer (wasm trap) or a worker error replaces the worker, so the next call works again; the
 * sessions that lived in the old worker are gone and say so (`unknown_session`).
 */
import { IclabError, describe, type ErrorPayload } from "./errors.js";
import type { RequestBody, Response, Result } from "./protocol.js";

type Pending = { resolve: (v: unknown) => void; reject: (e: IclabError) => void };

export class WorkerClient {
  /** `name`: the worker's name in the browser's tools (`iclab`, `iclab-aside`). */
  constructor(private readonly name = "iclab") {}

  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  /** Incremented each time the worker is replaced; sessions remember the generation they live in. */
  generation = 0;

  private spawn(): Worker {
    const worker = new Worker(new URL("./worker.js", import.meta.url), {
      type: "module",
      name: this.name,
    });
    worker.onmessage = (event: MessageEvent<Response>) => this.settle(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.crash({
        code: "worker_crashed",
        field: null,
        message: `the iclab worker failed: ${event.message}`,
      });
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

  /**
   * Sends one operation; resolves to that operation's result type (see `Operations`). With a
   * `signal`, firing it asks the worker to stop the call, which then rejects with `aborted`
   * (at once if it already fired). What cannot be sent to the worker is an error naming
   * `blame` (the argument it came from).
   */
  call<B extends RequestBody>(body: B, options: CallOptions = {}): Promise<Result<B["op"]>> {
    const { signal, blame = { code: "invalid_config", field: "config" } } = options;
    if (signal?.aborted) return Promise.reject(aborted());
    this.worker ??= this.spawn();
    const worker = this.worker;
    const id = this.nextId++;
    return new Promise<Result<B["op"]>>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.pending.has(id) && this.worker === worker)
          worker.postMessage({ op: "cancel", call: id, id: this.nextId++ });
      };
      const done = (): void => signal?.removeEventListener("abort", onAbort);
      this.pending.set(id, {
        resolve: (v) => {
          done();
          (resolve as (v: unknown) => void)(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        worker.postMessage({ ...body, id });
      } catch (error) {
        this.pending.delete(id);
        done();
        reject(
          new IclabError({
            code: blame.code,
            field: blame.field,
            message: `invalid ${blame.code === "invalid_checkpoint" ? "checkpoint" : "config"} \`${blame.field}\`: it cannot be sent to the worker (${describe(error)}); use plain numbers, strings and objects`,
          }),
        );
      }
    });
  }
}

/** How a call is sent: its cancellation signal, and whom to blame for what cannot be sent. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  blame?: { code: "invalid_config" | "invalid_checkpoint"; field: string };
}

function aborted(): IclabError {
  return new IclabError({
    code: "aborted",
    field: null,
    message: "the call was aborted by its caller",
  });
}
