/**
 * Builds a page's form from its settings table, so the choices and ranges on screen are the
 * core's (the tables read them from the catalog): every empty `<select>` named after a choice
 * setting gets one option per value, every number input gets the setting's bounds, and the
 * function-class parameters get one control each, shown only for their class.
 */
import { CATALOG } from "iclab";
import type { Prop, Table } from "./state.js";
import { STRATEGY_SETTINGS } from "./tables.js";

const { icl, continual, titles } = CATALOG;

/** What a menu shows for a value the core names, where the catalog has a title for it. */
const TITLES: Record<string, string> = Object.fromEntries([
  ...icl.tasks.map((t) => [t.kind, t.title]),
  ...continual.scenarios.map((s) => [s.kind, s.title]),
  ...continual.strategies.map((s) => [s.kind, s.title]),
]);

/** Preset names with the shape each backbone gets from them ("tiny (64 wide: 3 layers / 4 xLSTM blocks)"). */
const PRESETS: Record<string, string> = Object.fromEntries(
  icl.presets.map((p) => {
    const shapes = icl.models.map((m) => ({ m, shape: m.presets[p] }));
    const width = shapes[0]?.shape?.dModel;
    const same = shapes.every(({ shape }) => shape?.dModel === width);
    const depths = shapes
      .map(({ m, shape }, i) =>
        shape ? `${shape.layers} ${i === 0 ? "" : `${m.shortTitle} `}${m.depthUnit}` : "",
      )
      .join(" / ");
    return [p, same && width ? `${p} (${width} wide: ${depths})` : p];
  }),
);

/** The catalog's titles of each choice setting's values, by the setting's name on the pages. */
const PAGE_LABELS: Record<string, Readonly<Record<string, string>>> = {
  model: titles.models,
  backbone: titles.classifyBackbones,
  network: Object.fromEntries(CATALOG.markov.backbones.map((b) => [b.value, b.title])),
  tokens: titles.tokens,
  activation: titles.activations,
  device: titles.devices,
  probe: titles.probes,
  dataset: titles.datasets,
  schedule: titles.schedules,
  embedding: titles.embeddings,
  learner: Object.fromEntries(continual.federated.learners.map((l) => [l.kind, l.title])),
  split: Object.fromEntries(continual.federated.splits.map((s) => [s.value, s.title])),
  preset: PRESETS,
  // each strategy menu's choices, with their titles
  ...Object.fromEntries(
    STRATEGY_SETTINGS.filter((s) => s.choices).map((s) => [
      s.name,
      Object.fromEntries(s.choices!.map((c) => [c.value, c.title])),
    ]),
  ),
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
 * One control per continual strategy setting (`data-uses` lists the strategies that read it):
 * a strategy's hyperparameter gets its control from the catalog alone.
 */
function strategySettings(): HTMLLabelElement[] {
  return STRATEGY_SETTINGS.map((s) => {
    const label = document.createElement("label");
    label.dataset.uses = s.uses.join(" ");
    let control: HTMLInputElement | HTMLSelectElement;
    if (s.choices) control = document.createElement("select");
    else {
      control = document.createElement("input");
      control.type = "number";
    }
    control.name = s.name;
    label.append(`${s.label} `, control);
    return label;
  });
}

/**
 * Fills `form` from `table`: options of empty selects (after any the HTML already holds, such as
 * "— none —"), bounds of number inputs, and, in place of `<template data-task-fields>`, one
 * control per parameter of each function class (`data-for-task` says which class shows it), in
 * place of `<template data-strategy-settings>` one per continual strategy setting.
 */
export function buildForm(form: HTMLFormElement, table: Table): void {
  for (const marker of form.querySelectorAll("template[data-strategy-settings]"))
    marker.replaceWith(...strategySettings());
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
