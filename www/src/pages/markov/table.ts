/** The Markov page's settings: each a URL parameter, bounds and defaults from the catalog. */
import { CATALOG } from "iclab";
import type { Table } from "../../shell/state.js";
import { DEVICES, SEED, core, field } from "../../shell/tables.js";

const { markov } = CATALOG;
const start = markov.defaults;

/** In-context Markov chains (`markov.html`, docs/SCIENCE.md §7). */
export const MARKOV = {
  states: core(field(markov.task, "states"), "states k of every chain", start.task.states),
  alpha: core(field(markov.task, "alpha"), "Dirichlet α of each transition row", start.task.alpha),
  length: core(field(markov.task, "length"), "states per sequence T", start.task.length),
  order: core(
    field(markov.task, "order"),
    "2: each state depends on the last; 3: on the last two",
    start.task.order,
  ),
  network: {
    type: "enum",
    values: markov.backbones.map((b) => b.value),
    default: start.backbone,
    doc: "the network: the paper's attention-only transformer, iclab's GPT-2 style transformer, or an xLSTM (a state of fixed size, no attention)",
  },
  width: core(
    field(markov.fields, "width"),
    "residual width (a multiple of order − 1)",
    start.width,
  ),
  layers: core(field(markov.fields, "layers"), "layers (the xLSTM's blocks)", start.layers),
  learningRate: core(
    field(markov.fields, "learningRate"),
    "Adam learning rate",
    start.learningRate,
  ),
  batchSize: core(field(markov.fields, "batchSize"), "sequences per step", start.batchSize),
  steps: core(CATALOG.limits.streamSteps, "training steps", 1000),
  every: core(CATALOG.limits.trainSteps, "steps between evaluations", 25),
  device: { type: "enum", values: DEVICES, default: "cpu", doc: "where training runs" },
  seed: core(SEED, "random seed", start.seed),
} as const satisfies Table;
