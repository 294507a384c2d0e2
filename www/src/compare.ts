/**
 * Transformer vs xLSTM page: the same task, prompts and evaluation for both backbones, their
 * error vs k on one chart, and what each pays per token at inference. Numbers come from the
 * package; this file wires controls, URL state and charts.
 */
import {
  createSession,
  evaluateBaselines,
  inferenceCost,
  loadSession,
  type Backbone,
  type BaselineKind,
  type ErrorCurve,
  type EvaluateOptions,
  type InferenceCost,
  type Report,
  type Session,
  type SessionConfig,
} from "iclab";
import { ErrorChart, LineChart } from "./charts.js";
import { fetchCheckpoint, findCheckpoint, loadManifest, MODEL_NAMES } from "./checkpoints.js";
import { urlState, watchSettings, type StateOf } from "./state.js";
import { buildForm } from "./form.js";
import { COMPARE as TABLE, taskConfig } from "./tables.js";
import { applyChrome } from "./chrome.js";
import { csv, download, errorCurveRows, stamp } from "./files.js";
import { Progress } from "./progress.js";
import { mountShare } from "./share.js";
import { continueOnCpu, describe, deviceLost, el, showDeviceBadge } from "./dom.js";
import { rounds } from "./rounds.js";
import "./style.css";

const MODELS: readonly Backbone[] = ["transformer", "xlstm"];
/** Reference methods per task: what each class is usually compared with (Garg et al.). */
function baselinesFor(task: string): BaselineKind[] {
  if (task === "decision_tree") return ["tree", "knn"];
  if (task === "relu_net") return ["knn", "averaging"];
  return ["least_squares", "gd"];
}

type Name = keyof typeof TABLE;
type State = StateOf<typeof TABLE>;
const url = urlState(TABLE);
/** Settings that define the models: changing one starts over. */
const MODEL_PROPS: ReadonlySet<Name> = new Set<Name>(["task", "dims", "points", "start", "ratio", "device", "learningRate", "seed"]);

const form = el<HTMLFormElement>("controls");
buildForm(form, TABLE);
const status = el<HTMLParagraphElement>("status");
const badge = el<HTMLOutputElement>("device-badge");
const checkpointInfo = el<HTMLParagraphElement>("checkpoint-info");
const sizes = el<HTMLParagraphElement>("sizes");
const buttons = {
  train: el<HTMLButtonElement>("train"),
  pause: el<HTMLButtonElement>("pause"),
  reset: el<HTMLButtonElement>("reset"),
  exportJson: el<HTMLButtonElement>("export-json"),
  exportCsv: el<HTMLButtonElement>("export-csv"),
};
const progress = new Progress(el<HTMLProgressElement>("progress"), el("progress-label"));
/** The error-vs-k curves on the chart, for export. */
let shown: Record<string, ErrorCurve> = {};
const errorChart = new ErrorChart(el("eval-chart"));
const lines = MODELS.map((name) => ({ name }));
const stateChart = new LineChart(el("state-chart"), { x: "tokens read", y: "floats kept", logY: true }, lines);
const workChart = new LineChart(el("work-chart"), { x: "token position", y: "multiply-adds", logY: true }, lines);
const lossChart = new LineChart(el("loss-chart"), { x: "steps trained here", y: "loss / zero predictor", logY: true }, lines);

const parsed = url.parse(location.search);
let state: State = parsed.state;
const sessions: Record<Backbone, Session | null> = { transformer: null, xlstm: null };
const losses: Record<Backbone, [number, number][]> = { transformer: [], xlstm: [] };
let baselines: { key: string; curves: Record<string, ErrorCurve> } | null = null;
let epoch = 0;
let pauseRequested = false;

function ratio(): [number, number] {
  const [a, b] = String(state.ratio).split(":").map(Number);
  return [a ?? 1, b ?? 1];
}

/** The page's config for one backbone (a loaded checkpoint keeps its own). */
function config(model: Backbone): SessionConfig {
  return {
    task: taskConfig(state.task, state),
    model,
    xlstmRatio: ratio(),
    dims: state.dims,
    points: state.points,
    learningRate: state.learningRate,
    seed: state.seed,
    device: state.device as SessionConfig["device"],
  };
}

/** The config a model actually runs with. */
function effective(model: Backbone): SessionConfig {
  return sessions[model]?.config ?? config(model);
}

function evalOptions(): EvaluateOptions {
  return { prompts: state.evalPrompts, seed: state.seed };
}

function writeForm(): void {
  for (const name of Object.keys(TABLE) as Name[]) {
    const input = form.elements.namedItem(name);
    if (input instanceof HTMLInputElement || input instanceof HTMLSelectElement) input.value = String(state[name]);
  }
}

function setPage(next: "idle" | "loading" | "running" | "paused" | "done" | "error", message?: string, isError = false): void {
  document.body.dataset.state = next;
  buttons.train.textContent = next === "paused" ? "Resume" : "Train both";
  buttons.train.disabled = next === "running" || next === "loading" || next === "done";
  buttons.pause.disabled = next !== "running";
  const fromCheckpoint = state.start === "checkpoint" && MODELS.some((m) => sessions[m]);
  for (const input of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select")) {
    input.disabled = next === "running" || next === "loading" || (fromCheckpoint && input.dataset.model !== undefined);
  }
  if (message !== undefined) {
    status.textContent = message;
    status.classList.toggle("error", isError);
  }
}

/** Loads both shipped checkpoints for the task (those that exist). */
async function openCheckpoints(): Promise<string[]> {
  const manifest = await loadManifest();
  const notes: string[] = [];
  for (const model of MODELS) {
    const entry = findCheckpoint(manifest, state.task, model);
    const sameRatio = model !== "xlstm" || String(entry?.config.xlstmRatio ?? [1, 1]) === String(ratio());
    if (!entry || !sameRatio) {
      notes.push(`no shipped ${MODEL_NAMES[model]}${model === "xlstm" ? ` [${state.ratio}]` : ""} for ${state.task}: it starts from scratch`);
      continue;
    }
    const s = await loadSession(await fetchCheckpoint(entry), state.device as SessionConfig["device"]);
    sessions[model] = s;
    notes.push(`${MODEL_NAMES[model]}: ${entry.file}, ${s.initialStep.toLocaleString()} steps (${Math.round(entry.wallSeconds / 60)} min natively)`);
  }
  // Both models must read prompts of one shape: a scratch model follows the loaded one.
  const loaded = MODELS.map((m) => sessions[m]).find((s) => s);
  if (loaded) state = { ...state, dims: loaded.config.dims, points: loaded.config.points };
  writeForm();
  return notes;
}

/** Cost curves run past the trained prompt length, far enough to show where they cross. */
const COST_TOKENS = 256;

async function showCosts(): Promise<void> {
  const costs: InferenceCost[] = await Promise.all(MODELS.map((m) => inferenceCost(effective(m), COST_TOKENS)));
  const xs = costs[0]?.tokens ?? [];
  stateChart.show(xs, costs.map((c) => c.stateFloats));
  workChart.show(xs, costs.map((c) => c.multiplyAdds));
  const last = (v: number[]) => v[v.length - 1] ?? 0;
  // Figures at the end of this task's prompt (2·points tokens).
  const prompt = 2 * effective("transformer").points!;
  const at = (v: number[]) => v[Math.min(prompt, v.length) - 1] ?? 0;
  const summary: Record<string, { tokens: number; stateFirst: number; stateLast: number; workFirst: number; workLast: number; crossover: number | null }> = {};
  const [t, x] = costs;
  const crossover = (a: number[] | undefined, b: number[] | undefined) => {
    const i = (a ?? []).findIndex((v, k) => v > (b?.[k] ?? Infinity));
    return i < 0 ? null : i + 1;
  };
  costs.forEach((c) => {
    summary[c.model] = {
      tokens: prompt,
      stateFirst: c.stateFloats[0] ?? 0,
      stateLast: at(c.stateFloats),
      workFirst: c.multiplyAdds[0] ?? 0,
      workLast: at(c.multiplyAdds),
      crossover: c.model === "transformer" ? crossover(t?.stateFloats, x?.stateFloats) : null,
    };
  });
  document.body.dataset.cost = JSON.stringify(summary);
  const params = MODELS.map((m) => (sessions[m] ? `${MODEL_NAMES[m]} ${sessions[m].numParams.toLocaleString()} parameters` : null)).filter(Boolean);
  const cross = summary.transformer?.crossover;
  const perToken = (t?.stateFloats[1] ?? 0) - (t?.stateFloats[0] ?? 0);
  sizes.textContent =
    `After this task's ${prompt} tokens the transformer keeps ${summary.transformer?.stateLast.toLocaleString()} floats ` +
    `(growing by ${perToken.toLocaleString()} per token), the xLSTM ${summary.xlstm?.stateLast.toLocaleString()} (fixed)` +
    (cross ? `; past ${cross - 1} tokens the xLSTM's state is the smaller one.` : ".") +
    (last(xs) > prompt ? ` The cost charts continue to ${last(xs)} tokens for models of the same width and depth.` : "") +
    (params.length ? ` ${params.join(", ")}.` : "");
}

/** Error vs k for both models (whichever exist) and the baselines, on the same prompts. */
async function evaluate(): Promise<void> {
  const mine = epoch;
  const options = evalOptions();
  const key = JSON.stringify([effective("transformer"), options]);
  if (baselines?.key !== key) {
    const result = await evaluateBaselines(effective("transformer"), { ...options, baselines: baselinesFor(state.task) });
    baselines = { key, curves: result.curves };
  }
  const curves: Record<string, ErrorCurve> = {};
  for (const model of MODELS) {
    const s = sessions[model];
    if (!s) continue;
    const result = await s.evaluate({ ...options, baselines: [] });
    const curve = result.curves.model;
    if (curve) curves[model] = curve;
  }
  if (mine !== epoch) return;
  Object.assign(curves, baselines.curves);
  errorChart.show(curves);
  shown = curves;
  const means: Record<string, number[]> = {};
  for (const [name, c] of Object.entries(curves)) means[name] = c.mean;
  document.body.dataset.curves = JSON.stringify(means);
}

async function prepare(): Promise<void> {
  const mine = ++epoch;
  setPage("loading", state.start === "checkpoint" ? "Loading the shipped models…" : "Computing the baselines…");
  checkpointInfo.textContent = "";
  try {
    const notes = state.start === "checkpoint" ? await openCheckpoints() : [];
    if (mine !== epoch) return;
    checkpointInfo.textContent = notes.join(". ");
    document.body.dataset.loaded = MODELS.filter((m) => sessions[m]).join(",");
    await showCosts();
    await evaluate();
    if (mine !== epoch) return;
    setPage("idle", "Press Train both to meta-train the two models side by side on the same prompts.");
  } catch (error) {
    if (mine === epoch) setPage("error", `${describe(error)} Press Reset to try again.`, true);
  }
}

async function reset(): Promise<void> {
  pauseRequested = true;
  const old = MODELS.map((m) => sessions[m]);
  for (const m of MODELS) {
    sessions[m] = null;
    losses[m] = [];
  }
  baselines = null;
  shown = {};
  progress.clear();
  errorChart.clear();
  lossChart.clear();
  for (const key of ["curves", "cost", "loaded", "stepTransformer", "stepXlstm"]) delete document.body.dataset[key];
  await Promise.all(old.map((s) => s?.dispose().catch(() => undefined)));
  await prepare();
}

function showLosses(): void {
  // Both runs advance `every` steps per round; x is steps trained on this page (checkpoints
  // start at different steps).
  const longest = MODELS.map((m) => losses[m]).reduce((a, b) => (b.length > a.length ? b : a));
  lossChart.show(longest.map((_, i) => (i + 1) * state.every), MODELS.map((m) => losses[m].map(([, l]) => l)));
}

function record(model: Backbone, report: Report): void {
  losses[model].push([report.step, report.normalizedLoss]);
  document.body.dataset[model === "transformer" ? "stepTransformer" : "stepXlstm"] = String(report.step);
  if (report.deviceInfo) {
    showDeviceBadge(badge, report.deviceInfo);
  }
}

async function train(): Promise<void> {
  pauseRequested = false;
  const mine = epoch;
  setPage("running", "Building the models…");
  try {
    for (const model of MODELS) sessions[model] ??= await createSession(effective(model));
    if (mine !== epoch) return;
    document.body.dataset.loaded = MODELS.join(",");
    await showCosts();
    // One pump per model, pulled in turn: both advance `every` steps per round.
    const trained = (): number => losses.transformer.length * state.every;
    progress.start(trained(), state.steps);
    const pumps = MODELS.map((model) => {
      const s = sessions[model] as Session;
      const done = (losses[model].at(-1)?.[0] ?? s.initialStep) - s.initialStep;
      return s.train({ steps: Math.max(1, state.steps - done), every: state.every });
    });
    let finished = true;
    for await (const round of rounds(pumps)) {
      if (mine !== epoch) return;
      round.forEach((report, i) => report && record(MODELS[i] as Backbone, report));
      showLosses();
      const at = MODELS.map((m) => `${MODEL_NAMES[m]} ${losses[m].at(-1)?.[1].toFixed(3) ?? "–"}`).join(" · ");
      status.textContent = `${progress.update(Math.min(trained(), state.steps), state.steps)} · step ${losses.transformer.at(-1)?.[0] ?? 0} · loss ÷ zero predictor: ${at}`;
      await evaluate();
      if (pauseRequested || mine !== epoch) {
        finished = false;
        break;
      }
    }
    if (mine !== epoch) return;
    progress.stop(finished ? "done" : "paused");
    setPage(finished ? "done" : "paused", finished ? `${status.textContent} · done` : "Paused.");
  } catch (error) {
    const onGpu = MODELS.map((m) => sessions[m]).filter((s): s is Session => s?.deviceInfo.kind === "webgpu");
    if (mine === epoch && deviceLost(error) && onGpu.length > 0) {
      await continueFromSnapshots(onGpu, mine);
      return;
    }
    progress.stop();
    if (mine === epoch) setPage("error", `${describe(error)} Press Reset to start again.`, true);
  }
}

/** The GPU was lost mid-run: both models move to the CPU; the charts drop what they forgot. */
async function continueFromSnapshots(onGpu: Session[], mine: number): Promise<void> {
  setPage("running", "The GPU was lost; moving the models to the CPU…");
  try {
    const lostAt = Math.max(...MODELS.map((m) => losses[m].at(-1)?.[0] ?? 0));
    const { note } = await continueOnCpu(onGpu, lostAt);
    if (mine !== epoch) return;
    for (const model of MODELS) {
      const s = sessions[model];
      if (!s) continue;
      const from = s.snapshotStep ?? s.initialStep;
      if (onGpu.includes(s)) losses[model] = losses[model].filter(([step]) => step <= from);
    }
    document.body.dataset.recovered = note;
    badge.dataset.kind = "cpu";
    badge.textContent = "device: CPU";
    badge.title = note;
    showLosses();
  } catch (error) {
    progress.stop();
    if (mine === epoch) setPage("error", `${describe(error)} Press Reset to start again.`, true);
    return;
  }
  await train();
}

function results(): object {
  return { page: "compare", url: location.href, settings: state, losses, curves: shown };
}

function resultsCsv(): string {
  const rows = errorCurveRows(shown);
  for (const model of MODELS) for (const [step, loss] of losses[model]) rows.push(["normalized_training_loss", model, step, loss, "", ""]);
  return csv(["series", "name", "x", "value", "lower", "upper"], rows);
}

buttons.exportJson.addEventListener("click", () => download(`${stamp("compare")}.json`, JSON.stringify(results(), null, 1), "application/json"));
buttons.exportCsv.addEventListener("click", () => download(`${stamp("compare")}.csv`, resultsCsv(), "text/csv"));
mountShare(el<HTMLButtonElement>("share"), "compare", (c) => url.serialize(state, c), url.chrome);

watchSettings(form, TABLE, url, { get: () => state, set: (next) => (state = next) }, status, (name) => {
  if (MODEL_PROPS.has(name)) void reset();
  else if (name === "evalPrompts" && document.body.dataset.state !== "running") void evaluate().catch((e: unknown) => setPage("error", describe(e), true));
  else if (name === "steps" && document.body.dataset.state === "done") setPage("paused");
});
buttons.train.addEventListener("click", () => void train());
buttons.pause.addEventListener("click", () => {
  pauseRequested = true;
});
buttons.reset.addEventListener("click", () => void reset());

writeForm();
applyChrome(form, parsed.chrome);
void prepare().then(() => {
  if (parsed.problems.length) {
    status.textContent = `URL: ${parsed.problems.join("; ")}`;
    status.classList.add("error");
  }
});
