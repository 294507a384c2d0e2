/** The in-context page's form: its named controls, the baseline checkboxes, and writing a state into it. */
import { CATALOG } from "iclab";
import type { BaselineKind, EvaluateOptions, SessionConfig, SessionInfo } from "iclab";
import type { StateOf } from "../../shell/state.js";
import { LABELS } from "../../charts/charts.js";
import { DEFAULTS, MODEL_NAMES, presetShape } from "../../shell/checkpoints.js";
import { el } from "../../shell/dom.js";
import { BASELINES, taskConfig } from "../../shell/tables.js";
import type { ICL } from "./table.js";

type IclState = StateOf<typeof ICL>;

/** The control called `name` in `form`, if it is an input or a select. */
export function field(
  form: HTMLFormElement,
  name: string,
): HTMLInputElement | HTMLSelectElement | null {
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
export function writeForm(
  form: HTMLFormElement,
  state: Readonly<Record<string, string | number>>,
): void {
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
  // a probe's own setting shows while that probe is chosen
  const parameter = CATALOG.icl.probeParameters[String(state.probe)];
  for (const label of form.querySelectorAll<HTMLElement>("[data-probe-parameter]")) {
    label.hidden = label.querySelector("[name]")?.getAttribute("name") !== parameter;
  }
  // the MLPs' nonlinearity shows for a backbone that has it
  const activation = field(form, "activation")?.closest("label");
  if (activation instanceof HTMLElement)
    activation.hidden =
      CATALOG.icl.models.find((m) => m.kind === state.model)?.usesActivation !== true;
}

/**
 * A model's shape in words, with its config's overrides of the preset applied ("tiny transformer,
 * 6 layers × 64 wide, paired tokens"): a checkpoint trained deeper than its preset is not
 * described as the preset's shape.
 */
export function describeModel(config: SessionInfo["config"]): string {
  const model = config.model ?? DEFAULTS.model;
  const spec = CATALOG.icl.models.find((m) => m.kind === model);
  const presetName = config.preset ?? DEFAULTS.preset;
  const preset = presetShape(model, presetName);
  const layers = config.layers ?? preset?.layers;
  const width = config.dModel ?? preset?.dModel;
  const shape = layers && width ? `, ${layers} ${spec?.depthUnit ?? "layers"} × ${width} wide` : "";
  // the MLPs' nonlinearity is named where it is not the papers' GELU
  const activation = config.activation ?? DEFAULTS.activation;
  const mlps =
    spec?.usesActivation === true && activation !== DEFAULTS.activation
      ? `, ${CATALOG.titles.activations[activation] ?? activation} MLPs`
      : "";
  return `${presetName} ${MODEL_NAMES[model]}${shape}, ${config.tokens ?? DEFAULTS.tokens} tokens${mlps}`;
}

/** A loaded model's own settings, shown in the (locked) model controls: its class and the class's parameters too. */
export function showModelSettings(form: HTMLFormElement, config: SessionInfo["config"]): void {
  const { kind, ...params } = config.task;
  const shown: Record<string, unknown> = { ...params, task: kind };
  // a config without its own shape has its preset's
  const preset = presetShape(config.model ?? DEFAULTS.model, config.preset ?? DEFAULTS.preset);
  shown.layers = config.layers ?? preset?.layers;
  shown.dModel = config.dModel ?? preset?.dModel;
  shown.heads = config.heads ?? preset?.heads;
  shown.activation = config.activation ?? DEFAULTS.activation;
  for (const name of [
    "model",
    "dims",
    "points",
    "preset",
    "tokens",
    "batchSize",
    "learningRate",
    "warmupSteps",
    "decaySteps",
  ] as const)
    shown[name] = config[name];
  for (const [name, value] of Object.entries(shown)) {
    const input = field(form, name);
    if (input) input.value = String(value);
  }
}

/** The model settings a size fills in: its layers, width and heads (none for an unknown size). */
export function sizeShape(
  model: string,
  preset: string,
): Partial<Pick<IclState, "layers" | "dModel" | "heads">> {
  const shape = presetShape(model, preset);
  return shape ? { layers: shape.layers, dModel: shape.dModel, heads: shape.heads } : {};
}

/** The session config the in-context page's settings describe. */
export function sessionConfig(state: IclState): SessionConfig {
  return {
    task: taskConfig(state.task, state),
    model: state.model as SessionConfig["model"],
    device: state.device as SessionConfig["device"],
    preset: state.preset as SessionConfig["preset"],
    layers: state.layers,
    dModel: state.dModel,
    heads: state.heads,
    activation: state.activation as SessionConfig["activation"],
    tokens: state.tokens as SessionConfig["tokens"],
    dims: state.dims,
    points: state.points,
    batchSize: state.batchSize,
    learningRate: state.learningRate,
    warmupSteps: state.warmupSteps,
    decaySteps: state.decaySteps,
    seed: state.seed,
  };
}

/** The evaluation the in-context page's settings describe. */
export function evaluateOptions(state: IclState): EvaluateOptions {
  return {
    prompts: state.evalPrompts,
    probe: state.probe as EvaluateOptions["probe"],
    probeScale: state.probeScale,
    probeNoise: state.probeNoise,
    baselines: String(state.baselines).split(",").filter(Boolean) as BaselineKind[],
    seed: state.seed,
  };
}

export /** The baselines that matter for a function class (the core's list for it, in the catalog). */
function classBaselines(kind: string): string {
  const own: readonly string[] = CATALOG.icl.tasks.find((t) => t.kind === kind)?.baselines ?? [];
  // in the checkboxes' order, as the form writes the list, so the URL can leave it out
  return BASELINES.filter((b) => own.includes(b)).join(",");
}
