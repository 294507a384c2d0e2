/**
 * The federated page's pictures, as tables so every number is also text: accuracy class by class
 * for each learner (shade = accuracy, ● = a class the row's client learned itself), and what each
 * method sends.
 */
import type { FederatedResult } from "iclab";

type ClassScores = FederatedResult["merged"];

const pct = (a: number): string => `${Math.round(100 * a)}%`;

/** One row of the grid: its name, its scores, and the classes it learned itself (if a client). */
export interface GridRow {
  label: string;
  scores: ClassScores;
  own?: readonly number[];
  /** Marks a row apart (the merged learner). */
  emphasis?: boolean;
}

/** Accuracy per class (columns) for each row; the last column is the accuracy on all classes. */
export function accuracyGrid(rows: GridRow[], classes: number, caption: string): HTMLTableElement {
  const table = document.createElement("table");
  table.className = "class-grid";
  table.createCaption().textContent = caption;
  const head = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.scope = "col";
  corner.textContent = "class";
  head.append(corner);
  for (let c = 0; c < classes; c++) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = String(c);
    head.append(th);
  }
  const all = document.createElement("th");
  all.scope = "col";
  all.textContent = "all";
  head.append(all);
  const body = table.createTBody();
  for (const r of rows) {
    const row = body.insertRow();
    if (r.emphasis) row.dataset.emphasis = "";
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = r.label;
    row.append(th);
    for (let c = 0; c < classes; c++) {
      const a = r.scores.perClass[c] ?? 0;
      const td = row.insertCell();
      td.style.setProperty("--a", String(Math.max(0, Math.min(1, a))));
      const own = r.own?.includes(c) === true;
      td.textContent = `${own ? "● " : ""}${pct(a)}`;
      if (own) td.dataset.own = "";
      td.title = `${r.label}, class ${c}: ${pct(a)}${own ? " (learned here)" : ""}`;
    }
    const total = row.insertCell();
    total.className = "total";
    total.textContent = pct(r.scores.accuracy);
  }
  return table;
}

/** One method's message sizes. */
export interface Cost {
  method: string;
  /** What one client sends, in numbers, and what that is per class it learned. */
  numbers: number;
  perClass: number;
  how: string;
}

const kb = (numbers: number): string => {
  const bytes = 4 * numbers;
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`;
};

/** What each method sends, per client and per class. */
export function costTable(costs: Cost[]): HTMLTableElement {
  const table = document.createElement("table");
  table.className = "class-grid cost-table";
  const head = table.createTHead().insertRow();
  for (const h of ["method", "one client sends", "per class it learned", "what"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  for (const c of costs) {
    const row = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = c.method;
    row.append(th);
    row.insertCell().textContent = `${c.numbers.toLocaleString("en")} numbers (${kb(c.numbers)})`;
    row.insertCell().textContent = `${Math.round(c.perClass).toLocaleString("en")} (${kb(c.perClass)})`;
    row.insertCell().textContent = c.how;
  }
  return table;
}
