/**
 * iclab: train in-context and continual learners in the browser, on WebGPU with a CPU fallback.
 *
 * ```ts
 * import { createSession } from "iclab";
 * const session = await createSession({ dims: 5, points: 11 });
 * for await (const { report } of session.train({ steps: 500, every: 25 })) console.log(report.loss);
 * const result = await session.evaluate({ baselines: ["least_squares"] });
 * console.log(result.curves.model.mean, result.curves.least_squares.mean);
 * await session.dispose();
 * ```
 *
 * All work happens in a Web Worker; every method is async and never blocks the page.
 */
// The public API: one module per run kind (session.ts, continual.ts, classify.ts) on the shared
// worker (shared.ts); every handle shares handle.ts.
import { client } from "./shared.js";
import type { Capabilities, Catalog, Diagnostics } from "./types.js";

export { IclabError } from "./errors.js";
export type { ErrorCode, ErrorPayload } from "./errors.js";
export type * from "./types.js";
export { CATALOG } from "./shared.js";
export {
  Session,
  SNAPSHOT_SECONDS,
  createSession,
  evaluateBaselines,
  inferenceCost,
  loadSession,
  readCurves,
} from "./session.js";
export {
  ContinualRun,
  FederatedClient,
  learnFederated,
  loadContinual,
  readTable,
  runContinual,
  runFederated,
  startContinual,
} from "./continual.js";
export { ClassifyRun, loadClassify, startClassify } from "./classify.js";
export { MarkovRun, startMarkov } from "./markov.js";

/** Whether WebGPU is usable here, and if not, why. */
export function capabilities(): Promise<Capabilities> {
  return client().call({ op: "capabilities" });
}

/** What the core offers, asked of the wasm build itself (equal to {@link CATALOG}). */
export function catalog(): Promise<Catalog> {
  return client().call({ op: "catalog" });
}

/**
 * The worker's state: the wasm heap's size (it grows and never shrinks, so a steady value over
 * many create/dispose cycles means nothing leaks), the sessions and runs alive, and how many
 * tensors have been read back from the device (the sync points).
 */
export function diagnostics(): Promise<Diagnostics> {
  return client().call({ op: "memory" });
}
