/** The continual page's settings: each a URL parameter, bounds and defaults from the catalog. */
import { CATALOG, type FieldSpec } from "iclab";
import type { Table } from "../../shell/state.js";
import {
  DEVICES,
  SCENARIOS,
  SEED,
  SHAPES,
  STRATEGIES,
  STRATEGY_PARAMS,
  core,
  field,
} from "../../shell/tables.js";

const { continual } = CATALOG;
const c = continual.fields;
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
      // your own data: points drawn or a CSV loaded, kept in the page (not in the URL)
      continual.table.kind,
    ],
    default: "shape" in clDefaults.dataset ? clDefaults.dataset.shape : clDefaults.dataset.kind,
    doc: "2-D toy data, 14×14 handwritten digits, or your own (points drawn or a CSV file)",
  },
  // The page's default stream is 6 blobs (the core's default dataset); one perClass serves both
  // datasets, so it is bounded by the digits asset's (the smaller).
  classes: core(twoD!.fields.classes!, "classes of 2-D data", 6),
  noise: core(twoD!.fields.noise!, "noise of 2-D data"),
  perClass: core(digits!.fields.perClass!, "examples per class"),
  testShare: core(continual.table.fields.testShare!, "held-out share of each class (your data)"),
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
