/**
 * Every demo's settings, declared once: the URL parser and serializer (`state.ts`), the embed
 * element (`embed.ts`), the share dialog and the parameter reference on the teachers page all
 * read these tables, so a setting cannot exist in one place and be missing in another.
 *
 * Each entry is a URL parameter. `doc` is what the parameter reference says about it.
 */
import type { ContinualStrategy } from "iclab";
import type { Table } from "./state.js";

export const TASKS = ["linear", "sparse_linear", "noisy_linear", "relu_net", "decision_tree", "ill_conditioned"] as const;
/** Baselines a visitor can switch on; the zero estimator is always drawn (the core computes it). */
export const BASELINES = [
  "least_squares",
  "ridge",
  "knn",
  "averaging",
  "lasso",
  "gd",
  "newton",
  "relu_net",
  "tree",
  "boosted_trees",
] as const;
const DEVICES = ["auto", "webgpu", "cpu"] as const;
const SEED_MAX = 4_294_967_295;

/** In-context regression (`icl.html`). */
export const ICL = {
  start: { type: "enum", values: ["checkpoint", "scratch"], default: "checkpoint", doc: "begin from the shipped meta-trained model or from random weights" },
  task: { type: "enum", values: TASKS, default: "linear", doc: "function class the prompts are drawn from" },
  model: { type: "enum", values: ["transformer", "xlstm"], default: "transformer", doc: "backbone" },
  sparsity: { type: "int", min: 1, max: 64, default: 3, doc: "non-zero coordinates (sparse linear)" },
  noiseStd: { type: "float", min: 0, max: 100, default: 1, doc: "output noise σ (noisy linear)" },
  conditionNumber: { type: "float", min: 1, max: 1e8, default: 100, doc: "condition number κ (ill-conditioned linear)" },
  device: { type: "enum", values: DEVICES, default: "auto", doc: "where training runs; auto = WebGPU on a hardware GPU, else CPU" },
  preset: { type: "enum", values: ["tiny", "small"], default: "tiny", doc: "model size" },
  tokens: { type: "enum", values: ["paired", "interleaved"], default: "paired", doc: "token layout of a model trained from scratch: paired [x_i; x_i−1; y_i−1] learns at once, interleaved [x₁, y₁, …] (the papers') sits on a loss plateau first" },
  dims: { type: "int", min: 1, max: 64, default: 5, doc: "input dimension d" },
  points: { type: "int", min: 1, max: 256, default: 11, doc: "(x, f(x)) pairs per prompt" },
  batchSize: { type: "int", min: 1, max: 4096, default: 64, doc: "prompts per training step" },
  // The model settings' defaults are the from-scratch config (SessionConfig::from_scratch in
  // crate/src/config.rs); a shipped checkpoint brings its own.
  learningRate: { type: "float", min: 1e-6, max: 1, default: 2e-3, doc: "Adam learning rate" },
  warmupSteps: { type: "int", min: 0, max: 1_000_000, default: 100, doc: "linear learning-rate warm-up" },
  decaySteps: { type: "int", min: 0, max: 100_000_000, default: 2000, doc: "cosine decay of the learning rate to 10% over this many steps after warm-up; 0 keeps it constant" },
  steps: { type: "int", min: 1, max: 10_000_000, default: 1000, doc: "training steps before the run stops" },
  every: { type: "int", min: 1, max: 100_000, default: 25, doc: "steps between reports (and chart updates)" },
  plateauSteps: { type: "int", min: 1, max: 1_000_000, default: 600, doc: "steps of each model in the \"plateau or not\" view (paired vs interleaved tokens from scratch)" },
  seed: { type: "int", min: 0, max: SEED_MAX, default: 0, doc: "random seed: same seed, same run" },
  baselines: { type: "list", values: BASELINES, default: "least_squares,averaging,knn", doc: "comma-separated baselines drawn next to the model" },
  probe: {
    type: "enum",
    values: ["none", "skewed", "random_quadrants", "opposite_quadrants", "scaled", "noisy"],
    aliases: { orthant: "opposite_quadrants" },
    default: "none",
    doc: "shift the test prompts away from training (random_quadrants: the paper's, examples in one orthant; opposite_quadrants: the query in the opposite one)",
  },
  probeScale: { type: "float", min: 0.01, max: 100, default: 2, doc: "input scale of the scaled probe" },
  probeNoise: { type: "float", min: 0, max: 100, default: 1, doc: "output noise of the noisy probe" },
  evalPrompts: { type: "int", min: 16, max: 20_000, default: 1280, doc: "test prompts per evaluation" },
  prompt: { type: "int", min: 0, max: SEED_MAX, default: 0, doc: "which example prompt the prompt chart shows" },
} as const satisfies Table;

/** Transformer vs xLSTM (`compare.html`). */
export const COMPARE = {
  task: { type: "enum", values: TASKS, default: "linear", doc: "function class the prompts are drawn from" },
  dims: { type: "int", min: 1, max: 64, default: 5, doc: "input dimension d" },
  points: { type: "int", min: 1, max: 256, default: 11, doc: "(x, f(x)) pairs per prompt" },
  start: { type: "enum", values: ["checkpoint", "scratch"], default: "checkpoint", doc: "begin from the shipped models or from random weights" },
  ratio: { type: "enum", values: ["1:1", "1:0", "0:1", "3:1"], default: "1:1", doc: "xLSTM mLSTM:sLSTM block ratio" },
  device: { type: "enum", values: DEVICES, default: "auto", doc: "where training runs" },
  steps: { type: "int", min: 1, max: 10_000_000, default: 500, doc: "training steps before the run stops" },
  every: { type: "int", min: 1, max: 100_000, default: 25, doc: "steps between reports" },
  learningRate: { type: "float", min: 1e-6, max: 1, default: 1e-3, doc: "Adam learning rate" },
  seed: { type: "int", min: 0, max: SEED_MAX, default: 0, doc: "random seed" },
  evalPrompts: { type: "int", min: 16, max: 20_000, default: 512, doc: "test prompts per evaluation" },
} as const satisfies Table;

export const STRATEGIES: readonly ContinualStrategy[] = [
  "naive",
  "joint",
  "replay",
  "power_law_replay",
  "l2",
  "ewc",
  "lwf",
  "ncm",
  "protonet",
  "slda",
  "analytic",
];
export const STRATEGY_NAMES: Record<ContinualStrategy, string> = {
  naive: "Naive fine-tuning",
  joint: "Joint (upper bound)",
  replay: "Replay",
  power_law_replay: "Power-law rehearsal",
  l2: "L2 to previous weights",
  ewc: "EWC",
  lwf: "LwF (distillation)",
  ncm: "Nearest class mean",
  protonet: "Prototypical network",
  slda: "Streaming LDA",
  analytic: "Analytic head (RLS)",
};
export const SHAPES = ["blobs", "moons", "circles", "spirals", "xor"] as const;
export const SCENARIOS = ["class_incremental", "task_incremental", "permuted", "rotated", "blurry", "reoccurring"] as const;

/** Continual learning (`continual.html`). */
export const CONTINUAL = {
  dataset: { type: "enum", values: [...SHAPES, "digits"], default: "blobs", doc: "2-D toy data or 14×14 handwritten digits" },
  classes: { type: "int", min: 2, max: 10, default: 6, doc: "classes of 2-D data" },
  noise: { type: "float", min: 0, max: 3, default: 0.2, doc: "noise of 2-D data" },
  perClass: { type: "int", min: 10, max: 800, default: 200, doc: "examples per class" },
  scenario: { type: "enum", values: SCENARIOS, default: "class_incremental", doc: "how the stream is cut into tasks" },
  classesPerTask: { type: "int", min: 1, max: 10, default: 2, doc: "classes per task (class- and task-incremental, blurry)" },
  tasks: { type: "int", min: 1, max: 20, default: 4, doc: "tasks (permuted, rotated)" },
  maxDegrees: { type: "float", min: 0, max: 360, default: 90, doc: "largest rotation (rotated)" },
  blur: { type: "float", min: 0, max: 1, default: 0.1, doc: "share of each task moved to other tasks (blurry)" },
  segments: { type: "int", min: 1, max: 200, default: 8, doc: "segments of the stream (re-occurring)" },
  schedule: { type: "enum", values: ["power_law", "cycle"], default: "power_law", doc: "which task comes back when (re-occurring)" },
  revisitExponent: { type: "float", min: 0, max: 5, default: 1, doc: "power-law exponent of revisits (re-occurring)" },
  strategy: { type: "enum", values: STRATEGIES, default: "naive", doc: "left learner" },
  compare: { type: "enum", values: ["none", ...STRATEGIES], default: "replay", doc: "right learner (none = only one)" },
  bufferSize: { type: "int", min: 0, max: 10_000, default: 200, doc: "replay memory size" },
  bufferPolicy: { type: "enum", values: ["reservoir", "class_balanced"], default: "reservoir", doc: "which examples the memory keeps" },
  rehearsalExponent: { type: "float", min: 0, max: 5, default: 1, doc: "power-law rehearsal exponent (0 = uniform)" },
  l2Lambda: { type: "float", min: 0, max: 1e6, default: 0.01, doc: "L2 penalty strength λ" },
  ewcLambda: { type: "float", min: 0, max: 1e9, default: 1000, doc: "EWC penalty strength λ" },
  lwfAlpha: { type: "float", min: 0, max: 1000, default: 1, doc: "LwF distillation weight α" },
  temperature: { type: "float", min: 0.1, max: 100, default: 2, doc: "LwF temperature T" },
  features: { type: "int", min: 1, max: 4096, default: 256, doc: "random features of the analytic head" },
  ridge: { type: "float", min: 1e-8, max: 1e6, default: 0.01, doc: "ridge γ of the analytic head" },
  embedding: { type: "enum", values: ["raw", "frozen", "learned"], default: "raw", doc: "features under NCM / streaming LDA" },
  hidden: { type: "enum", values: ["16", "32,32", "64,64", "128,128", "256,256", "400"], default: "64,64", doc: "MLP hidden widths" },
  learningRate: { type: "float", min: 1e-5, max: 1, default: 5e-3, doc: "Adam learning rate" },
  batchSize: { type: "int", min: 1, max: 1024, default: 32, doc: "examples per step" },
  iterationsPerTask: { type: "int", min: 1, max: 100_000, default: 200, doc: "training steps per task" },
  evalEvery: { type: "int", min: 1, max: 1000, default: 1, doc: "steps between evaluations of every task (1 = continual evaluation)" },
  every: { type: "int", min: 1, max: 10_000, default: 10, doc: "steps between chart updates" },
  device: { type: "enum", values: DEVICES, default: "auto", doc: "where training runs" },
  seed: { type: "int", min: 0, max: SEED_MAX, default: 0, doc: "random seed" },
} as const satisfies Table;

/** The embeddable demos: `kind` of `<iclab-demo>`, their page and their settings. */
export const DEMOS = {
  icl: { page: "icl.html", title: "In-context regression", table: ICL },
  compare: { page: "compare.html", title: "Transformer vs xLSTM", table: COMPARE },
  continual: { page: "continual.html", title: "Continual learning", table: CONTINUAL },
} as const;
export type DemoKind = keyof typeof DEMOS;
