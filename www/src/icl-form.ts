/** The in-context page's form: its named controls, the baseline checkboxes, and writing a state into it. */
import type { SessionInfo } from "iclab";
import { LABELS } from "./charts.js";
import { el } from "./dom.js";
import { BASELINES } from "./tables.js";

/** The control called `name` in `form`, if it is an input or a select. */
export function field(form: HTMLFormElement, name: string): HTMLInputElement | HTMLSelectElement | null {
  const found = form.elements.namedItem(name);
  return found instanceof HTMLInputElement || found instanceof HTMLSelectElement ? found : null;
}

/** One checkbox per baseline the core offers, in `#baselines`. */
export function renderBaselineChecks(): void {
  const box = el<HTMLDivElement>("baselines");
  box.replaceChildren(
    ...BASELINES.map((name) => {
      const label = document.createElement("label");
      label.className = "check";
      const input = document.createElement("input");
      input.type = "checkbox";
      input.value = name;
      input.dataset.baseline = name;
      label.append(input, ` ${LABELS[name] ?? name}`);
      return label;
    }),
  );
}

/**
 * Shows `state` in the form: every named control, the chosen baselines, and only the
 * task-specific and probe-specific controls that apply.
 */
export function writeForm(form: HTMLFormElement, state: Readonly<Record<string, string | number>>): void {
  for (const name of Object.keys(state)) {
    const input = field(form, name);
    if (input) input.value = String(state[name]);
  }
  const chosen = String(state.baselines).split(",");
  for (const box of form.querySelectorAll<HTMLInputElement>("input[data-baseline]")) {
    box.checked = chosen.includes(box.value);
  }
  for (const label of form.querySelectorAll<HTMLElement>("[data-for-task]")) {
    label.hidden = label.dataset.forTask !== state.task;
  }
  for (const label of form.querySelectorAll<HTMLElement>("[data-for-probe]")) {
    label.hidden = label.dataset.forProbe !== state.probe;
  }
}

/** A loaded model's own settings, shown in the (locked) model controls. */
export function showModelSettings(form: HTMLFormElement, config: SessionInfo["config"]): void {
  for (const name of ["task", "model", "dims", "points", "preset", "batchSize", "learningRate", "warmupSteps"] as const) {
    const input = field(form, name);
    if (input) input.value = String(config[name]);
  }
}
