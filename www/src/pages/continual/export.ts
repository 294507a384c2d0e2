/** The continual page's results as files: JSON, long-format CSV, and the one-line summary. */
import type { ContinualResult } from "iclab";
import { STRATEGY_NAMES as NAMES } from "../../shell/tables.js";
import { fmt } from "./metrics.js";

type Results = Readonly<Record<"a" | "b", ContinualResult | null>>;
const SIDES = ["a", "b"] as const;

export function exported(settings: object, results: Results): object {
  return {
    page: "continual",
    url: location.href,
    settings,
    a: results.a,
    b: results.b,
  };
}

/** Long format: every curve point, every accuracy-matrix cell and every metric, per learner. */
export function exportedCsv(results: Results): { header: string[]; rows: unknown[][] } {
  const rows: unknown[][] = [];
  for (const side of SIDES) {
    const r = results[side];
    if (!r) continue;
    r.curves.forEach((curve, task) => {
      curve.forEach((acc, t) => {
        rows.push([side, r.strategy, "curve", task, r.iterations[t], acc]);
      });
    });
    r.accuracyMatrix.forEach((row, segment) => {
      row.forEach((acc, task) => {
        rows.push([side, r.strategy, "accuracy_matrix", task, segment, acc]);
      });
    });
    for (const [name, value] of Object.entries(r.metrics ?? {})) {
      if (typeof value === "number") rows.push([side, r.strategy, `metric:${name}`, "", "", value]);
    }
  }
  return { header: ["side", "strategy", "series", "task", "x", "value"], rows };
}

export function summaryLine(results: Results): string {
  return SIDES.map((s) => results[s])
    .filter((r): r is ContinualResult => r !== null && r.metrics !== null)
    .map(
      (r) =>
        `${NAMES[r.strategy]}: ACC ${fmt(r.metrics?.averageAccuracy)}, forgetting ${fmt(r.metrics?.forgetting)}`,
    )
    .join(" · ");
}
