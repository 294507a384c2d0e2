/** The task-diversity page's settings: each a URL parameter. */
import { CATALOG } from "iclab";
import type { Table } from "../../shell/state.js";
import { DEVICES, SEED, core, field } from "../../shell/tables.js";

const e = CATALOG.icl.evaluation;

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
