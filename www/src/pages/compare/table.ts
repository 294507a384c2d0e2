/** The compare page's settings: each a URL parameter, bounds and defaults from the catalog. */
import { CATALOG } from "iclab";
import type { Table } from "../../shell/state.js";
import { DEVICES, SEED, TASKS, core, field } from "../../shell/tables.js";

const { icl } = CATALOG;
const s = icl.session;
const e = icl.evaluation;

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
