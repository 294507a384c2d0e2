/**
 * The in-context page's evaluation: error vs k for the model and the baselines on the current
 * settings, the single-prompt view, and the chart's "evaluating…" state (dimmed, `data-evaluating`,
 * the status saying what is computed) from the moment a setting changes until its curves are drawn.
 * The numbers come from the package's worker; this file only asks for them and draws them.
 */
import {
  CATALOG,
  evaluateBaselines,
  type BaselineKind,
  type ErrorCurve,
  type EvaluateOptions,
  type Evaluation,
  type Session,
  type SessionConfig,
} from "iclab";
import { ErrorChart, LABELS, PromptChart } from "../../charts/charts.js";
import { evaluateOptions, field, sessionConfig } from "./form.js";
import type { StateOf } from "../../shell/state.js";
import type { ICL } from "./table.js";

type State = StateOf<typeof ICL>;

/** Baselines that fit a model on every prompt and every k: computed after the others. */
const SLOW: ReadonlySet<string> = new Set(CATALOG.icl.baselineRoles.fitsPerPrompt);

/** Prompts of a slow baseline's first look, before all of the evaluation's. */
const FIRST_LOOK = 128;

/** What the evaluation reads from the page. */
export interface EvaluationPage {
  form: HTMLFormElement;
  status: HTMLElement;
  state(): State;
  session(): Session | null;
  /** Bumped on every reset: answers for an older epoch are dropped. */
  epoch(): number;
  busy(): boolean;
}

export class IclEvaluation {
  /** What the charts show, for export. */
  last: Evaluation | null = null;
  /** An evaluation setting changed while the page was busy: evaluate as soon as it is not. */
  pending = false;
  private readonly errorChart: ErrorChart;
  private readonly promptChart: PromptChart;
  private readonly figure: Element | null;
  /** Baseline curves for the current evaluation settings (they do not change while training). */
  private cache: { key: string; curves: Record<string, ErrorCurve> } | null = null;
  /** Evaluations the visitor is waiting for. */
  private waiting = 0;
  /** The slow baselines computing in the background, to cancel. */
  private slow: AbortController | null = null;
  /** Slow baselines' curves on the first few prompts, drawn until the full ones arrive. */
  private firstLook: Record<string, ErrorCurve> = {};
  /** Called when the slow baselines are drawn in full (the page reads the chart again). */
  onSlowDone: (() => Promise<void>) | null = null;

  constructor(
    private readonly page: EvaluationPage,
    errorEl: HTMLElement,
    promptEl: HTMLElement,
  ) {
    this.errorChart = new ErrorChart(errorEl);
    this.promptChart = new PromptChart(promptEl);
    this.figure = errorEl.closest("figure");
  }

  private dim(on: boolean): void {
    this.figure?.classList.toggle("evaluating", on);
    if (on) document.body.dataset.evaluating = "true";
    else delete document.body.dataset.evaluating;
  }

  private key(): string {
    const state = this.page.state();
    return JSON.stringify([sessionConfig(state), evaluateOptions(state)]);
  }

  /** The status line while an evaluation runs, e.g. "Evaluating 1280 prompts (inputs scaled ×3.0)…". */
  private evaluatingText(): string {
    const state = this.page.state();
    const probe = field(this.page.form, "probe");
    const name =
      probe instanceof HTMLSelectElement
        ? (probe.selectedOptions[0]?.textContent ?? state.probe)
        : state.probe;
    // the probe's own setting, with its symbol: "× 2.0", "σ = 0.50"
    const parameter = CATALOG.icl.probeParameters[state.probe];
    const value = parameter ? (state as Record<string, unknown>)[parameter] : undefined;
    const symbol = parameter ? CATALOG.icl.evaluation[parameter]?.label : undefined;
    const detail =
      value === undefined ? "" : ` ${symbol ?? parameter} ${Number(value).toPrecision(2)}`;
    return `Evaluating ${state.evalPrompts} prompts (${name}${detail})…`;
  }

  /** A setting changed while the page is busy: the curves shown are stale until evaluated. */
  defer(): void {
    this.pending = true;
    this.dim(true);
  }

  /** The page failed: the chart is undimmed unless an evaluation still runs (pending stays). */
  failed(): void {
    if (this.waiting === 0) this.dim(false);
  }

  /** Empties both charts (a new experiment). */
  clear(): void {
    this.stopBackground();
    this.last = null;
    this.errorChart.clear();
    this.promptChart.clear();
  }

  /**
   * Error vs k (model and baselines) and the single-prompt view, for the current settings. Unless
   * `modelOnly` (training's periodic refresh, which keeps the cached baselines), the chart is
   * dimmed and the status says what is computed until the new curves are drawn. A result whose
   * settings were changed while it ran is dropped: the evaluation the change started draws instead.
   */
  async run(modelOnly = false): Promise<void> {
    const { page } = this;
    const mine = page.epoch();
    const state = page.state();
    const options = evaluateOptions(state);
    const key = this.key();
    const shown = !modelOnly;
    const said = shown && !page.busy() ? this.evaluatingText() : null;
    if (shown) {
      this.waiting += 1;
      this.dim(true);
      if (said) {
        page.status.textContent = said;
        page.status.classList.remove("error");
      }
    }
    try {
      const session = page.session();
      const reuse = modelOnly && this.cache?.key === key;
      // baselines evaluated anew: any slow ones still computing for older settings stop
      if (!reuse) this.stopBackground();
      // the slow baselines (a network trained on every prompt) come second, so a picture is up at once
      const asked = options.baselines ?? [];
      const slow = reuse ? [] : asked.filter((b) => SLOW.has(b));
      const first = { ...options, baselines: reuse ? [] : asked.filter((b) => !SLOW.has(b)) };
      let result: Evaluation;
      if (session) {
        result = await session.evaluate(first);
        if (reuse && this.cache) result.curves = { ...this.cache.curves, ...result.curves };
      } else {
        result = await evaluateBaselines(sessionConfig(state), first);
      }
      if (mine !== page.epoch() || key !== this.key()) return;
      this.draw(key, result);
      // the slow ones compute in the background: the page (and its controls) stay live, and a
      // newer evaluation or a new experiment cancels them
      if (slow.length)
        this.background(key, mine, session?.config ?? sessionConfig(state), options, slow, shown);
      // what the settings ask for is on screen now
      this.pending = false;
      if (this.waiting === (shown ? 1 : 0)) this.dim(false);
      if (said && page.status.textContent === said) {
        page.status.textContent = `Evaluated on ${result.prompts} prompts${result.step === null ? " (baselines only)" : ` at step ${result.step}`}.`;
      }
      await this.showPrompt();
    } finally {
      if (shown && --this.waiting === 0) this.dim(false);
    }
  }

  /**
   * The slow baselines of evaluation `key` (a network trained on every prompt and every k), off
   * the page's critical path: first on {@link FIRST_LOOK} prompts, drawn at once as a first look
   * (kept out of the reading and the exports: not the model's prompts), then on all of them,
   * drawn with the rest. Cancelled by {@link stopBackground}.
   */
  private background(
    key: string,
    mine: number,
    config: SessionConfig,
    options: EvaluateOptions,
    slow: BaselineKind[],
    shown: boolean,
  ): void {
    this.stopBackground();
    const controller = new AbortController();
    this.slow = controller;
    const { page } = this;
    const prompts = options.prompts ?? CATALOG.icl.evalDefaults.prompts;
    const stages = prompts > 2 * FIRST_LOOK ? [FIRST_LOOK, prompts] : [prompts];
    const names = slow.map((b) => LABELS[b] ?? b).join(", ");
    const line =
      `Also computing ${names}: it trains a small network on every prompt and every k, ` +
      (stages.length > 1
        ? `a first look on ${FIRST_LOOK} prompts, then all ${prompts}; the settings stay live.`
        : `on all ${prompts} prompts; the settings stay live.`);
    if (shown) page.status.textContent = line;
    this.figure?.classList.add("partial");
    document.body.dataset.slowBaselines = "computing";
    const current = (): boolean =>
      !controller.signal.aborted && mine === page.epoch() && key === this.key();
    void (async () => {
      for (const n of stages) {
        const extra = await evaluateBaselines(config, {
          ...options,
          prompts: n,
          baselines: slow,
          signal: controller.signal,
        });
        if (!current()) return;
        const added = Object.fromEntries(
          Object.entries(extra.curves).filter(([name]) => slow.includes(name as BaselineKind)),
        );
        const now = this.last && this.cache?.key === key ? this.last : null;
        if (!now) return;
        if (n < prompts) {
          // a first look: on the chart, not (yet) in the numbers the page reads and exports
          this.firstLook = added;
          this.draw(key, now);
          document.body.dataset.slowBaselines = `first look on ${n}`;
          continue;
        }
        this.firstLook = {};
        // merged into what is on screen now: training may have drawn a newer model curve meanwhile
        this.draw(key, { ...now, curves: { ...now.curves, ...added } });
      }
      this.figure?.classList.remove("partial");
      document.body.dataset.slowBaselines = "done";
      if (page.status.textContent === line) page.status.textContent = "";
      await this.onSlowDone?.();
    })().catch((error: unknown) => {
      if (!current()) return;
      this.figure?.classList.remove("partial");
      document.body.dataset.slowBaselines = "failed";
      page.status.textContent = `${names} could not be computed: ${error instanceof Error ? error.message : String(error)}`;
    });
  }

  /** Cancels the slow baselines computing in the background, if any. */
  stopBackground(): void {
    this.slow?.abort();
    this.slow = null;
    this.firstLook = {};
    this.figure?.classList.remove("partial");
    delete document.body.dataset.slowBaselines;
  }

  /**
   * What training's stream evaluates, on the current settings: the model alone (the baselines
   * drawn with it are the cached ones), with the settings' key {@link trained} compares.
   */
  trainingOptions(): { key: string; options: EvaluateOptions } {
    return { key: this.key(), options: { ...evaluateOptions(this.page.state()), baselines: [] } };
  }

  /**
   * Training's evaluation of the model (on {@link trainingOptions} of `key`), drawn over the
   * cached baselines. When the settings changed since the stream started, or no baselines are
   * cached for them, the curves are evaluated anew as training's refresh ({@link run}). The
   * single-prompt view follows unless `prompt` is false (an evaluation beside training: the
   * page redraws that view at the next report, when the session is not training).
   */
  async trained(result: Evaluation, key: string, prompt = true): Promise<void> {
    const cached = this.cache;
    if (key !== this.key() || cached?.key !== key) return this.run(true);
    this.draw(key, { ...result, curves: { ...cached.curves, ...result.curves } });
    this.pending = false;
    if (this.waiting === 0) this.dim(false);
    if (prompt) await this.showPrompt();
  }

  /** Shows `result` and reflects it for the tests; its baselines are cached for training's refreshes. */
  private draw(key: string, result: Evaluation): void {
    const { model: _model, ...baselines } = result.curves;
    this.cache = { key, curves: baselines };
    // the first look of a slow baseline is drawn until its full curve replaces it
    // the scale holds the class's own reference whole (least squares for linear functions)
    const task = this.page.state().task;
    this.errorChart.setFocus(
      CATALOG.icl.tasks.find((t) => t.kind === task)?.baselines.slice(0, 1) ?? [],
    );
    this.errorChart.show({ ...this.firstLook, ...result.curves });
    this.last = result;
    const means: Record<string, number[]> = {};
    for (const [name, c] of Object.entries(result.curves)) means[name] = c.mean;
    document.body.dataset.curves = JSON.stringify(means);
    document.body.dataset.evaluated = String(result.step ?? "baselines");
    document.body.dataset.evaluatedProbe = result.probe;
  }

  /**
   * The single-prompt view: prompt number `state.prompt` of the current settings, the model next
   * to the first quick baseline the chart draws (the function class's own reference).
   */
  async showPrompt(): Promise<void> {
    const { page } = this;
    const mine = page.epoch();
    const state = page.state();
    const asked = evaluateOptions(state);
    const reference = (asked.baselines ?? []).find((b) => !SLOW.has(b));
    const options: EvaluateOptions = {
      ...asked,
      prompts: 1,
      examples: 1,
      baselines: reference ? [reference] : [],
      seed: (state.seed * 7919 + state.prompt * 104729 + 1) % 4_294_967_296,
    };
    const session = page.session();
    const result = session
      ? await session.evaluate(options)
      : await evaluateBaselines(sessionConfig(state), options);
    const example = result.examples?.[0];
    if (mine === page.epoch() && example)
      this.promptChart.show(example.targets, example.predictions);
  }
}
