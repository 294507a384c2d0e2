/** The in-context page's settings: each a URL parameter, bounds and defaults from the catalog. */
import { CATALOG } from "iclab";
import { presetShape } from "../../shell/checkpoints.js";
import type { Table } from "../../shell/state.js";
import {
  BASELINES,
  DEVICES,
  MODELS,
  SEED,
  TASK_PARAMS,
  TASKS,
  core,
  field,
} from "../../shell/tables.js";

const { icl } = CATALOG;
const s = icl.session;
const e = icl.evaluation;
/** The config that learns fastest from a blank model (SessionConfig::from_scratch in crate/src/icl/config.rs). */
const scratch = icl.fromScratch;
/** The shape of the preset the from-scratch config starts from (its overrides win). */
const scratchPreset = presetShape(scratch.model, scratch.preset);

/** In-context regression (`icl.html`). */
export const ICL = {
  start: {
    type: "enum",
    values: ["checkpoint", "scratch"],
    default: "checkpoint",
    doc: "begin from the shipped meta-trained model or from random weights",
  },
  task: {
    type: "enum",
    values: TASKS,
    default: icl.defaults.task.kind,
    doc: "function class the prompts are drawn from",
  },
  model: { type: "enum", values: MODELS, default: icl.defaults.model, doc: "backbone" },
  ...TASK_PARAMS,
  device: {
    type: "enum",
    values: DEVICES,
    default: "auto",
    doc: "where training runs; auto = WebGPU on a hardware GPU, else CPU",
  },
  preset: { type: "enum", values: icl.presets, default: "tiny", doc: "model size" },
  // the from-scratch default is narrower and deeper than the tiny preset (SessionConfig::from_scratch);
  // choosing a size fills these three with its shape
  layers: core(
    field(s, "layers"),
    "blocks of the model (a size sets it, with the width and the heads)",
    scratch.layers ?? scratchPreset?.layers,
  ),
  dModel: core(
    field(s, "dModel"),
    "width of the residual stream (a multiple of the heads)",
    scratch.dModel ?? scratchPreset?.dModel,
  ),
  heads: core(field(s, "heads"), "attention heads", scratch.heads ?? scratchPreset?.heads),
  activation: {
    type: "enum",
    values: icl.activations,
    default: scratch.activation,
    doc: "the transformer MLPs' nonlinearity: ReLU trains a step in about two thirds of the time of GELU on a CPU; the papers' models use GELU (tanh approximation)",
  },
  tokens: {
    type: "enum",
    values: icl.tokens,
    default: scratch.tokens,
    doc: "token layout of a model trained from scratch: paired [x_i; x_i−1; y_i−1] learns at once, interleaved [x₁, y₁, …] (the papers') sits on a loss plateau first",
  },
  dims: core(field(s, "dims"), "input dimension d"),
  points: core(field(s, "points"), "(x, f(x)) pairs per prompt"),
  batchSize: core(field(s, "batchSize"), "prompts per training step"),
  // The model settings start at the from-scratch config; a shipped checkpoint brings its own.
  learningRate: core(field(s, "learningRate"), "Adam learning rate", scratch.learningRate),
  warmupSteps: core(field(s, "warmupSteps"), "linear learning-rate warm-up", scratch.warmupSteps),
  decaySteps: core(
    field(s, "decaySteps"),
    "cosine decay of the learning rate to 10% over this many steps after warm-up; 0 keeps it constant",
    scratch.decaySteps,
  ),
  steps: {
    type: "int",
    min: 1,
    max: 10_000_000,
    default: 1000,
    doc: "training steps before the run stops",
  },
  every: core(CATALOG.limits.trainSteps, "steps between reports (and chart updates)", 25),
  plateauSteps: {
    type: "int",
    min: 1,
    max: 1_000_000,
    default: 600,
    doc: 'steps of each model in the "plateau or not" view (paired vs interleaved tokens from scratch)',
  },
  seed: core(SEED, "random seed: same seed, same run"),
  baselines: {
    type: "list",
    values: BASELINES,
    // the in-context page derives it from the function class (each class's own list); the default class's here
    default: (icl.tasks.find((t) => t.kind === icl.defaults.task.kind)?.baselines ?? []).join(","),
    doc: "comma-separated baselines drawn next to the model; by default the ones that matter for the function class",
  },
  probe: {
    type: "enum",
    values: icl.probes,
    // older names old links may hold, read as the core reads them
    aliases: icl.probeAliases,
    default: icl.evalDefaults.probe,
    doc: "shift the test prompts away from training (each probe's title says what it does; the paper's is marked)",
  },
  probeScale: core(field(e, "probeScale"), "input scale of the scaled probe"),
  probeNoise: core(field(e, "probeNoise"), "output noise of the noisy probe"),
  evalPrompts: core(field(e, "prompts"), "test prompts per evaluation"),
  prompt: core(SEED, "which example prompt the prompt chart shows"),
} as const satisfies Table;
