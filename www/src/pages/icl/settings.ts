/**
 * What the in-context page's settings mean for its model, and what its exports hold: the settings
 * that start a new experiment, those of the evaluation only, and the JSON and CSV of a run.
 */
import type { Evaluation } from "iclab";
import { errorCurveRows } from "../../shell/files.js";
import { TASK_PARAM_NAMES } from "../../shell/tables.js";

/** Settings that define the model: changing one starts a new experiment. */
export const MODEL_PROPS: ReadonlySet<string> = new Set<string>([
  "start",
  "task",
  "model",
  ...TASK_PARAM_NAMES,
  "device",
  "preset",
  "layers",
  "dModel",
  "heads",
  "activation",
  "tokens",
  "dims",
  "points",
  "batchSize",
  "learningRate",
  "warmupSteps",
  "decaySteps",
  "seed",
]);
/** Settings of the evaluation only. */
export const EVAL_PROPS: ReadonlySet<string> = new Set<string>([
  "baselines",
  "probe",
  "probeScale",
  "probeNoise",
  "evalPrompts",
  "prompt",
]);

/** One training report as the page keeps it. */
export interface LossPoint {
  step: number;
  loss: number;
  normalizedLoss: number;
}

/** What Results JSON writes. */
export function exportJson(
  settings: object,
  step: number,
  losses: readonly LossPoint[],
  evaluation: Evaluation | null,
): object {
  return { page: "icl", url: location.href, settings, step, losses, evaluation };
}

/** One row per (curve, k): the error-vs-k chart; then one row per report: the loss chart. */
export function exportCsv(
  losses: readonly LossPoint[],
  evaluation: Evaluation | null,
): { header: string[]; rows: unknown[][] } {
  const rows = errorCurveRows(evaluation?.curves ?? {}).map((row) => [...row, ""]);
  for (const l of losses)
    rows.push(["training_loss", "model", l.step, l.loss, "", "", l.normalizedLoss]);
  return { header: ["series", "name", "x", "value", "lower", "upper", "normalized"], rows };
}
