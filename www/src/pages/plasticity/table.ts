/** The plasticity page's settings: each a URL parameter, bounds and defaults from the catalog. */
import { CATALOG } from "iclab";
import type { Table } from "../../shell/state.js";
import {
  DEVICES,
  SEED,
  STRATEGY_PARAMS,
  STRATEGY_SETTINGS,
  core,
  field,
} from "../../shell/tables.js";

const { continual } = CATALOG;
const plasticity = continual.plasticity;
const start = plasticity.defaults;
const c = continual.fields;
const tasksField = continual.scenarios.find((s) => "tasks" in s.fields)!.fields.tasks!;
/** The learners that lose or keep plasticity, by their config names. */
const LEARNERS: readonly string[] = plasticity.strategies;
/** Only the settings these learners read. */
const PARAMS = Object.fromEntries(
  STRATEGY_SETTINGS.filter((s) => s.uses.some((k) => LEARNERS.includes(k))).map((s) => [
    s.name,
    STRATEGY_PARAMS[s.name]!,
  ]),
);
const startTasks = "tasks" in start.scenario ? Number(start.scenario.tasks) : 100;

/**
 * Learners that stop learning (`plasticity.html`, docs/SCIENCE.md §3): the catalog's
 * browser-scale stream (100 permuted-digit tasks, a 32-32 MLP, Adam at 0.01), plain backprop
 * against a cure.
 */
export const PLASTICITY = {
  strategy: {
    type: "enum",
    values: LEARNERS,
    default: LEARNERS[0]!,
    doc: "left learner: plain backprop or a cure",
  },
  compare: {
    type: "enum",
    values: LEARNERS,
    default: LEARNERS[2] ?? LEARNERS[0]!,
    doc: "right learner",
  },
  ...PARAMS,
  tasks: core(tasksField, "permuted-digit tasks in the stream", startTasks),
  hidden: {
    type: "enum",
    values: ["16,16", "32,32", "64,64", "128,128"],
    default: start.hidden.join(","),
    doc: "MLP hidden widths",
  },
  learningRate: core(field(c, "learningRate"), "Adam learning rate", start.learningRate),
  iterationsPerTask: core(
    field(c, "iterationsPerTask"),
    "training steps per task",
    start.iterationsPerTask,
  ),
  every: core(CATALOG.limits.advanceSteps, "steps between chart updates", 500),
  device: { type: "enum", values: DEVICES, default: "cpu", doc: "where training runs" },
  seed: core(SEED, "random seed"),
} as const satisfies Table;
