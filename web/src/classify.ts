// In-context classification experiments (docs/SCIENCE.md §4).
import type { WorkerClient } from "./client.js";
import { within } from "./errors.js";
import { Handle } from "./handle.js";
import { cancellable, plain } from "./input.js";
import { CATALOG, client, LIMITS } from "./shared.js";
import type {
  ClassifyConfig,
  ClassifyEvaluation,
  ClassifyOptions,
  ClassifyReport,
  Cancellable,
  DeviceInfo,
} from "./types.js";

/**
 * An in-context classification experiment (docs/SCIENCE.md §4, Reddy 2023): bursty sequences of
 * (item, label) pairs, Reddy's attention-only classifier, and its in-context and in-weights
 * accuracy on the two evaluations. Start one with {@link startClassify}.
 */
export class ClassifyRun extends Handle {
  readonly id: number;
  /** The resolved config: every default filled in. */
  readonly config: ClassifyConfig;
  /** Where it trains. */
  readonly deviceInfo: DeviceInfo;
  /** Trainable numbers of the model. */
  readonly numParams: number;

  /** @internal use {@link startClassify} */
  constructor(
    created: { id: number; config: ClassifyConfig; deviceInfo: DeviceInfo; numParams: number },
    workerClient: WorkerClient,
  ) {
    super(workerClient, "classification run", "start a new one");
    this.id = created.id;
    this.config = created.config;
    this.deviceInfo = created.deviceInfo;
    this.numParams = created.numParams;
  }

  protected disposeCall() {
    return { op: "classifyDispose", run: this.id } as const;
  }

  /** Trains `steps` SGD steps (1 to `CATALOG.limits.trainSteps.max`); resolves to the mean loss. */
  async train(steps: number, options: Cancellable = {}): Promise<ClassifyReport> {
    this.check();
    const n = within("steps", steps, LIMITS.trainSteps);
    const { signal } = cancellable("options", options);
    return this.client.call({ op: "classifyTrain", run: this.id, steps: n }, { signal });
  }

  /** In-context and in-weights accuracy on `prompts` sequences each, with the attention at the query. */
  async evaluate(prompts = 512, options: Cancellable = {}): Promise<ClassifyEvaluation> {
    this.check();
    const n = within("prompts", prompts, CATALOG.classify.prompts);
    const { signal } = cancellable("options", options);
    return this.client.call({ op: "classifyEvaluate", run: this.id, prompts: n }, { signal });
  }
}

/** Validates `config` (in Rust) and builds the task's world and the classifier. */
export async function startClassify(config: ClassifyOptions = {}): Promise<ClassifyRun> {
  const c = client();
  const created = await c.call({ op: "classifyCreate", config: plain("config", config) });
  return new ClassifyRun(created, c);
}
