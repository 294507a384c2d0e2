/** The classification page's settings: each a URL parameter, bounds from the catalog. */
import { CATALOG } from "iclab";
import type { Table } from "../../shell/state.js";
import { DEVICES, core, field } from "../../shell/tables.js";

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
