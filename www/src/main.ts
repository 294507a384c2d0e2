/**
 * In-context regression page: wires the controls, the URL state and the charts to an iclab
 * session. Training and evaluation run in the package's worker; this file only pulls numbers and
 * draws them.
 */
import {
  capabilities,
  createSession,
  evaluateBaselines,
  IclabError,
  loadSession,
  type BaselineKind,
  type ErrorCurve,
  type EvaluateOptions,
  type Evaluation,
  type Report,
  type Session,
  type SessionConfig,
} from "iclab";
import { ErrorChart, LABELS, LossChart, PromptChart } from "./charts.js";
import { BASELINES, PROPS, parse, parseValue, readControl, serialize, type PropName, type State } from "./state.js";
import { describe, el } from "./dom.js";
import "./style.css";

type PageState = "idle" | "loading" | "running" | "paused" | "done" | "error";

import { fetchCheckpoint, findCheckpoint, loadManifest, MODEL_NAMES } from "./checkpoints.js";

const form = el<HTMLFormElement>("controls");
const badge = el<HTMLOutputElement>("device-badge");
const status = el<HTMLParagraphElement>("status");
const checkpointInfo = el<HTMLParagraphElement>("checkpoint-info");
const buttons = {
  train: el<HTMLButtonElement>("train"),
  pause: el<HTMLButtonElement>("pause"),
  reset: el<HTMLButtonElement>("reset"),
  evaluate: el<HTMLButtonElement>("evaluate"),
  nextPrompt: el<HTMLButtonElement>("next-prompt"),
};
const lossChart = new LossChart(el("loss-chart"));
const errorChart = new ErrorChart(el("eval-chart"));
const promptChart = new PromptChart(el("prompt-chart"));

const parsed = parse(location.search);
let state: State = parsed.state;
let session: Session | null = null;
/** Bumped on every reset so late answers of an old session are dropped. */
let epoch = 0;
let pauseRequested = false;
let firstLoss: number | null = null;
/** Baseline curves for the current evaluation settings (they do not change while training). */
let baselineCache: { key: string; curves: Record<string, ErrorCurve> } | null = null;

/** Settings that define the model: changing one starts a new experiment. */
const MODEL_PROPS: ReadonlySet<PropName> = new Set<PropName>([
  "start", "task", "model", "sparsity", "noiseStd", "conditionNumber", "device", "preset", "dims", "points",
  "batchSize", "learningRate", "warmupSteps", "seed",
]);
/** Settings of the evaluation only. */
const EVAL_PROPS: ReadonlySet<PropName> = new Set<PropName>([
  "baselines", "probe", "probeScale", "probeNoise", "evalPrompts", "prompt",
]);

function field(name: string): HTMLInputElement | HTMLSelectElement | null {
  const found = form.elements.namedItem(name);
  return found instanceof HTMLInputElement || found instanceof HTMLSelectElement ? found : null;
}

function renderBaselineChecks(): void {
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

function writeForm(): void {
  for (const name of Object.keys(PROPS) as PropName[]) {
    const input = field(name);
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

function busy(): boolean {
  const s = document.body.dataset.state;
  return s === "running" || s === "loading";
}

function setPage(next: PageState, message?: string, isError = false): void {
  document.body.dataset.state = next;
  buttons.train.textContent = next === "paused" ? "Resume" : "Train";
  buttons.train.disabled = next === "running" || next === "loading" || next === "done";
  buttons.pause.disabled = next !== "running";
  buttons.evaluate.disabled = next === "running" || next === "loading";
  const fromCheckpoint = session !== null && state.start === "checkpoint";
  for (const input of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select")) {
    const locked = fromCheckpoint && input.dataset.model !== undefined;
    input.disabled = next === "running" || next === "loading" || locked;
  }
  if (message !== undefined) {
    status.textContent = message;
    status.classList.toggle("error", isError);
  }
}

function showDevice(report: Report | null, s: Session): void {
  const info = report?.deviceInfo ?? s.deviceInfo;
  badge.dataset.kind = info.kind;
  const name = info.kind === "webgpu" ? `WebGPU · ${info.adapter ?? "adapter"}` : "CPU";
  badge.textContent = `device: ${name}`;
  badge.title = info.fallbackReason ?? "";
  badge.dataset.reason = info.fallbackReason ?? "";
}

function config(): SessionConfig {
  return {
    task: state.task as SessionConfig["task"],
    model: state.model as SessionConfig["model"],
    sparsity: Math.min(state.sparsity, state.dims),
    noiseStd: state.noiseStd,
    conditionNumber: state.conditionNumber,
    device: state.device as SessionConfig["device"],
    preset: state.preset as SessionConfig["preset"],
    dims: state.dims,
    points: state.points,
    batchSize: state.batchSize,
    learningRate: state.learningRate,
    warmupSteps: state.warmupSteps,
    seed: state.seed,
  };
}

function evalOptions(): EvaluateOptions {
  return {
    prompts: state.evalPrompts,
    probe: state.probe as EvaluateOptions["probe"],
    probeScale: state.probeScale,
    probeNoise: state.probeNoise,
    baselines: String(state.baselines).split(",").filter(Boolean) as BaselineKind[],
    seed: state.seed,
  };
}

/** Loads the shipped checkpoint for the current task and model, or explains why there is none. */
async function openCheckpoint(): Promise<Session | null> {
  const model = state.model as keyof typeof MODEL_NAMES;
  const entry = findCheckpoint(await loadManifest(), state.task, model);
  if (!entry) {
    checkpointInfo.textContent = `No shipped ${MODEL_NAMES[model]} checkpoint for ${state.task}: train from scratch.`;
    return null;
  }
  const s = await loadSession(await fetchCheckpoint(entry), state.device as SessionConfig["device"]);
  const c = s.config;
  checkpointInfo.textContent =
    `Loaded ${entry.file}: ${c.preset} ${MODEL_NAMES[model]}, d = ${c.dims}, ${c.points} points, ` +
    `meta-trained natively for ${s.initialStep.toLocaleString()} steps (${Math.round(entry.wallSeconds / 60)} min).`;
  // Show the checkpoint's own settings in the (locked) model controls.
  for (const name of ["dims", "points", "preset", "batchSize", "learningRate", "warmupSteps"] as const) {
    const input = field(name);
    if (input) input.value = String(c[name]);
  }
  document.body.dataset.checkpoint = state.task;
  return s;
}

/** Builds (or loads) the model for the current settings and shows its curves. */
async function prepare(): Promise<void> {
  const mine = ++epoch;
  setPage("loading", state.start === "checkpoint" ? "Loading the shipped model…" : "Computing the baselines…");
  checkpointInfo.textContent = "";
  delete document.body.dataset.checkpoint;
  try {
    const s = state.start === "checkpoint" ? await openCheckpoint() : null;
    if (mine !== epoch) {
      await s?.dispose();
      return;
    }
    session = s;
    if (s) showDevice(null, s);
    await evaluate();
    if (mine !== epoch) return;
    setPage(
      "idle",
      s
        ? `Shipped model loaded at step ${s.initialStep}. Press Train to keep meta-training it here.`
        : `Press Train to meta-train ${state.model === "xlstm" ? "an xLSTM" : "a transformer"} from scratch on this function class.`,
    );
  } catch (error) {
    if (mine === epoch) setPage("error", `${describe(error)} Press Reset to try again.`, true);
  }
}

async function reset(): Promise<void> {
  pauseRequested = true;
  const old = session;
  session = null;
  firstLoss = null;
  lossChart.clear();
  errorChart.clear();
  promptChart.clear();
  for (const key of ["firstLoss", "lastLoss", "step", "evaluated", "curves"]) delete document.body.dataset[key];
  await old?.dispose().catch(() => undefined);
  await prepare();
}

function baselineKey(): string {
  return JSON.stringify([config(), evalOptions()]);
}

/** Error vs k (model and baselines) and the single-prompt view, for the current settings. */
async function evaluate(modelOnly = false): Promise<void> {
  const mine = epoch;
  const options = evalOptions();
  const key = baselineKey();
  let result: Evaluation;
  if (session) {
    const reuse = modelOnly && baselineCache?.key === key;
    result = await session.evaluate(reuse ? { ...options, baselines: [] } : options);
    if (reuse && baselineCache) result.curves = { ...baselineCache.curves, ...result.curves };
  } else {
    result = await evaluateBaselines(config(), options);
  }
  if (mine !== epoch) return;
  const { model: _model, ...baselines } = result.curves;
  baselineCache = { key, curves: baselines };
  errorChart.show(result.curves);
  const means: Record<string, number[]> = {};
  for (const [name, c] of Object.entries(result.curves)) means[name] = c.mean;
  document.body.dataset.curves = JSON.stringify(means);
  document.body.dataset.evaluated = String(result.step ?? "baselines");
  await showPrompt();
}

async function showPrompt(): Promise<void> {
  const mine = epoch;
  const options: EvaluateOptions = {
    ...evalOptions(),
    prompts: 1,
    examples: 1,
    baselines: ["least_squares"],
    seed: (state.seed * 7919 + state.prompt * 104729 + 1) % 4_294_967_296,
  };
  const result = session ? await session.evaluate(options) : await evaluateBaselines(config(), options);
  const example = result.examples?.[0];
  if (mine === epoch && example) promptChart.show(example.targets, example.predictions);
}

async function train(): Promise<void> {
  pauseRequested = false;
  const mine = epoch;
  setPage("running", session ? "Resuming…" : "Opening the device and building the model…");
  try {
    session ??= await createSession(config());
    showDevice(null, session);
    const start = session.initialStep;
    const done = Number(document.body.dataset.step ?? start) - start;
    for await (const report of session.train({ steps: Math.max(1, state.steps - done), every: state.every })) {
      if (mine !== epoch) return;
      if (report.deviceInfo) showDevice(report, session);
      firstLoss ??= report.normalizedLoss;
      lossChart.push(report.step, report.normalizedLoss);
      document.body.dataset.step = String(report.step);
      document.body.dataset.firstLoss = String(firstLoss);
      document.body.dataset.lastLoss = String(report.normalizedLoss);
      status.textContent = `step ${report.step} · loss ${report.loss.toFixed(4)} (${report.normalizedLoss.toFixed(3)} of zero predictor) · ${report.stepsPerSecond.toFixed(1)} steps/s on ${report.device}`;
      await evaluate(true);
      if (pauseRequested || mine !== epoch) break;
    }
    if (mine !== epoch) return;
    const finished = Number(document.body.dataset.step) - start >= state.steps;
    setPage(finished ? "done" : "paused", finished ? `${status.textContent} · done` : `Paused at step ${document.body.dataset.step}.`);
  } catch (error) {
    if (mine !== epoch) return;
    setPage("error", describe(error), true);
    if (error instanceof IclabError && (error.code === "diverged" || error.code === "unknown_session")) {
      status.textContent += " Press Reset to start again.";
    }
  }
}

function commit(name: PropName, value: string | number): void {
  state = { ...state, [name]: value };
  history.replaceState(null, "", `${location.pathname}${serialize(state)}`);
  writeForm();
  if (MODEL_PROPS.has(name)) {
    // A new setting means a new experiment, as in TF Playground.
    void reset();
  } else if (EVAL_PROPS.has(name) && !busy()) {
    void evaluate().catch((error: unknown) => setPage("error", describe(error), true));
  } else if (name === "steps" && document.body.dataset.state === "done") {
    setPage("paused");
  }
}

form.addEventListener("change", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) return;
  if (target instanceof HTMLInputElement && target.dataset.baseline) {
    const chosen = [...form.querySelectorAll<HTMLInputElement>("input[data-baseline]")]
      .filter((b) => b.checked)
      .map((b) => b.value)
      .join(",");
    commit("baselines", chosen);
    return;
  }
  const name = target.name as PropName;
  if (!(name in PROPS)) return;
  const value = readControl(target, name, parseValue, state[name], status);
  if (value !== null) commit(name, value);
});
buttons.train.addEventListener("click", () => void train());
buttons.pause.addEventListener("click", () => {
  pauseRequested = true;
});
buttons.reset.addEventListener("click", () => void reset());
buttons.evaluate.addEventListener("click", () => {
  buttons.evaluate.disabled = true;
  void evaluate()
    .catch((error: unknown) => setPage("error", describe(error), true))
    .finally(() => {
      buttons.evaluate.disabled = busy();
    });
});
buttons.nextPrompt.addEventListener("click", () => commit("prompt", (state.prompt + 1) % 4_294_967_296));

renderBaselineChecks();
writeForm();
void prepare().then(() => {
  if (parsed.problems.length) {
    status.textContent = `URL: ${parsed.problems.join("; ")}`;
    status.classList.add("error");
  }
});
void capabilities().then(
  (caps) => {
    if (!session) {
      badge.textContent = caps.webgpuPreferred ? `WebGPU available · ${caps.adapter?.name ?? ""}` : "WebGPU not used here: CPU";
      badge.title = caps.reason ?? "";
    }
  },
  (error: unknown) => {
    badge.textContent = "device check failed";
    badge.title = describe(error);
  },
);
