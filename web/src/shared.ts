// What every part of the package shares: the frozen catalog and the one worker.
import { WorkerClient } from "./client.js";
import { CATALOG as GENERATED_CATALOG } from "./generated/catalog.js";
import type { Catalog } from "./types.js";

/**
 * What the core offers (choice lists, every number's bounds and default, per-call limits), the
 * same value `catalog()` returns, available without starting the worker. Frozen, deeply: one
 * caller cannot change what every other reads (`structuredClone(CATALOG)` is a copy to change).
 */
export const CATALOG: Catalog = deepFreeze(GENERATED_CATALOG);

/** Freezes `value` and everything in it, so no caller can change what every other one reads. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The bounds of each call's own arguments. */
export const LIMITS = CATALOG.limits;

let shared: WorkerClient | null = null;
/** The worker every session and run lives in, started on first use. */
export function client(): WorkerClient {
  shared ??= new WorkerClient();
  return shared;
}

let aside: WorkerClient | null = null;
/**
 * A second worker, for evaluations of a model's copy while the model trains in the first
 * (`Session.evaluateAside`); started on first use.
 */
export function asideClient(): WorkerClient {
  aside ??= new WorkerClient("iclab-aside");
  return aside;
}
