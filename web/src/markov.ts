// In-context Markov chains (docs/SCIENCE.md §7; Edelman et al. 2024).
import type { WorkerClient } from "./client.js";
import { Handle, checkSchedule } from "./handle.js";
import { plain } from "./input.js";
import { client } from "./shared.js";
import type {
  DeviceInfo,
  MarkovEvaluation,
  MarkovOptions,
  MarkovReport,
  MarkovRunConfig,
  Trained,
} from "./types.js";

/**
 * A Markov run: the paper's two-layer attention-only model with relative positions (or iclab's
 * transformer or xLSTM, `backbone`), trained on fresh chains every step, evaluated on a fixed set
 * of chains (its KL divergence to the uniform, unigram, bigram and true rules at the last
 * position, the stage the core decides, each layer's attention, one sequence traced position by
 * position). Start one with {@link startMarkov}.
 */
export class MarkovRun extends Handle {
  readonly id: number;
  readonly config: MarkovRunConfig;
  readonly deviceInfo: DeviceInfo;
  readonly numParams: number;
  /** The step of the model as of the last report. */
  step = 0;

  /** @internal use {@link startMarkov} */
  constructor(
    created: { id: number; config: MarkovRunConfig; deviceInfo: DeviceInfo; numParams: number },
    workerClient: WorkerClient,
  ) {
    super(workerClient, "Markov run", "start a new one");
    this.id = created.id;
    this.config = created.config;
    this.deviceInfo = created.deviceInfo;
    this.numParams = created.numParams;
  }

  protected disposeCall() {
    return { op: "markovDispose", run: this.id } as const;
  }

  /**
   * Trains `steps` more steps, yielding `{ report, evaluation? }` every `every` steps (default
   * 10), with an evaluation each time the step reaches a multiple of `evalEvery` (default: at
   * every report) and at the last step. Stop pulling to pause; call again to resume.
   */
  async *train(options: {
    steps: number;
    every?: number;
    evalEvery?: number;
    signal?: AbortSignal;
  }): AsyncGenerator<Trained<MarkovReport, MarkovEvaluation>, void, undefined> {
    const { steps, every, evalEvery, signal } = checkSchedule(options, []);
    const end = this.step + (steps ?? 1);
    const cadence = evalEvery ?? every;
    while (this.step < end) {
      this.check();
      const before = this.step;
      const report = await this.client.call(
        { op: "markovTrain", run: this.id, steps: Math.min(every, end - this.step) },
        { signal },
      );
      this.step = report.step;
      const crossed = Math.floor(report.step / cadence) > Math.floor(before / cadence);
      const evaluation =
        crossed || report.step >= end
          ? await this.client.call({ op: "markovEvaluate", run: this.id }, { signal })
          : undefined;
      yield evaluation ? { report, evaluation } : { report };
    }
  }

  /** The model on the fixed evaluation chains. */
  async evaluate(): Promise<MarkovEvaluation> {
    this.check();
    return this.client.call({ op: "markovEvaluate", run: this.id });
  }
}

/** Validates `config` (in Rust) and builds the model and the evaluation chains. */
export async function startMarkov(config: MarkovOptions = {}): Promise<MarkovRun> {
  const c = client();
  const created = await c.call({ op: "markovCreate", config: plain("config", config) });
  return new MarkovRun(created, c);
}
