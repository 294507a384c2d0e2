/**
 * Every demo's settings, declared once: the URL parser and serializer (`state.ts`), the embed
 * element (`embed.ts`), the share dialog and the parameter reference on the teachers page all
 * read these tables, so a setting cannot exist in one place and be missing in another.
 *
 * Each entry is a URL parameter. `doc` is what the parameter reference says about it.
 */
import {
  CATALOG,
  type ContinualStrategy,
  type Field,
  type FieldSpec,
  type StrategySetting,
  type TaskConfig,
} from "iclab";
import type { Prop, Table } from "./state.js";

const { icl, continual } = CATALOG;

/** The catalog's bounds of `name` in `table`; the catalog is generated from the core, so a miss is a build error. */
function field(table: Readonly<Record<string, Field>>, name: string): Field {
  const spec = table[name];
  if (!spec) throw new Error(`the catalog has no field ${name}`);
  return spec;
}

/**
 * A setting the core owns: its bounds come from the catalog (so a page cannot accept what the
 * core rejects, or the reverse), its default too unless the page starts elsewhere (`start`).
 */
function core(
  spec: Field & { default?: FieldSpec["default"] },
  doc: string,
  start?: number,
): Prop & { default: number } {
  const bounds = {
    min: spec.min,
    max: spec.max ?? Number.MAX_SAFE_INTEGER,
    ...(spec.minExclusive ? { minExclusive: true } : {}),
  };
  const fallback = typeof spec.default === "number" ? spec.default : spec.min;
  return { type: spec.integer ? "int" : "float", ...bounds, default: start ?? fallback, doc };
}

export const TASKS = icl.tasks.map((t) => t.kind);
/** Each function class's parameters, flat in the URL (`sparsity`, `noiseStd`, …): one entry per parameter. */
const TASK_PARAMS: Table = Object.fromEntries(
  icl.tasks.flatMap((t) =>
    Object.entries(t.fields).map(([name, spec]) => [
      name,
      core(spec, `${spec.label || name} (${t.title})`),
    ]),
  ),
);
/** The URL names of every class's parameters. */
export const TASK_PARAM_NAMES: readonly string[] = Object.keys(TASK_PARAMS);

/**
 * The config of class `kind` with its parameters read from a page's flat state (`sparsity`, …),
 * each kept within the field that bounds it (`sparsity` ≤ `dims`); a parameter the state lacks
 * takes the core's default.
 */
export function taskConfig(
  kind: string,
  state: Readonly<Record<string, string | number>>,
): TaskConfig {
  const task: Record<string, unknown> = { kind };
  for (const [name, spec] of Object.entries(icl.tasks.find((t) => t.kind === kind)?.fields ?? {})) {
    const value = state[name];
    if (typeof value !== "number") continue;
    const cap = spec.maxOf === null ? undefined : state[spec.maxOf];
    task[name] = typeof cap === "number" ? Math.min(value, cap) : value;
  }
  return task as TaskConfig;
}

/**
 * Baselines a visitor can switch on; the zero estimator is always drawn (the core computes it),
 * and dMMSE needs a model trained on a task pool, which these pages do not train.
 */
export const BASELINES = icl.baselines.filter(
  (b) => !icl.baselineRoles.always.includes(b) && !icl.baselineRoles.needsPool.includes(b),
);
const DEVICES = icl.devices;
const MODELS = icl.models.map((m) => m.kind);
const SEED = field(icl.session, "seed");
const s = icl.session;
const e = icl.evaluation;
/** The config that learns fastest from a blank model (SessionConfig::from_scratch in crate/src/icl/config.rs). */
const scratch = icl.fromScratch;

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

/** Transformer vs xLSTM (`compare.html`). */
export const COMPARE = {
  task: {
    type: "enum",
    values: TASKS,
    default: icl.defaults.task.kind,
    doc: "function class the prompts are drawn from",
  },
  dims: core(field(s, "dims"), "input dimension d"),
  points: core(field(s, "points"), "(x, f(x)) pairs per prompt"),
  start: {
    type: "enum",
    values: ["checkpoint", "scratch"],
    default: "checkpoint",
    doc: "begin from the shipped models or from random weights",
  },
  ratio: {
    type: "enum",
    values: ["1:1", "1:0", "0:1", "3:1"],
    default: "1:1",
    doc: "xLSTM mLSTM:sLSTM block ratio",
  },
  device: { type: "enum", values: DEVICES, default: "auto", doc: "where training runs" },
  steps: {
    type: "int",
    min: 1,
    max: 10_000_000,
    default: 500,
    doc: "training steps before the run stops",
  },
  every: core(CATALOG.limits.trainSteps, "steps between reports", 25),
  learningRate: core(field(s, "learningRate"), "Adam learning rate"),
  seed: core(SEED, "random seed"),
  evalPrompts: core(field(e, "prompts"), "test prompts per evaluation", 512),
} as const satisfies Table;

/**
 * The pool sizes M of the shipped task-diversity sweep (`www/public/diversity/`, one checkpoint
 * per M; "inf" = a fresh task per prompt). An end-to-end test checks the sweep ships exactly these.
 */
export const POOLS = ["1", "2", "4", "8", "16", "32", "64", "128", "256", "1024", "inf"] as const;

/** Task diversity (`diversity.html`). */
export const DIVERSITY = {
  m: {
    type: "enum",
    values: POOLS,
    default: "8",
    doc: "training tasks M of the shipped model the slider shows (inf = a fresh task per prompt)",
  },
  steps: {
    type: "int",
    min: 1,
    max: 10_000_000,
    default: 2000,
    doc: 'steps of "train this M from scratch" (the learning rate decays over them)',
  },
  every: core(CATALOG.limits.trainSteps, "steps between reports", 50),
  evalEvery: {
    type: "int",
    min: 1,
    max: 10_000_000,
    default: 500,
    doc: "steps between evaluations while training from scratch",
  },
  seed: core(
    SEED,
    "random seed of a model trained here (and of the test prompts); the pool of M tasks is fixed by it",
  ),
  device: { type: "enum", values: DEVICES, default: "auto", doc: "where the model runs" },
  evalPrompts: core(field(e, "prompts"), "test prompts per evaluation", 512),
} as const satisfies Table;

const k = CATALOG.classify;

/**
 * In-context classification (`classify.html`, docs/SCIENCE.md §4). The page starts at a setting
 * whose plateau ends within a few minutes in a browser (K = 1,024 classes, B = 2: in-context
 * learning emerges after ~2,000–4,000 steps); the core's own defaults are Reddy's where they
 * differ from browser scale.
 */
export const CLASSIFY = {
  classes: core(field(k.task, "classes"), "classes K in the training distribution", 1024),
  burstiness: core(
    field(k.task, "burstiness"),
    "burstiness B: how many times each class of a bursty context appears",
    2,
  ),
  noise: core(field(k.task, "noise"), "within-class noise ε"),
  zipf: core(field(k.task, "zipf"), "Zipf exponent α of the class frequencies (0 = uniform)"),
  pairs: core(field(k.task, "pairs"), "context pairs N (item, label) before the query"),
  labels: core(field(k.task, "labels"), "labels L (the answer is one of them)"),
  dims: core(field(k.task, "dims"), "item dimension D"),
  burstyProb: core(
    field(k.task, "burstyProb"),
    "share of training sequences that are bursty (the query's class in the context)",
  ),
  novelProb: core(field(k.task, "novelProb"), "share of training sequences with fresh class means"),
  backbone: {
    type: "enum",
    values: k.backbones,
    default: k.defaults.backbone,
    doc: "the classifier: Reddy's two-layer attention-only network, or a transformer or an xLSTM (no attention) with a read-out over the labels",
  },
  layers: core(field(k.fields, "layers"), "attention layers (the transformer's or xLSTM's blocks)"),
  hidden: core(field(k.fields, "hidden"), "width of the attention-only network's MLP on the query"),
  dModel: core(field(k.fields, "dModel"), "residual width of the transformer and the xLSTM"),
  heads: core(
    field(k.fields, "heads"),
    "heads per layer of the transformer and the xLSTM (divides dModel)",
  ),
  learningRate: core(field(k.fields, "learningRate"), "SGD learning rate"),
  weightDecay: core(
    field(k.fields, "weightDecay"),
    "L2 weight decay (Singh et al.: changes whether in-context learning lasts)",
  ),
  batchSize: core(field(k.fields, "batchSize"), "sequences per step"),
  steps: {
    type: "int",
    min: 1,
    max: 10_000_000,
    default: 4000,
    doc: "training steps before the run stops",
  },
  every: core(CATALOG.limits.trainSteps, "steps between loss reports", 50),
  evalEvery: {
    type: "int",
    min: 1,
    max: 10_000_000,
    default: 250,
    doc: "steps between evaluations (accuracies and attention)",
  },
  evalPrompts: core(k.prompts, "sequences per evaluation split", 256),
  seed: core(field(k.fields, "seed"), "random seed: the classes, labels, initialization and data"),
  device: { type: "enum", values: DEVICES, default: "auto", doc: "where training runs" },
} as const satisfies Table;

export const STRATEGIES: readonly ContinualStrategy[] = continual.strategies.map((x) => x.kind);
export const STRATEGY_NAMES = Object.fromEntries(
  continual.strategies.map((x) => [x.kind, x.title]),
) as Record<ContinualStrategy, string>;
export const SHAPES = continual.shapes;
export const SCENARIOS = continual.scenarios.map((x) => x.kind);
const c = continual.fields;

/** A strategy setting as a page holds it: one per URL name, with the strategies that read it. */
export type StrategySettingOf = StrategySetting & { uses: ContinualStrategy[] };
/**
 * Every strategy's settings from the catalog, one per page name (`ewcLambda`, `bufferSize`),
 * in the catalog's order: the continual page builds a control for each and shows it only while
 * a strategy in `uses` is on screen.
 */
export const STRATEGY_SETTINGS: readonly StrategySettingOf[] = (() => {
  const byName = new Map<string, StrategySettingOf>();
  for (const strategy of continual.strategies)
    for (const setting of strategy.settings) {
      const seen = byName.get(setting.name);
      if (seen) seen.uses.push(strategy.kind);
      else byName.set(setting.name, { ...setting, uses: [strategy.kind] });
    }
  return [...byName.values()];
})();
/** The settings as URL parameters. */
const STRATEGY_PARAMS: Table = Object.fromEntries(
  STRATEGY_SETTINGS.map((s) => {
    const doc = `${s.label} (${s.uses.map((k) => STRATEGY_NAMES[k]).join(", ")})`;
    const prop: Prop = s.field
      ? core({ ...s.field, default: s.default as number }, doc)
      : {
          type: "enum",
          values: (s.choices ?? []).map((choice) => choice.value),
          default: String(s.default),
          doc,
        };
    return [s.name, prop];
  }),
);
const [twoD, digits] = continual.datasets;
/** The core's defaults of a continual run. */
const clDefaults = continual.defaults;
/** A stream setting: its bounds and default from the first scenario that has it. */
const scenario = (field: string): FieldSpec =>
  continual.scenarios.find((x) => field in x.fields)!.fields[field]!;
/** A stream menu's default, from the first scenario that has it. */
const scenarioChoice = (key: string): string =>
  String(continual.scenarios.find((x) => key in x.defaults)!.defaults[key]);

/** Continual learning (`continual.html`). */
export const CONTINUAL = {
  dataset: {
    type: "enum",
    // the default dataset's shapes, then every other dataset by its kind
    values: [
      ...SHAPES,
      ...continual.datasets.map((d) => d.kind).filter((k) => k !== clDefaults.dataset.kind),
    ],
    default: "shape" in clDefaults.dataset ? clDefaults.dataset.shape : clDefaults.dataset.kind,
    doc: "2-D toy data or 14×14 handwritten digits",
  },
  // The page's default stream is 6 blobs (the core's default dataset); one perClass serves both
  // datasets, so it is bounded by the digits asset's (the smaller).
  classes: core(twoD!.fields.classes!, "classes of 2-D data", 6),
  noise: core(twoD!.fields.noise!, "noise of 2-D data"),
  perClass: core(digits!.fields.perClass!, "examples per class"),
  scenario: {
    type: "enum",
    values: SCENARIOS,
    default: clDefaults.scenario.kind,
    doc: "how the stream is cut into tasks",
  },
  classesPerTask: core(
    scenario("classesPerTask"),
    "classes per task (class- and task-incremental, blurry)",
  ),
  tasks: core(scenario("tasks"), "tasks (permuted, rotated)"),
  maxDegrees: core(scenario("maxDegrees"), "largest rotation (rotated)"),
  blur: core(scenario("blur"), "share of each task moved to other tasks (blurry)"),
  segments: core(scenario("segments"), "segments of the stream (re-occurring)"),
  schedule: {
    type: "enum",
    values: continual.schedules,
    default: scenarioChoice("schedule"),
    doc: "which task comes back when (re-occurring)",
  },
  revisitExponent: core(scenario("exponent"), "power-law exponent of revisits (re-occurring)"),
  strategy: { type: "enum", values: STRATEGIES, default: clDefaults.strategy, doc: "left learner" },
  compare: {
    type: "enum",
    values: ["none", ...STRATEGIES],
    default: continual.compare as string,
    doc: "right learner (none = only one)",
  },
  ...STRATEGY_PARAMS,
  hidden: {
    type: "enum",
    values: ["16", "32,32", "64,64", "128,128", "256,256", "400"],
    default: "64,64",
    doc: "MLP hidden widths",
  },
  learningRate: core(field(c, "learningRate"), "Adam learning rate"),
  batchSize: core(field(c, "batchSize"), "examples per step"),
  iterationsPerTask: core(field(c, "iterationsPerTask"), "training steps per task"),
  // The page evaluates at every step (continual evaluation); the core's default is every 5.
  evalEvery: core(
    field(c, "evalEvery"),
    "steps between evaluations of every task (1 = continual evaluation)",
    1,
  ),
  every: core(CATALOG.limits.advanceSteps, "steps between chart updates", 10),
  device: { type: "enum", values: DEVICES, default: "auto", doc: "where training runs" },
  seed: core(SEED, "random seed"),
} as const satisfies Table;

/** The embeddable demos: `kind` of `<iclab-demo>`, their page and their settings. */
export const DEMOS = {
  icl: { page: "icl.html", title: "In-context regression", table: ICL },
  compare: { page: "compare.html", title: "Transformer vs xLSTM", table: COMPARE },
  diversity: { page: "diversity.html", title: "Task diversity", table: DIVERSITY },
  classify: { page: "classify.html", title: "In-context or in-weights", table: CLASSIFY },
  continual: { page: "continual.html", title: "Continual learning", table: CONTINUAL },
} as const;
export type DemoKind = keyof typeof DEMOS;
