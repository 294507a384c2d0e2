// What every handle on something living in the worker shares (a session, a continual run, a
// classification run): its worker, whether it was disposed, whether the worker restarted under
// it, and dispose().
import type { WorkerClient } from "./client.js";
import { IclabError, within } from "./errors.js";
import { cancellable, reading } from "./input.js";
import type { RequestBody } from "./protocol.js";
import { LIMITS } from "./shared.js";

/** A `train()` call's schedule, checked. */
export interface CheckedSchedule {
  /** More steps (`null` where optional and absent). */
  steps: number | null;
  every: number;
  /** `null`: not given. */
  evalEvery: number | null;
  signal: AbortSignal | undefined;
  /** The call's other options, by key (each a key `keys` allows). */
  rest: Record<string, unknown>;
}

/**
 * Checks a `train()` call's options as every run kind's takes them (`steps`, `every`,
 * `evalEvery` where the caller schedules evaluations, `signal`, and the run kind's own `keys`;
 * `every` within the run kind's bounds): a missing or bad number, an unknown key
 * (a typo such as `evry`) or a non-object is a typed error naming it, before anything trains.
 */
export function checkSchedule(
  options: unknown,
  keys: readonly string[],
  { stepsOptional = false, every = LIMITS.trainSteps, evaluates = true } = {},
): CheckedSchedule {
  const allowed = ["steps", "every", ...(evaluates ? ["evalEvery"] : []), ...keys];
  if (
    typeof options !== "object" ||
    options === null ||
    reading("options", () => Array.isArray(options))
  ) {
    throw new IclabError({
      code: "invalid_config",
      field: "options",
      message: `train() takes { ${allowed.join(", ")} }`,
    });
  }
  const { rest, signal } = cancellable("options", options);
  const given = rest as Record<string, unknown>;
  const unknown = Object.keys(given).find((k) => !allowed.includes(k));
  if (unknown !== undefined) {
    const shown = unknown.length > 40 ? `${unknown.slice(0, 40)}…` : unknown;
    throw new IclabError({
      code: "invalid_config",
      field: shown,
      message: `invalid config \`${shown}\`: train() takes ${allowed.join(", ")} and signal`,
    });
  }
  const { steps, every: each, evalEvery, ...others } = given;
  return {
    steps: steps === undefined && stepsOptional ? null : within("steps", steps, LIMITS.streamSteps),
    every: within("every", each ?? 10, every),
    evalEvery: evalEvery === undefined ? null : within("evalEvery", evalEvery, LIMITS.evalEvery),
    signal,
    rest: others,
  };
}

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
