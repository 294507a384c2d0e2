/**
 * The worker protocol, declared once: each operation's arguments and what it resolves to. The
 * requests the client sends, the worker's handler table and the client's `call` result types
 * are all derived from {@link Operations}, so a new operation, a missing handler or a mismatched
 * result type is a compile error.
 */
import type { ErrorPayload } from "./errors.js";
import type {
  MarkovEvaluation,
  MarkovReport,
  MarkovRunConfig,
  Answer,
  Answered,
  TableSummary,
  Boundary,
  Capabilities,
  Catalog,
  ClassifyConfig,
  ClassifyEvaluation,
  ClassifyReport,
  ContinualResult,
  DeviceInfo,
  FederatedClientState,
  FederatedResult,
  Diagnostics,
  Evaluation,
  InferenceCost,
  Layers,
  Reading,
  Report,
  SessionInfo,
  Trained,
} from "./types.js";

/** Configs travel as plain objects and are validated by the core. */
type Plain = unknown;

export interface Operations {
  capabilities: { args: object; result: Capabilities };
  sessionCreate: { args: { config: Plain }; result: SessionInfo };
  /** One report's worth of a `train()` stream (`left`: the steps it still trains), evaluated where the core's cadence says. */
  sessionTrain: {
    args: { session: number; every: number; left: number; evalEvery: number; evaluate: Plain };
    result: Trained<Report, Evaluation>;
  };
  sessionEvaluate: { args: { session: number; options: Plain }; result: Evaluation };
  sessionLayers: { args: { session: number; options: Plain }; result: Layers };
  sessionAnswer: { args: { session: number; prompt: Plain }; result: Answer };
  sessionLoad: { args: { bytes: Uint8Array; device: Plain }; result: SessionInfo };
  sessionSave: { args: { session: number }; result: Uint8Array };
  evaluateBaselines: { args: { config: Plain; options: Plain }; result: Evaluation };
  catalog: { args: object; result: Catalog };
  inferenceCost: { args: { config: Plain; tokens: number }; result: InferenceCost };
  readCurves: { args: { curves: Plain; dims: number }; result: Reading | null };
  continualRun: { args: { config: Plain }; result: ContinualResult };
  federatedRun: { args: { config: Plain }; result: FederatedResult };
  /** `share`: the client's share as JSON text. */
  federatedLearn: {
    args: { config: Plain; client: number };
    result: { id: number; state: FederatedClientState; share: string };
  };
  federatedMerge: { args: { learner: number; share: string }; result: FederatedClientState };
  federatedDispose: { args: { learner: number }; result: boolean };
  continualCreate: { args: { config: Plain }; result: { id: number; result: ContinualResult } };
  continualAdvance: { args: { run: number; steps: number }; result: ContinualResult };
  continualBoundary: { args: { run: number; resolution: number }; result: Boundary | null };
  continualUnlearn: { args: { run: number; class: number }; result: ContinualResult };
  continualDispose: { args: { run: number }; result: boolean };
  continualAnswer: { args: { run: number; input: Float32Array }; result: Answered };
  continualSave: { args: { run: number }; result: Uint8Array };
  continualLoad: { args: { bytes: Uint8Array }; result: { id: number; result: ContinualResult } };
  readTable: { args: { table: Plain }; result: TableSummary };
  classifyCreate: {
    args: { config: Plain };
    result: { id: number; config: ClassifyConfig; deviceInfo: DeviceInfo; numParams: number };
  };
  classifyTrain: {
    args: { run: number; every: number; left: number; evalEvery: number; prompts?: number };
    result: Trained<ClassifyReport, ClassifyEvaluation>;
  };
  classifyEvaluate: { args: { run: number; prompts: number }; result: ClassifyEvaluation };
  classifyDispose: { args: { run: number }; result: boolean };
  classifySave: { args: { run: number }; result: Uint8Array };
  markovCreate: {
    args: { config: Plain };
    result: { id: number; config: MarkovRunConfig; deviceInfo: DeviceInfo; numParams: number };
  };
  markovTrain: { args: { run: number; steps: number }; result: MarkovReport };
  markovEvaluate: { args: { run: number }; result: MarkovEvaluation };
  markovDispose: { args: { run: number }; result: boolean };
  classifyLoad: {
    args: { bytes: Uint8Array; device?: string };
    result: {
      id: number;
      config: ClassifyConfig;
      deviceInfo: DeviceInfo;
      numParams: number;
      step: number;
    };
  };
  sessionDispose: { args: { session: number }; result: boolean };
  memory: { args: object; result: Diagnostics };
  /** Whether the WebGPU device was lost (what `recover()` asks of a session on it). */
  gpuLost: { args: object; result: boolean };
  /** Cancels request `call` (its caller's `AbortSignal` fired). */
  cancel: { args: { call: number }; result: boolean };
}

export type Op = keyof Operations;

/** What the client sends for one operation (the id is added by the client). */
export type RequestBody = { [K in Op]: { op: K } & Operations[K]["args"] }[Op];
export type Request = RequestBody & { id: number };

/** What the worker answers for one operation. */
export type Result<K extends Op> = Operations[K]["result"];

/** The worker's table: one handler per operation, each returning its operation's result. */
export type Handlers = {
  [K in Op]: (
    request: { op: K; id: number } & Operations[K]["args"],
  ) => Promise<Result<K>> | Result<K>;
};

export type Response =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: ErrorPayload; fatal: boolean };
