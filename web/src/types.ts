/**
 * The package's types. Everything the core defines (configs, results, the catalog) is generated
 * from the Rust schema into `./generated/types.ts` (`npm run generate`; a test fails when it is
 * stale); this file names them for the API, makes the configs' fields optional (the core fills
 * in every default), and adds the types only JavaScript has.
 */
import type * as core from "./generated/types.js";

export type {
  AdapterProbe,
  Answered,
  Backbone,
  BaselineKind,
  BaselineOptions,
  Blurry,
  Boundary,
  BoundaryMetrics,
  BufferPolicy,
  TableSummary,
  BurstyConfig,
  Capabilities,
  Catalog,
  Choice,
  ClassifyBackbone,
  MarkovBackbone,
  SequenceTrace,
  ClassifyCatalog,
  ClassifyPoint,
  ClassifyRunRecord,
  ClassifySweep,
  ClassifyWinner,
  ClassIncremental,
  Comparison,
  ContinualCatalog,
  Crossover,
  Curriculum,
  DataConfig,
  DecayEffect,
  DecisionTree,
  DeviceChoice,
  DeviceInfo,
  DeviceKind,
  DigitsConfig,
  DipKind,
  DiversityFindings,
  DiversitySweep,
  Embedding,
  ErrorCurve,
  Evidence,
  Example,
  Field,
  FieldSpec,
  Forgetting,
  IclCatalog,
  IllConditionedLinear,
  InductionScores,
  InferenceCost,
  Kind,
  LayerReport,
  Limits,
  LinearRegression,
  Match,
  MemoryEstimate,
  Metric,
  Model,
  Moved,
  NoiseSource,
  NoisyLinear,
  Permuted,
  PhaseCell,
  PhaseDiagram,
  PoolCell,
  Position,
  Preset,
  PresetShape,
  Probe,
  Quantity,
  QueryAttention,
  Reading,
  ReadingAtK,
  ReluNet,
  Reoccurring,
  Report,
  Resembles,
  Rotated,
  ScenarioConfig,
  Schedule,
  Shape,
  Side,
  SparseLinear,
  Spread,
  StabilityGap,
  Standing,
  Strategy,
  StrategySetting,
  SweepRun,
  TaskIncremental,
  TaskKind,
  TokenLayout,
  Transience,
  TransienceOutcome,
  TransienceRun,
  TwoDConfig,
} from "./generated/types.js";

/**
 * What a caller passes for a config `T`: every field optional (the core fills in its default),
 * recursively, except `kind`, which picks the variant of a tagged choice.
 */
export type Input<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T as K extends "kind" ? K : never]: T[K] } & {
        [K in keyof T as K extends "kind" ? never : K]?: Input<T[K]>;
      }
    : T;

/** Configuration of a session (`createSession`). Every field is optional; defaults are the core's. */
export type SessionConfig = Input<core.SessionConfig>;
/** A session's config with every default filled in, as `Session.config` holds it. */
export type ResolvedSessionConfig = core.SessionConfig;
/** A function class with its parameters: `{ kind: "sparse_linear", sparsity: 3 }`. */
export type TaskConfig = Input<core.TaskConfig>;
/** What to evaluate on and against (`Session.evaluate`, `evaluateBaselines`). */
export type EvaluateOptions = Input<core.EvalConfig>;
/** Error vs k of the model, the zero estimator and each baseline, on the same prompts. */
export type Evaluation = core.EvalResult;
/** An in-context classification experiment (`startClassify`). Every field is optional. */
export type ClassifyOptions = Input<core.ClassifyConfig>;
/** What `startClassify` resolved the options to. */
export type ClassifyConfig = core.ClassifyConfig;
/** One report of `ClassifyRun.train`: the step and the mean cross-entropy since the last. */
export type ClassifyReport = core.ClassifyReport;
/** In-context and in-weights accuracy, context-label accuracy, induction scores, every head's attention at the query, the emergence bar and step. */
export type ClassifyEvaluation = core.ClassifyEvaluation;
/** What each layer computes (`Session.layers`): prompts, probe fitting and solver grids. */
export type LayersOptions = Input<core.LayersConfig>;
/** Per layer: read-out and probe errors vs k, the nearest Newton and GD iterates by two measures, their separation and the core's verdict. */
export type Layers = core.LayersResult;
/** A Markov run (`startMarkov`). Every field is optional. */
export type MarkovOptions = Input<core.MarkovRunConfig>;
export type MarkovRunConfig = core.MarkovRunConfig;
/** One report of `MarkovRun.train`: the step and the mean cross-entropy since the last. */
export type MarkovReport = core.MarkovReport;
/** KL to each rule at the last position, the loss, the core's stage, each layer's attention (none for the xLSTM), one test sequence traced position by position. */
export type MarkovEvaluation = core.MarkovEvaluation;
/** A written prompt (`Session.answer`): examples `[x₁…x_d, y]` and queries `[x₁…x_d]`, or a pasted table; the baselines to fit to it. */
export type AnswerOptions = Input<core.AnswerConfig>;
/** What the model and each baseline answer at each query of a written prompt, and which queries lie outside the inputs the model was trained on. */
export type Answer = core.Answer;
/** A visitor's table (`readTable`): its CSV text and the order of its labels. */
export type TableOptions = Input<core.TableConfig>;
/** The resolved config, device and size of a created session. */
export type SessionInfo = core.SessionInfo;
/** One continual-learning run (`startContinual`). Every field is optional. */
export type ContinualConfig = Input<core.ClConfig>;
/** Learners and strategies (Avalanche's names where it has them). */
export type ContinualStrategy = core.StrategyKind;
/** A continual run so far: accuracy matrix, curves, stability gaps, metrics once done. */
export type ContinualResult = core.ClResult;
export type ContinualMetrics = core.Metrics;
/** Learn apart, merge together (`runFederated`): the learner, the data and features in `run` (a continual run's config), the clients and their split. Every field is optional. */
export type FederatedConfig = Input<core.FederatedConfig>;
/** Each client's accuracy before the merge, the merged and the joint learner's, FedAvg's. */
export type FederatedResult = core.FederatedResult;
/** One page's client of a classroom (`learnFederated`): what it learned, merged, and how it scores alone and now. */
export type FederatedClientState = core.ClientState;
/** What one client learned, as it travels between pages (`FederatedClient.share`, parsed). */
export type FederatedShare = core.Share;

/**
 * Stops a long call early: when `signal` fires, the call rejects with code `aborted` at its next
 * chunk of work (a few tens of milliseconds), as `fetch` does with an `AbortSignal`. What it had
 * done stays done: a training call keeps the steps it ran.
 */
export interface Cancellable {
  signal?: AbortSignal;
}

/**
 * A `train()` stream's schedule, the same for every run kind: `steps` more steps, a report every
 * `every`, and an evaluation on the reports the core's cadence picks (each time the model's step
 * reaches or passes a multiple of `evalEvery`, and at the last step; counted on the model's own
 * step, so a resumed run keeps its cadence; the CLI follows the same cadence).
 */
export interface TrainSchedule extends Cancellable {
  /** More steps to train (whole number, `CATALOG.limits.streamSteps`). */
  steps: number;
  /** Steps per report (whole number, `CATALOG.limits.trainSteps`). Default 10. */
  every?: number;
  /**
   * Steps between evaluations (`CATALOG.limits.evalEvery`; 0: only at the last step). Without
   * it and without `evaluate`, the stream does not evaluate.
   */
  evalEvery?: number;
}

/** `Session.train`'s options. */
export interface TrainOptions extends TrainSchedule {
  /** How the stream's evaluations evaluate (as `Session.evaluate` takes); default its defaults. */
  evaluate?: EvaluateOptions;
  /**
   * On WebGPU, seconds of training between snapshots of the weights that `recover()` continues
   * from after a device loss. Default 30; 0 turns snapshots off. Ignored on the CPU.
   */
  snapshotSeconds?: number;
}

/** `ClassifyRun.train`'s options. */
export interface ClassifyTrainOptions extends TrainSchedule {
  /** How the stream's evaluations evaluate: sequences per split (`CATALOG.classify.prompts`; default 512). */
  evaluate?: { prompts?: number };
}

/**
 * `ContinualRun.train`'s options: a report every `every` steps (`CATALOG.limits.advanceSteps`,
 * default 10) until the stream ends, or `steps` more at most. Its evaluations are the run's own
 * (`evalEvery` of its config), inside each report.
 */
export interface ContinualTrainOptions extends Cancellable {
  steps?: number;
  every?: number;
}

/**
 * What a `train()` stream yields: one report, and the evaluation the schedule put there (none
 * between evaluations). The core's `train::cadence::Trained`.
 */
export interface Trained<R, E = never> {
  report: R;
  evaluation?: E;
}

/** What `diagnostics()` reports about the worker. */
export interface Diagnostics {
  /** Size of the wasm linear memory in bytes (grows, never shrinks). */
  wasmBytes: number;
  /** ICL sessions and continual runs alive. */
  liveSessions: number;
  /** Tensors read back from the device so far: the sync points (one per training report). */
  readbacks: number;
  /** WebGPU buffers alive (created, not yet destroyed or garbage-collected); 0 on the CPU. */
  gpuBuffers: number;
  /** Their total size in bytes: the GPU memory held, as the browser sees it. */
  gpuBytes: number;
}
