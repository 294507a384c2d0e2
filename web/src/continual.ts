// Continual learning: whole runs, and runs advanced step by step.
import type { WorkerClient } from "./client.js";
import { IclabError, within } from "./errors.js";
import { Handle, checkSchedule } from "./handle.js";
import { cancellable, plain, reading } from "./input.js";
import { client, LIMITS } from "./shared.js";
import type {
  Answered,
  Boundary,
  TableOptions,
  TableSummary,
  Cancellable,
  ContinualConfig,
  ContinualResult,
  ContinualTrainOptions,
  FederatedClientState,
  FederatedConfig,
  FederatedResult,
  Trained,
} from "./types.js";

/** One whole continual-learning run: the stream, the learner, continual evaluation, metrics. */
export async function runContinual(
  config: ContinualConfig = {},
  options: Cancellable = {},
): Promise<ContinualResult> {
  const checked = plain("config", config);
  const { signal } = cancellable("options", options);
  return client().call({ op: "continualRun", config: checked }, { signal });
}

/**
 * Learn apart, merge together: clients each learn their share of the classes with a prototype
 * learner (`learner`: ncm, slda or analytic), then merge into the learner that read all
 * their data; FedAvg of the run's MLP beside it (`rounds`).
 *
 * ```ts
 * const r = await runFederated({ learner: "slda", clients: 4 });
 * console.log(r.clients.map((c) => c.scores.accuracy), r.merged.accuracy, r.fedavg?.scores.accuracy);
 * ```
 */
export async function runFederated(
  config: FederatedConfig = {},
  options: Cancellable = {},
): Promise<FederatedResult> {
  const checked = plain("config", config);
  const { signal } = cancellable("options", options);
  return client().call({ op: "federatedRun", config: checked }, { signal });
}

/**
 * One page's client of a classroom (learn apart, merge together across browsers): it learned
 * its share of the classes ({@link learnFederated}); {@link share} is what it learned as JSON text
 * (a small file or link another page merges); {@link merge} folds in another page's share.
 *
 * ```ts
 * const me = await learnFederated({ clients: 3 }, 0);
 * channel.postMessage(me.share);                 // or a file, or a link
 * channel.onmessage = async (e) => draw(await me.merge(e.data));
 * ```
 */
export class FederatedClient extends Handle {
  readonly id: number;
  /** Its classes, what it merged, its accuracy alone and now. */
  state: FederatedClientState;
  /** What it learned from its own data, as JSON text (`CATALOG.continual.federated.shareFormat`). */
  readonly share: string;

  /** @internal use {@link learnFederated} */
  constructor(id: number, state: FederatedClientState, share: string, workerClient: WorkerClient) {
    super(workerClient, "federated client", "learn again with learnFederated");
    this.id = id;
    this.state = state;
    this.share = share;
  }

  protected disposeCall() {
    return { op: "federatedDispose", learner: this.id } as const;
  }

  /**
   * Merges another page's share (its JSON text, or the parsed object); resolves to the state
   * after it. A share of another learner or feature space, a malformed one, this client's own or
   * one merged before is refused with a typed error naming the field, and changes nothing.
   */
  async merge(share: string | object): Promise<FederatedClientState> {
    this.check();
    let text: string;
    if (typeof share === "string") text = share;
    else if (typeof share === "object" && share !== null)
      text = JSON.stringify(plain("share", share));
    else
      throw new IclabError({
        code: "invalid_config",
        field: "share",
        message: "invalid config `share`: a share is its JSON text or the parsed object",
      });
    this.state = await this.client.call({ op: "federatedMerge", learner: this.id, share: text });
    return this.state;
  }
}

/**
 * Client `clientNumber` (0 to `clients` − 1) of a classroom learns its share of the classes here, as
 * one page of a class that learns apart and merges: `config` as {@link runFederated}'s (its
 * learner ncm or slda: the analytic head's expansion is each page's own).
 */
export async function learnFederated(
  config: FederatedConfig,
  clientNumber: number,
  options: Cancellable = {},
): Promise<FederatedClient> {
  const checked = plain("config", config);
  const n = within("client", clientNumber, LIMITS.federatedClient);
  const { signal } = cancellable("options", options);
  const c = client();
  const learned = await c.call({ op: "federatedLearn", config: checked, client: n }, { signal });
  return new FederatedClient(learned.id, learned.state, learned.share, c);
}

/**
 * A continual-learning run living in the worker, trained a few steps at a time so a page can
 * draw it as it goes:
 *
 * ```ts
 * const run = await startContinual({ strategy: "replay", evalEvery: 1 });
 * for await (const { report } of run.train({ every: 20 })) draw(report);
 * console.log(run.result.metrics);
 * await run.dispose();
 * ```
 */
export class ContinualRun extends Handle {
  readonly id: number;
  /** The latest state: curves, accuracy matrix so far, metrics once done. */
  result: ContinualResult;

  /** @internal use {@link startContinual} */
  constructor(id: number, result: ContinualResult, workerClient: WorkerClient) {
    super(workerClient, "continual run", "start a new one");
    this.id = id;
    this.result = result;
  }

  protected disposeCall() {
    return { op: "continualDispose", run: this.id } as const;
  }

  /** Trains up to `steps` more steps (fewer at the end of the stream); resolves to the run so far. */
  async advance(steps: number, options: Cancellable = {}): Promise<ContinualResult> {
    this.check();
    const n = within("steps", steps, LIMITS.advanceSteps);
    const { signal } = cancellable("options", options);
    this.result = await this.client.call(
      { op: "continualAdvance", run: this.id, steps: n },
      { signal },
    );
    return this.result;
  }

  /**
   * Trains `every` steps per report (default 10) until the stream ends, or `steps` more at most,
   * yielding `{ report }`: the run so far. Its evaluations are the run's own (`evalEvery` of its
   * config), inside each report. Stop pulling to pause; call again to resume.
   */
  async *train(
    options: ContinualTrainOptions = {},
  ): AsyncGenerator<Trained<ContinualResult>, void, undefined> {
    const schedule = checkSchedule(options, [], {
      stepsOptional: true,
      every: LIMITS.advanceSteps,
      evaluates: false,
    });
    const { every, signal } = schedule;
    let left = schedule.steps ?? Number.POSITIVE_INFINITY;
    while (!this.result.done && left > 0) {
      const before = this.result.step;
      const report = await this.advance(Math.min(every, left), { signal });
      left -= Math.max(1, report.step - before);
      yield { report };
    }
  }

  /** The predicted class on a `resolution²` grid (`CATALOG.limits.boundaryResolution`) for 2-D datasets; `null` otherwise. */
  async boundary(resolution = 64): Promise<Boundary | null> {
    this.check();
    const r = within("resolution", resolution, LIMITS.boundaryResolution);
    return this.client.call({ op: "continualBoundary", run: this.id, resolution: r });
  }

  /**
   * What the learner, as trained so far, answers for one input (as many values as the dataset's
   * features: a drawn digit's 14 × 14 pixels in [0, 1], row by row): the class, every class's
   * score, and for networks the softmax of their logits.
   */
  async answer(input: ArrayLike<number>): Promise<Answered> {
    this.check();
    const values = reading(
      "input",
      () => Float32Array.from(input as ArrayLike<number>),
      "invalid_config",
    );
    return this.client.call({ op: "continualAnswer", run: this.id, input: values });
  }

  /**
   * The learner as trained so far, with its config and everything the run measured, as the
   * bytes of a learner file (safetensors; `loadContinual` and `iclab cl eval --learner` read it).
   */
  async save(): Promise<Uint8Array> {
    this.check();
    return this.client.call({ op: "continualSave", run: this.id });
  }

  /** Analytic head only: forgets class `cls` exactly and evaluates every task again. */
  async unlearn(cls: number): Promise<ContinualResult> {
    this.check();
    const c = within("class", cls, LIMITS.unlearnClass);
    this.result = await this.client.call({ op: "continualUnlearn", run: this.id, class: c });
    return this.result;
  }
}

/**
 * Reads a visitor's table as a run would (`dataset: { kind: "table", csv, order }`): its rows,
 * feature names, and labels in the order the stream meets them with each one's count. A bad file
 * rejects with an `invalid_config` error whose message names the row and column.
 */
export async function readTable(table: TableOptions): Promise<TableSummary> {
  return client().call({ op: "readTable", table: plain("table", table) });
}

/**
 * A run from a learner file (`ContinualRun.save()`, `iclab cl run --save-learner`): its stream
 * rebuilt from the file's config, the learner and its history put back, so it reports what the
 * saved run did (`result.loaded` is true), answers inputs and unlearns; it trains no further. A
 * damaged or foreign file rejects with `invalid_checkpoint`.
 */
export async function loadContinual(bytes: Uint8Array | ArrayBuffer): Promise<ContinualRun> {
  const isBytes = reading(
    "learner",
    () => bytes instanceof Uint8Array || bytes instanceof ArrayBuffer,
    "invalid_checkpoint",
  );
  if (!isBytes) {
    throw new IclabError({
      code: "invalid_checkpoint",
      field: "learner",
      message: "expected the file's bytes as a Uint8Array or ArrayBuffer",
    });
  }
  const data = reading(
    "learner",
    () => (bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)),
    "invalid_checkpoint",
  );
  const c = client();
  const loaded = await c.call(
    { op: "continualLoad", bytes: data },
    { blame: { code: "invalid_checkpoint", field: "learner" } },
  );
  return new ContinualRun(loaded.id, loaded.result, c);
}

/** Validates `config` (in Rust), builds the stream and the learner, and evaluates it untrained. */
export async function startContinual(config: ContinualConfig = {}): Promise<ContinualRun> {
  const c = client();
  const created = await c.call({
    op: "continualCreate",
    config: plain("config", config),
  });
  return new ContinualRun(created.id, created.result, c);
}
