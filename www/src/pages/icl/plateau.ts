/**
 * "Plateau or not" on the in-context page: two fresh transformers of the page's settings, one per
 * token layout, trained from scratch side by side on the same prompts (same seed, same data
 * stream), with their losses on one chart and their error at k = 2d after every round. The
 * paired layout learns at once; the reference's interleaved layout sits on the loss plateau.
 */
import {
  CATALOG,
  createSession,
  type Evaluation,
  type Report,
  type Session,
  type SessionConfig,
  type TokenLayout,
} from "iclab";
import { LineChart } from "../../charts/line-chart.js";
import { describe, el } from "../../shell/dom.js";
import { drive, rounds } from "../../shell/stream.js";
import { errorAtTwoD } from "./target.js";

/** Every token layout of the core, the one with fewer tokens per example first. */
const LAYOUTS: readonly TokenLayout[] = [...CATALOG.icl.tokens].sort(
  (a, b) => (CATALOG.icl.tokensPerExample[a] ?? 0) - (CATALOG.icl.tokensPerExample[b] ?? 0),
);
const blank = (): Record<string, Line> =>
  Object.fromEntries(LAYOUTS.map((layout) => [layout, empty()]));
/** Prompts per error estimate after a round: enough to tell 0.1 from 1, cheap next to 25 steps. */
const CHECK_PROMPTS = 128;

export interface PlateauRun {
  /** The page's session config; the layout is set per run. */
  config: SessionConfig;
  steps: number;
  every: number;
}

export interface PlateauHost {
  /** The page is busy with this view (true) or free again (false). */
  busy(running: boolean): void;
}

interface Line {
  steps: number[];
  losses: number[];
  error: number | null;
}

export class PlateauView {
  private readonly chart = new LineChart(
    el("plateau-chart"),
    { x: "step", y: "loss / zero predictor", logY: true, wholeX: true },
    LAYOUTS.map((name, i) => (i === 0 ? { name } : { name, dash: [6, 4] })),
    "The two loss curves appear here once you press Train both layouts.",
  );
  private readonly status = el<HTMLParagraphElement>("plateau-status");
  private readonly trainButton = el<HTMLButtonElement>("plateau-train");
  private readonly stopButton = el<HTMLButtonElement>("plateau-stop");
  private sessions: Session[] = [];
  private lines: Record<string, Line> = blank();
  private stopRequested = false;
  private generation = 0;

  constructor(
    private readonly run: () => PlateauRun,
    private readonly host: PlateauHost,
  ) {
    this.trainButton.addEventListener("click", () => void this.train());
    this.stopButton.addEventListener("click", () => {
      this.stopRequested = true;
    });
  }

  /** Enables the button when the page is free; the main demo and this view share one worker. */
  setAvailable(available: boolean): void {
    if (this.stopButton.disabled) this.trainButton.disabled = !available;
  }

  /** Forgets the runs (the page's model settings changed). */
  async reset(): Promise<void> {
    this.generation++;
    this.stopRequested = true;
    const old = this.sessions;
    this.sessions = [];
    this.lines = blank();
    this.chart.clear();
    this.status.textContent = "";
    delete document.body.dataset.plateau;
    await Promise.all(old.map((s) => s.dispose().catch(() => undefined)));
  }

  private async train(): Promise<void> {
    await this.reset();
    const mine = ++this.generation;
    this.stopRequested = false;
    const { config, steps, every } = this.run();
    this.trainButton.disabled = true;
    this.stopButton.disabled = false;
    this.host.busy(true);
    this.status.textContent = "Building two fresh models…";
    try {
      for (const tokens of LAYOUTS) this.sessions.push(await createSession({ ...config, tokens }));
      if (mine !== this.generation) return;
      const d = this.sessions[0]?.config.dims ?? 5;
      // both evaluated at every report, on the same fresh prompts, for their error at k = 2d
      const ending = await drive(
        rounds(
          this.sessions.map((s) =>
            s.train({
              steps,
              every,
              evalEvery: every,
              evaluate: { prompts: CHECK_PROMPTS, baselines: [] },
            }),
          ),
        ),
        async (round) => {
          for (const [i, step] of round.entries())
            if (step) this.record(LAYOUTS[i] as TokenLayout, step.report, step.evaluation, d);
          if (mine === this.generation) this.show(d);
        },
        () => this.stopRequested,
        () => mine === this.generation,
      );
      if (ending !== "superseded")
        this.status.textContent += this.stopRequested ? " · stopped" : " · done";
    } catch (error) {
      if (mine === this.generation) this.status.textContent = describe(error);
    } finally {
      if (mine === this.generation) {
        this.stopButton.disabled = true;
        this.trainButton.disabled = false;
        this.host.busy(false);
      }
    }
  }

  /** A report and its evaluation (the error at k = 2d) of one layout's model. */
  private record(
    layout: TokenLayout,
    report: Report,
    evaluation: Evaluation | undefined,
    d: number,
  ): void {
    const line = this.lines[layout]!;
    line.steps.push(report.step);
    line.losses.push(report.normalizedLoss);
    if (evaluation) line.error = errorAtTwoD(evaluation.curves.model?.mean, d) ?? null;
  }

  private show(d: number): void {
    const lines = LAYOUTS.map((layout) => [layout, this.lines[layout] ?? empty()] as const);
    const steps = lines[0]?.[1].steps ?? [];
    this.chart.show(
      steps,
      lines.map(([, line]) => line.losses),
    );
    const say = ([name, line]: readonly [string, Line]) =>
      `${name}: loss ${line.losses.at(-1)?.toFixed(3) ?? "–"} of the zero predictor's, error at k = ${2 * d} ${line.error?.toFixed(2) ?? "–"}`;
    this.status.textContent = [`step ${steps.at(-1) ?? 0}`, ...lines.map(say)].join(" · ");
    document.body.dataset.plateau = JSON.stringify({
      step: steps.at(-1) ?? 0,
      ...Object.fromEntries(
        lines.map(([name, line]) => [name, { loss: line.losses.at(-1), error: line.error }]),
      ),
    });
  }
}

function empty(): Line {
  return { steps: [], losses: [], error: null };
}
