/** Messages between the main thread and the worker: a discriminated union in each direction. */
import type { ErrorPayload } from "./errors.js";

export type Request =
  | { id: number; op: "capabilities" }
  | { id: number; op: "create"; config: unknown }
  | { id: number; op: "train"; session: number; steps: number }
  | { id: number; op: "evaluate"; session: number; options: unknown }
  | { id: number; op: "load"; bytes: Uint8Array; device: unknown }
  | { id: number; op: "save"; session: number }
  | { id: number; op: "baselines"; config: unknown; options: unknown }
  | { id: number; op: "catalog" }
  | { id: number; op: "cost"; config: unknown; tokens: number }
  | { id: number; op: "continual"; config: unknown }
  | { id: number; op: "continualCreate"; config: unknown }
  | { id: number; op: "continualAdvance"; run: number; steps: number }
  | { id: number; op: "continualBoundary"; run: number; resolution: number }
  | { id: number; op: "continualUnlearn"; run: number; class: number }
  | { id: number; op: "continualDispose"; run: number }
  | { id: number; op: "dispose"; session: number }
  | { id: number; op: "liveSessions" }
  | { id: number; op: "memory" };

export type Response =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: ErrorPayload; fatal: boolean };
