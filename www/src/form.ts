/**
 * Builds a page's form from its settings table, so the choices and ranges on screen are the
 * core's (the tables read them from the catalog): every empty `<select>` named after a choice
 * setting gets one option per value, every number input gets the setting's bounds, and the
 * function-class parameters get one control each, shown only for their class.
 */
import { CATALOG } from "iclab";
import type { Prop, Table } from "./state.js";

const { icl, continual } = CATALOG;

/** What a menu shows for a value the core names, where the catalog has a title for it. */
const TITLES: Record<string, string> = Object.fromEntries([
  ...icl.tasks.map((t) => [t.kind, t.title]),
  ...continual.scenarios.map((s) => [s.kind, s.title]),
  ...continual.strategies.map((s) => [s.kind, s.title]),
]);

/** Preset names with the shape each backbone gets from them ("tiny (64 wide: 3 layers / 4 xLSTM blocks)"). */
const PRESETS: Record<string, string> = Object.fromEntries(
  icl.presets.map((p) => {
    const [t, x] = [
      icl.models.find((m) => m.kind === "transformer")?.presets[p],
      icl.models.find((m) => m.kind === "xlstm")?.presets[p],
    ];
    return [
      p,
      t && x ? `${p} (${t.dModel} wide: ${t.layers} layers / ${x.layers} xLSTM blocks)` : p,
    ];
  }),
);

/** Labels the page chooses for values the catalog only names. */
const PAGE_LABELS: Record<string, Record<string, string>> = {
  model: { transformer: "transformer", xlstm: "xLSTM (mLSTM + sLSTM)" },
  tokens: {
    paired: "paired: one token per example",
    interleaved: "interleaved: x₁, y₁, x₂, y₂, … (the papers')",
  },
  device: { auto: "auto", webgpu: "WebGPU", cpu: "CPU" },
  probe: {
    none: "in distribution",
    skewed: "skewed covariance",
    random_quadrants: "examples in one orthant (paper)",
    opposite_quadrants: "query in the opposite orthant (harder)",
    scaled: "inputs scaled",
    noisy: "noisy outputs",
  },
  dataset: {
    blobs: "2-D blobs",
    moons: "2-D moons",
    circles: "2-D circles",
    spirals: "2-D spirals",
    xor: "2-D XOR",
    digits: "handwritten digits (14×14)",
  },
  schedule: { power_law: "power law (recent more often)", cycle: "cycle (least recent)" },
  bufferPolicy: { reservoir: "reservoir", class_balanced: "class-balanced" },
  embedding: { raw: "raw inputs", frozen: "frozen random MLP", learned: "MLP trained on task 1" },
  preset: PRESETS,
};

/** The label of `value` in the menu of setting `name`. */
export function choiceLabel(name: string, value: string): string {
  return PAGE_LABELS[name]?.[value] ?? TITLES[value] ?? value.replaceAll("_", " ");
}

function setBounds(input: HTMLInputElement, p: Prop): void {
  if (p.type !== "int" && p.type !== "float") return;
  input.min = String(p.min);
  if (p.max < Number.MAX_SAFE_INTEGER) input.max = String(p.max);
  if (!input.step) input.step = p.type === "int" ? "1" : "any";
}

/**
 * Fills `form` from `table`: options of empty selects (after any the HTML already holds, such as
 * "— none —"), bounds of number inputs, and, in place of `<template data-task-fields>`, one
 * control per parameter of each function class (`data-for-task` says which class shows it).
 */
export function buildForm(form: HTMLFormElement, table: Table): void {
  for (const marker of form.querySelectorAll<HTMLTemplateElement>("template[data-task-fields]")) {
    marker.replaceWith(
      ...icl.tasks.flatMap((task) =>
        Object.entries(task.fields).map(([name, spec]) => {
          const label = document.createElement("label");
          label.dataset.forTask = task.kind;
          const input = document.createElement("input");
          input.name = name;
          input.type = "number";
          if (spec.integer) input.step = "1";
          label.append(`${spec.label || name} `, input);
          return label;
        }),
      ),
    );
  }
  for (const [name, p] of Object.entries(table)) {
    for (const control of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
      `[name="${name}"]`,
    )) {
      if (control instanceof HTMLSelectElement && p.type === "enum") {
        const present = new Set([...control.options].map((o) => o.value));
        for (const value of p.values)
          if (!present.has(value)) control.add(new Option(choiceLabel(name, value), value));
      } else if (control instanceof HTMLInputElement && control.type === "number") {
        setBounds(control, p);
      }
    }
  }
}
