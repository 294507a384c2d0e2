// In-context classification experiments (docs/SCIENCE.md §4).
import type { WorkerClient } from "./client.js";
import { IclabError, within } from "./errors.js";
import { Handle, checkSchedule } from "./handle.js";
import { cancellable, plain, reading } from "./input.js";
import { CATALOG, client } from "./shared.js";

/** Sequences per split of an evaluation that does not say. */
const DEFAULT_PROMPTS = 512;
import type {
  ClassifyConfig,
  ClassifyEvaluation,
  ClassifyOptions,
  ClassifyReport,
  ClassifyTrainOptions,
  Cancellable,
  DeviceInfo,
  Trained,
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
  /** Steps behind the model when it was created (non-zero for one loaded from a file). */
  readonly initialStep: number;

  /** @internal use {@link startClassify} */
  constructor(
    created: {
      id: number;
      config: ClassifyConfig;
      deviceInfo: DeviceInfo;
      numParams: number;
      step?: number;
    },
    workerClient: WorkerClient,
  ) {
    super(workerClient, "classification run", "start a new one");
    this.id = created.id;
    this.config = created.config;
    this.deviceInfo = created.deviceInfo;
    this.numParams = created.numParams;
    this.initialStep = created.step ?? 0;
  }

  /**
   * The classifier with its config, step and evaluation history, as the bytes of a classifier
   * file (safetensors; {@link loadClassify} and `iclab classify eval --checkpoint` read it).
   */
  async save(): Promise<Uint8Array> {
    this.check();
    return this.client.call({ op: "classifySave", run: this.id });
  }

  protected disposeCall() {
    return { op: "classifyDispose", run: this.id } as const;
  }

  /**
   * Trains `steps` more SGD steps, yielding `{ report, evaluation? }` every `every` steps, with
   * an evaluation (on `evaluate.prompts` sequences per split) on the reports the core's cadence
   * picks: each time the step reaches or passes a multiple of `evalEvery`, and at the last step
   * (neither given: no evaluations). Stop pulling to pause; call again to resume.
   */
  async *train(
    options: ClassifyTrainOptions,
  ): AsyncGenerator<Trained<ClassifyReport, ClassifyEvaluation>, void, undefined> {
    const schedule = checkSchedule(options, ["evaluate"]);
    const { every, evalEvery, signal, rest } = schedule;
    // evaluations only when asked for: `evaluate`'s prompts, or the default on `evalEvery`
    const asked =
      rest.evaluate !== undefined
        ? (plain("evaluate", rest.evaluate) as Record<string, unknown>)
        : evalEvery !== null
          ? {}
          : undefined;
    const unknown = Object.keys(asked ?? {}).find((k) => k !== "prompts");
    if (unknown !== undefined) {
      const field = `evaluate.${unknown.slice(0, 40)}`;
      throw new IclabError({
        code: "invalid_config",
        field,
        message: `invalid config \`${field}\`: evaluate takes prompts`,
      });
    }
    const prompts =
      asked === undefined
        ? undefined
        : within("evaluate.prompts", asked.prompts ?? DEFAULT_PROMPTS, CATALOG.classify.prompts);
    // the steps this stream still trains: each call trains `every` of them (fewer at the end)
    let left = schedule.steps ?? 1;
    while (left > 0) {
      this.check();
      const step = await this.client.call(
        { op: "classifyTrain", run: this.id, every, left, evalEvery: evalEvery ?? 0, prompts },
        { signal },
      );
      left -= Math.min(every, left);
      yield step;
    }
  }

  /** In-context and in-weights accuracy on `prompts` sequences each, with the attention at the query. */
  async evaluate(
    prompts = DEFAULT_PROMPTS,
    options: Cancellable = {},
  ): Promise<ClassifyEvaluation> {
    this.check();
    const n = within("prompts", prompts, CATALOG.classify.prompts);
    const { signal } = cancellable("options", options);
    return this.client.call({ op: "classifyEvaluate", run: this.id, prompts: n }, { signal });
  }
}

/**
 * An experiment from a classifier file ({@link ClassifyRun.save}, `iclab classify train
 * --out`): the task's world rebuilt from its config, the weights, step and history put back; it
 * trains on from there. `device` defaults to the one it was trained on. A damaged or foreign
 * file rejects with `invalid_checkpoint`.
 */
export async function loadClassify(
  bytes: Uint8Array | ArrayBuffer,
  device?: "auto" | "webgpu" | "cpu",
): Promise<ClassifyRun> {
  const isBytes = reading(
    "classifier",
    () => bytes instanceof Uint8Array || bytes instanceof ArrayBuffer,
    "invalid_checkpoint",
  );
  if (!isBytes) {
    throw new IclabError({
      code: "invalid_checkpoint",
      field: "classifier",
      message: "expected the file's bytes as a Uint8Array or ArrayBuffer",
    });
  }
  const data = reading(
    "classifier",
    () => (bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)),
    "invalid_checkpoint",
  );
  const c = client();
  const loaded = await c.call(
    { op: "classifyLoad", bytes: data, ...(device === undefined ? {} : { device }) },
    { blame: { code: "invalid_checkpoint", field: "classifier" } },
  );
  return new ClassifyRun(loaded, c);
}

/** Validates `config` (in Rust) and builds the task's world and the classifier. */
export async function startClassify(config: ClassifyOptions = {}): Promise<ClassifyRun> {
  const c = client();
  const created = await c.call({ op: "classifyCreate", config: plain("config", config) });
  return new ClassifyRun(created, c);
}
