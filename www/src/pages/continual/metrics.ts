/**
 * The continual page's metric table: which metrics it shows first (De Lange et al.'s
 * continual-evaluation set) and which behind "More metrics", each with a one-line explanation;
 * and the per-class table before and after unlearning a class.
 */
import type { ContinualResult } from "iclab";
import { el } from "../../shell/dom.js";

/** One metric: its name, a one-line explanation (shown under it and as its tooltip), and its value. */
export type MetricRow = [name: string, help: string, value: (r: ContinualResult) => string];

/** The three a visitor should read first (De Lange et al.'s continual-evaluation set). */
export const HEADLINE: MetricRow[] = [
  [
    "Average accuracy",
    "accuracy on all tasks at the end of the stream, averaged (ACC): higher is better",
    (r) => fmt(r.metrics?.averageAccuracy),
  ],
  [
    "Forgetting",
    "how far each old task fell from its best accuracy by the end, on average: 0 = nothing forgotten",
    (r) => fmt(r.metrics?.forgetting),
  ],
  [
    "Worst-case accuracy",
    "WC-ACC: the current task's accuracy mixed with each old task's worst moment, so a collapse counts even if it recovered",
    (r) => fmt(r.metrics?.wcAcc),
  ],
];

export const MORE: MetricRow[] = [
  [
    "Forgetting since learned",
    "as forgetting, but from each task's accuracy right after its own training (Avalanche's definition)",
    (r) => fmt(r.metrics?.forgettingSinceLearned),
  ],
  [
    "Backward transfer (BWT)",
    "how training later tasks changed old ones' accuracy: negative = forgetting",
    (r) => fmt(r.metrics?.backwardTransfer),
  ],
  [
    "Forward transfer (FWT)",
    "how much earlier tasks helped a task before its own training, against random weights",
    (r) => fmt(r.metrics?.forwardTransfer),
  ],
  [
    "min-ACC",
    "the average of each finished task's lowest accuracy after its training: the worst moment",
    (r) => fmt(r.metrics?.minAcc ?? undefined),
  ],
  [
    "Windowed forgetting",
    "the largest drop within any 10 evaluations, averaged over tasks: short dips count",
    (r) => fmt(r.metrics?.windowedForgetting),
  ],
  [
    "Largest stability gap",
    "the deepest drop right after a task switch that came back (at least half) during the next task",
    (r) => fmt(r.largestStabilityGap),
  ],
  [
    "Tasks forgotten at a switch",
    "tasks whose drop after the switch did not come back: plain forgetting, not a gap",
    (r) => String(r.forgottenAtSwitch),
  ],
];

/** A metric as the table shows it: three decimals, "–" when there is none yet. */
export function fmt(v: number | undefined | null): string {
  return v === undefined || v === null ? "–" : v.toFixed(3);
}

/** " (after unlearning class 3)" for a result whose learner unlearned classes, else "". */
export function afterUnlearning(r: ContinualResult): string {
  const n = r.unlearned.length;
  if (n === 0) return "";
  return ` (after unlearning ${n === 1 ? "class" : "classes"} ${r.unlearned.join(", ")})`;
}

/** One column of the metrics table: a learner's title and its run. */
export interface MetricColumn {
  title: string;
  result: ContinualResult;
}

/** Fills `table`: a row per metric, a column per learner. */
export function fillMetrics(
  table: HTMLTableElement,
  rows: readonly MetricRow[],
  columns: readonly MetricColumn[],
): void {
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  head.append(Object.assign(document.createElement("th"), { scope: "col", textContent: "metric" }));
  for (const { title } of columns)
    head.append(Object.assign(document.createElement("th"), { scope: "col", textContent: title }));
  const body = table.createTBody();
  for (const [label, help, value] of rows) {
    const tr = body.insertRow();
    const th = Object.assign(document.createElement("th"), { scope: "row", title: help });
    th.append(
      label,
      Object.assign(document.createElement("span"), { className: "help", textContent: help }),
    );
    tr.append(th);
    for (const { result } of columns) tr.insertCell().textContent = value(result);
  }
}

/** Per-class accuracy of the analytic side before and after unlearning `cls`. */
export function renderUnlearned(cls: number, before: number[], after: number[]): void {
  const table = el<HTMLTableElement>("unlearn-table");
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const h of ["class", "before", "after"])
    head.append(Object.assign(document.createElement("th"), { scope: "col", textContent: h }));
  const body = table.createTBody();
  before.forEach((b, c) => {
    const tr = body.insertRow();
    tr.append(
      Object.assign(document.createElement("th"), {
        scope: "row",
        textContent: c === cls ? `${c} (unlearned)` : String(c),
      }),
    );
    for (const v of [b, after[c] ?? 0]) {
      const td = tr.insertCell();
      td.textContent = v.toFixed(2);
      td.className = "cell";
      td.style.background = `rgba(37, 99, 235, ${(0.05 + 0.5 * v).toFixed(3)})`;
    }
    if (c === cls) tr.className = "unlearned";
  });
  el("unlearned-class").textContent = String(cls);
  el("unlearn-view").hidden = false;
  document.body.dataset.unlearned = JSON.stringify({ class: cls, before, after });
}
