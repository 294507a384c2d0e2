/** The federated page's settings: each a URL parameter, bounds and defaults from the catalog. */
import { CATALOG } from "iclab";
import type { Table } from "../../shell/state.js";
import { DEVICES, SEED, SHAPES, core, field } from "../../shell/tables.js";

const { continual } = CATALOG;
const federated = continual.federated;
const [twoD, digits] = continual.datasets;
const runDefaults = federated.defaults.run;

/**
 * Learn apart, merge together (`federated.html`, docs/SCIENCE.md §3). The page starts on 8 blobs
 * shared by 4 clients: each learns 2 classes, and merging is instant, so the whole picture is on
 * screen a second after Train.
 */
export const FEDERATED = {
  learner: {
    type: "enum",
    values: federated.learners.map((l) => l.kind),
    default: federated.defaults.learner,
    doc: "what every client learns with: prototypes (nearest class mean), streaming LDA (prototypes and a shared covariance) or the analytic head; all three merge exactly",
  },
  dataset: {
    type: "enum",
    // the 2-D shapes, then every other dataset by its kind
    values: [
      ...SHAPES,
      ...continual.datasets.map((d) => d.kind).filter((k) => k !== runDefaults.dataset.kind),
    ],
    default: "shape" in runDefaults.dataset ? runDefaults.dataset.shape : runDefaults.dataset.kind,
    doc: "2-D toy data or 14×14 handwritten digits",
  },
  classes: core(twoD!.fields.classes!, "classes of 2-D data", 8),
  perClass: core(digits!.fields.perClass!, "training examples per class"),
  embedding: {
    type: "enum",
    values: federated.embeddings,
    default: runDefaults.embedding,
    doc: "the features every client reads: the inputs, or one frozen random network all clients draw alike (a learned embedding would be each client's own)",
  },
  clients: core(field(federated.fields, "clients"), "clients, each learning its own classes", 4),
  split: {
    type: "enum",
    values: federated.splits.map((s) => s.value),
    default: federated.defaults.split,
    doc: "how the classes are dealt: each to one client, or each client also learning one of the next client's",
  },
  rounds: core(
    field(federated.fields, "rounds"),
    "FedAvg's rounds of local training and weight averaging (0: no FedAvg)",
  ),
  localSteps: core(
    field(continual.fields, "iterationsPerTask"),
    "FedAvg: Adam steps each client trains the network on its own classes per round",
  ),
  client: core(CATALOG.limits.federatedClient, "which client this page is in a classroom", 0),
  seed: core(SEED, "random seed (the frozen embedding, FedAvg's network)"),
  device: { type: "enum", values: DEVICES, default: "auto", doc: "where FedAvg trains" },
} as const satisfies Table;
