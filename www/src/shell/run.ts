/**
 * What a demo page tells the shell (shell/page.ts): its phases, one training run as it describes
 * it for `Page.run`, and the page's options (its settings table, what a change rebuilds, what to
 * export).
 */
import type { StateOf, Table } from "./state.js";

export type Phase = "idle" | "loading" | "running" | "paused" | "done" | "error";

/**
 * One training run as a page describes it; {@link Page.run} drives it (the epoch, pause and
 * resume, the progress bar and time left, done or paused, errors as sentences, a lost GPU).
 */
export interface Run<R> {
  /** The status line until the first report ("Opening the device and building the model…"). */
  opening: string;
  /**
   * Builds what the run needs (a blank model, unless it resumes) and opens its stream of reports:
   * a run's `train()`, or `rounds` of several from shell/stream.ts. `mine` is the run's epoch:
   * check {@link Page.isCurrent} after every await; resolve to `null` when superseded.
   */
  start: (mine: number) => Promise<AsyncIterable<R> | null>;
  /** Draws one report (and evaluates on its schedule); resolves to the report's status line. */
  draw: (report: R, mine: number) => Promise<string> | string;
  /** Units done and in all (steps, iterations), for the bar; read before and after every report. */
  work: () => [done: number, total: number];
  /** The status line when the work is done (`null` or absent: the last report's, then "done"). */
  done?: () => string | null;
  /** The status line when paused (default "Paused."). */
  paused?: () => string;
  /**
   * The GPU was lost mid-run: move the page's models to the CPU from their last snapshots and
   * resolve to the sentence saying so; the run then carries on. Absent: the loss is an error.
   */
  recover?: (mine: number) => Promise<string>;
  /** Words after an error's sentence (default "Press Reset to start again."). */
  hint?: (error: unknown) => string;
}

/** The blank-model action of a page that opens on a shipped model ({@link PageOptions.blank}). */
export interface BlankRun {
  /** Whether the model on the page is a trained one (shipped or loaded): the action is offered. */
  shown: () => boolean;
  /** Train's label meanwhile: what it does to the trained model ("Train the shipped model on"). */
  further: string;
  /** What the two buttons will do, in a sentence or two, before either is pressed. */
  explain: () => string;
  /** Switches the page to a blank model and trains it. */
  start: () => Promise<void>;
}

/**
 * The second half of a {@link BlankRun.explain}: what `further` (Train's label on a trained
 * model) does to it ("Train this model on: more steps for the shipped model, meta-trained for
 * 24,000 steps already — its curves barely move.").
 */
export function trainedOn(further: string, whose: string, steps: string, plural = false): string {
  return `${further}: more steps for ${whose}, meta-trained for ${steps} steps already — ${plural ? "their" : "its"} curves barely move.`;
}

export interface PageOptions<T extends Table> {
  /**
   * The demo's name: export file names and the share dialog (a `DEMOS` entry, whose table and
   * title it shares, makes it embeddable with `<iclab-demo>` too).
   */
  kind: string;
  table: T;
  /** Defaults that follow other settings (see {@link urlState}). */
  derived?: (state: Readonly<Record<string, string | number>>) => Record<string, string | number>;
  /** The Train button's label when not paused ("Train", "Train both"). */
  trainLabel: string;
  /**
   * A page that opens on a shipped, trained model (whose curves barely move when trained on)
   * offers a blank model as its first action: the run bar's `blank="…"` button, primary while
   * {@link BlankRun.shown}, and a line saying what each button will do.
   */
  blank?: BlankRun;
  /** Whether `control` is locked now although the page is not busy (a loaded checkpoint's own settings). */
  locked?: (control: HTMLInputElement | HTMLSelectElement) => boolean;
  /** Work besides the page's own that keeps it busy (another view training on the same worker). */
  alsoBusy?: () => boolean;
  /** After every phase change: the page's own buttons and views. */
  onPhase?: (phase: Phase, working: boolean) => void;
  /** The controls to lock while busy (default: every input and select of the form). */
  controls?: string;
  /** A setting changed to a valid value (state and URL already updated). */
  changed: (name: keyof T & string) => void;
  /**
   * Whether changing `name` replaces the page's model (default: every setting does). A change
   * that would replace a model trained here asks first.
   */
  rebuilds?: (name: keyof T & string) => boolean;
  train: () => void | Promise<void>;
  reset: () => void | Promise<void>;
  /** What Export JSON writes and what Export CSV writes (header, rows). */
  results: () => object;
  resultsCsv: () => { header: string[]; rows: unknown[][] };
  /** Writes the state into the form (default: each named control gets its setting's value). */
  writeForm?: (form: HTMLFormElement, state: Readonly<StateOf<T>>) => void;
}
