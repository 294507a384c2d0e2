// The in-context learner's sessions: create, load, train, evaluate, analyse, save, recover.
import type { WorkerClient } from "./client.js";
import { IclabError, describe } from "./errors.js";
import { Handle, checkSchedule } from "./handle.js";
import { cancellable, plain, reading } from "./input.js";
import type { RequestBody, Result } from "./protocol.js";
import { CATALOG, asideClient, client } from "./shared.js";
import type {
  Answer,
  AnswerOptions,
  Cancellable,
  InferenceCost,
  DeviceChoice,
  DeviceInfo,
  ErrorCurve,
  EvaluateOptions,
  Evaluation,
  Layers,
  LayersOptions,
  Reading,
  Report,
  SessionConfig,
  SessionInfo,
  TrainOptions,
  Trained,
} from "./types.js";

const DEFAULT_POINTS = Number(CATALOG.icl.session.points?.default);

/** Default seconds of training between snapshots of a WebGPU session (see {@link Session.recover}). */
export const SNAPSHOT_SECONDS = 30;

/** A training session living in the worker. */
export class Session extends Handle {
  readonly config: SessionInfo["config"];
  readonly numParams: number;
  /** Steps behind the model when the session was created (non-zero for a checkpoint). */
  readonly initialStep: number;
  private idInWorker: number;
  private device: DeviceInfo;
  private snapshot: { bytes: Uint8Array; step: number; at: number } | null = null;
  /** The step of the model as of the last report. */
  private stepNow: number;
  /** Whether a call answered `device_lost`: what {@link recover} is for. */
  private deviceLost = false;

  /** @internal use {@link createSession} */
  constructor(info: SessionInfo, workerClient: WorkerClient) {
    super(workerClient, "session", "recover() continues from its last snapshot");
    this.idInWorker = info.id;
    this.config = info.config;
    this.device = info.deviceInfo;
    this.numParams = info.numParams;
    this.initialStep = info.step;
    this.stepNow = info.step;
  }

  protected disposeCall() {
    return { op: "sessionDispose", session: this.id } as const;
  }

  /** The session's id in the worker (it changes when {@link recover} moves it). */
  get id(): number {
    return this.idInWorker;
  }

  /** Where the session trains, and why (changes to the CPU after {@link recover}). */
  get deviceInfo(): DeviceInfo {
    return this.device;
  }

  /** The step of the newest snapshot {@link recover} would continue from, or `null` if none. */
  get snapshotStep(): number | null {
    return this.snapshot?.step ?? null;
  }

  /** Sends a call of this session's; remembers a lost device for {@link recover}. */
  private async send<B extends RequestBody>(
    body: B,
    signal?: AbortSignal,
  ): Promise<Result<B["op"]>> {
    try {
      return await this.client.call(body, { signal });
    } catch (error) {
      if (error instanceof IclabError && error.code === "device_lost") this.deviceLost = true;
      throw error;
    }
  }

  /**
   * Trains `steps` more steps, yielding `{ report, evaluation? }` every `every` steps, with an
   * evaluation (on `evaluate`'s options) on the reports the core's cadence picks: each time the
   * model's step reaches or passes a multiple of `evalEvery`, and at the last step (neither
   * given: no evaluations). Stop pulling (break out of the `for await`) to pause; call again to
   * resume where it stopped.
   *
   * On WebGPU the session keeps a snapshot of its weights in this thread, taken after the first
   * report and then every `snapshotSeconds` (default 30; 0 turns it off), one read-back each.
   * If the GPU is lost, `train()` rejects with code `device_lost`; {@link recover} continues on
   * the CPU from the snapshot.
   */
  async *train(
    options: TrainOptions,
  ): AsyncGenerator<Trained<Report, Evaluation>, void, undefined> {
    const schedule = checkSchedule(options, ["evaluate", "snapshotSeconds"]);
    const { every, evalEvery, signal, rest } = schedule;
    const seconds = rest.snapshotSeconds ?? SNAPSHOT_SECONDS;
    if (typeof seconds !== "number" || !(seconds >= 0) || seconds === Infinity) {
      throw new IclabError({
        code: "invalid_config",
        field: "snapshotSeconds",
        message: `invalid config \`snapshotSeconds\`: must be a number of seconds ≥ 0, got ${describe(seconds)}`,
      });
    }
    // evaluations only when asked for: `evaluate`'s options, or the defaults on `evalEvery`
    const evaluate =
      rest.evaluate !== undefined
        ? plain("evaluate", rest.evaluate)
        : evalEvery !== null
          ? {}
          : undefined;
    // the steps this stream still trains: each call trains `every` of them (fewer at the end)
    let left = schedule.steps ?? 1;
    while (left > 0) {
      this.check();
      const step = await this.send(
        { op: "sessionTrain", session: this.id, every, left, evalEvery: evalEvery ?? 0, evaluate },
        signal,
      );
      left -= Math.min(every, left);
      this.stepNow = step.report.step;
      const now = performance.now();
      if (
        this.device.kind === "webgpu" &&
        seconds > 0 &&
        (this.snapshot === null || now - this.snapshot.at >= seconds * 1000)
      ) {
        this.snapshot = { bytes: await this.save(), step: this.stepNow, at: now };
      }
      yield step;
    }
  }

  /**
   * Moves the session to `device` (default the CPU) after its GPU was lost (`device_lost`) or
   * its worker crashed, from the newest snapshot (or from scratch, with the same config, if the
   * loss came before the first report). Resolves to the step training continues from. A session
   * that lost nothing (its worker and its device are alive) is left as it is.
   */
  async recover(device: DeviceChoice = "cpu"): Promise<number> {
    this.checkDisposed();
    // nothing was lost: the session goes on as it is (recovering would reset it). A session on
    // a GPU that another session found lost has lost its weights too.
    if (!this.deviceLost && this.generation === this.client.generation) {
      const gpuGone = this.device.kind === "webgpu" && (await this.client.call({ op: "gpuLost" }));
      if (!gpuGone) return this.stepNow;
    }
    const info = this.snapshot
      ? await this.client.call({ op: "sessionLoad", bytes: this.snapshot.bytes, device })
      : await this.client.call({ op: "sessionCreate", config: { ...this.config, device } });
    if (this.generation === this.client.generation) {
      // The old session's memory (its weights on the lost device) is freed on the way.
      await this.client.call({ op: "sessionDispose", session: this.idInWorker }).catch(() => false);
    }
    this.idInWorker = info.id;
    this.device = info.deviceInfo;
    this.generation = this.client.generation;
    this.deviceLost = false;
    this.stepNow = info.step;
    return info.step;
  }

  /**
   * Error vs number of in-context examples of the model and the chosen baselines on the same
   * fresh prompts (default 1,280, in distribution, least squares only).
   */
  async evaluate(options: EvaluateOptions & Cancellable = {}): Promise<Evaluation> {
    this.check();
    const { rest, signal } = cancellable("options", options);
    return this.send({ op: "sessionEvaluate", session: this.id, options: rest }, signal);
  }

  /**
   * {@link evaluate} on a copy of the model as it is now, in a second worker on the CPU: the
   * session can train meanwhile, so on the browser's CPU path training and its evaluations run
   * on two cores instead of taking turns on one. The result's `step` is the copy's. Costs one
   * read-back of the weights (`save()`) and a load of them in the second worker.
   */
  async evaluateAside(options: EvaluateOptions & Cancellable = {}): Promise<Evaluation> {
    this.check();
    const { rest, signal } = cancellable("options", options);
    const bytes = await this.save();
    const aside = asideClient();
    const copy = await aside.call({ op: "sessionLoad", bytes, device: "cpu" }, { signal });
    try {
      return await aside.call(
        { op: "sessionEvaluate", session: copy.id, options: rest },
        { signal },
      );
    } finally {
      await aside.call({ op: "sessionDispose", session: copy.id }).catch(() => false);
    }
  }

  /**
   * What each layer computes (docs/SCIENCE.md §6, Fu et al.): for the stream after the read-in
   * and after every block, the error vs k of the trained read-out and of a linear probe fitted
   * on held-out prompts; by prediction distance and by Fu et al.'s residual cosine, the nearest
   * Newton and gradient-descent iterates, how far apart those two are, and the core's verdict
   * (Newton, GD, or cannot tell) with its evidence; `statement` is the finding in words
   * (defaults: 512 scored prompts, 1,024 fitted, Newton 0–24, GD at the fixed step 0.01 up to
   * 65,536 steps).
   */
  async layers(options: LayersOptions & Cancellable = {}): Promise<Layers> {
    this.check();
    const { rest, signal } = cancellable("options", options);
    return this.send({ op: "sessionLayers", session: this.id, options: rest }, signal);
  }

  /**
   * What the model answers to a prompt you write (docs/SCIENCE.md §1): each query read after all
   * the examples (at most `points − 1` of them), next to each baseline fitted to the same
   * examples (default: the class's reference baselines). `table` takes the prompt as text
   * instead, rows of d + 1 numbers as examples and rows of d as queries; a bad row is an
   * `invalid_config` error naming it. `outside` marks the queries beyond the inputs the model
   * was trained on.
   */
  async answer(prompt: AnswerOptions): Promise<Answer> {
    this.check();
    return this.send({ op: "sessionAnswer", session: this.id, prompt: plain("prompt", prompt) });
  }

  /** The model as safetensors bytes (tensor names in the README); load with {@link loadSession}. */
  async save(): Promise<Uint8Array> {
    this.check();
    return this.send({ op: "sessionSave", session: this.id });
  }
}

/**
 * Restores a session from a checkpoint (safetensors bytes written by `session.save()` or the
 * CLI) on `device`. Training continues from the stored step.
 */
export async function loadSession(
  bytes: Uint8Array | ArrayBuffer,
  device: DeviceChoice = "auto",
): Promise<Session> {
  // `instanceof` throws on a revoked proxy
  const isBytes = reading(
    "checkpoint",
    () => bytes instanceof Uint8Array || bytes instanceof ArrayBuffer,
    "invalid_checkpoint",
  );
  if (!isBytes) {
    throw new IclabError({
      code: "invalid_checkpoint",
      field: "checkpoint",
      message: "expected a Uint8Array or ArrayBuffer",
    });
  }
  if (device !== undefined && typeof device !== "string") {
    throw new IclabError({
      code: "invalid_config",
      field: "device",
      message: `invalid config \`device\`: must be "auto", "webgpu" or "cpu", got ${describe(device)}`,
    });
  }
  const detached = reading(
    "checkpoint",
    () =>
      ((bytes instanceof Uint8Array ? bytes.buffer : bytes) as ArrayBuffer & { detached?: boolean })
        .detached === true,
    "invalid_checkpoint",
  );
  if (detached) {
    throw new IclabError({
      code: "invalid_checkpoint",
      field: "checkpoint",
      message: "invalid checkpoint: its ArrayBuffer is detached (it was transferred elsewhere)",
    });
  }
  const c = client();
  const data = reading(
    "checkpoint",
    () => (bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)),
    "invalid_checkpoint",
  );
  const info = await c.call(
    { op: "sessionLoad", bytes: data, device },
    { blame: { code: "invalid_checkpoint", field: "checkpoint" } },
  );
  return new Session(info, c);
}

/** Baselines only (no model): error vs k for a task config on fresh prompts. */
export async function evaluateBaselines(
  config: SessionConfig,
  options: EvaluateOptions & Cancellable = {},
): Promise<Evaluation> {
  const checked = plain("config", config);
  const { rest, signal } = cancellable("options", options);
  return client().call({ op: "evaluateBaselines", config: checked, options: rest }, { signal });
}

/**
 * Per-token inference cost (state size, multiply-adds) of a config's model at token positions
 * 1…`tokens` (default: the config's prompt, 2·points tokens interleaved or points paired); counted
 * from its shapes, no device needed.
 */
export async function inferenceCost(
  config: SessionConfig,
  tokens?: number,
): Promise<InferenceCost> {
  const checked = plain("config", config) as SessionConfig;
  // a prompt holds a layout's tokens per example (interleaved: x and y apart; paired: one)
  // (anything but a layout's name is left for the core to refuse, naming `tokens`)
  const layout: unknown = reading("tokens", () => checked.tokens) ?? CATALOG.icl.defaults.tokens;
  const counts = CATALOG.icl.tokensPerExample;
  const perExample =
    typeof layout === "string" && Object.hasOwn(counts, layout) ? counts[layout]! : 2;
  const n = tokens ?? perExample * (reading("points", () => checked.points) ?? DEFAULT_POINTS);
  if (typeof n !== "number") {
    // The core checks the range; a BigInt, string or object must not reach its number parameter.
    throw new IclabError({
      code: "invalid_config",
      field: "tokens",
      message: `invalid config \`tokens\`: must be a whole number, got ${typeof n}`,
    });
  }
  return client().call({ op: "inferenceCost", config: checked, tokens: n });
}

/**
 * What error curves say at k = `dims` and at the last k — the model against its nearest rival,
 * decided only past its noise — as `Evaluation.reading` does for one call's curves; for curves a
 * page merged from several calls on the same prompts. `null` without a model or a rival.
 */
export async function readCurves(
  curves: Record<string, ErrorCurve>,
  dims: number,
): Promise<Reading | null> {
  // the curves' missing points are NaN
  const checked = plain("curves", curves, "mayBeNaN");
  if (typeof dims !== "number") {
    throw new IclabError({
      code: "invalid_config",
      field: "dims",
      message: `invalid config \`dims\`: must be a whole number, got ${typeof dims}`,
    });
  }
  return client().call({ op: "readCurves", curves: checked, dims });
}

/** Validates `config` (in Rust), opens the device and initializes the model. */
export async function createSession(config: SessionConfig = {}): Promise<Session> {
  const c = client();
  // Non-objects go to the core as they are: it names the root `config` in its error.
  const checked =
    typeof config === "object" && config !== null && !reading("config", () => Array.isArray(config))
      ? plain("config", config)
      : config;
  const info = await c.call({ op: "sessionCreate", config: checked });
  return new Session(info, c);
}
