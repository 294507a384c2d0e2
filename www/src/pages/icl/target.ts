/**
 * What a visitor watches a model trained from scratch against (docs/SCIENCE.md §1a): the
 * normalized error with 2d examples in context falling to 0.1 of guessing zero. Counts training
 * time only (a pause stops the clock) and remembers when the target was first met.
 */
import { formatDuration } from "../../shell/progress.js";

export const TARGET_ERROR = 0.1;

/** The error with 2d examples in context from an error-vs-k curve; undefined when its prompts are shorter. */
export function errorAtTwoD(mean: readonly number[] | undefined, dims: number): number | undefined {
  return mean?.[2 * dims];
}

export class TargetWatch {
  private trainedMs = 0;
  private since = 0;
  /** The step and training time at which the target was first met. */
  reached: { step: number; seconds: number } | null = null;

  /** Training (re)starts: the clock runs from now. */
  resume(): void {
    this.since = performance.now();
  }

  /** Forgets everything: a new model. */
  reset(): void {
    this.trainedMs = 0;
    this.reached = null;
  }

  /**
   * A blank model's run ended at `step` with its budget spent: the plain sentence when it did not
   * reach the target (the shell adds how to go on); `null` when it did, or without the error at 2d.
   */
  missed(step: number, mean: readonly number[] | undefined, dims: number): string | null {
    const error = errorAtTwoD(mean, dims);
    if (this.reached || error === undefined) return null;
    return `Done at step ${step.toLocaleString("en")}: not at the target yet — the error with ${2 * dims} examples is ${error.toFixed(2)}, above ${TARGET_ERROR}.`;
  }

  /**
   * After a report at `step` and its evaluation (`mean`: the model's error vs k): how the model
   * stands, in words for the status line; "" when the prompts are too short for k = 2d.
   */
  note(step: number, mean: readonly number[] | undefined, dims: number): string {
    const now = performance.now();
    this.trainedMs += now - this.since;
    this.since = now;
    const k = 2 * dims;
    const error = errorAtTwoD(mean, dims);
    if (error === undefined) return "";
    if (!this.reached && error <= TARGET_ERROR)
      this.reached = { step, seconds: this.trainedMs / 1000 };
    const at = `error with ${k} examples ${error.toFixed(2)}`;
    return this.reached
      ? `${at}; it learned in context: error ≤ ${TARGET_ERROR} at step ${this.reached.step}, after ${formatDuration(this.reached.seconds)} of training`
      : `${at} (target ${TARGET_ERROR}; 1 = guessing zero)`;
  }
}
