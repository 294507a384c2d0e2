/**
 * In-context regression page: wires the controls, the URL state and the charts to an iclab
 * session. Training and evaluation run in the package's worker; this file only pulls numbers and
 * draws them.
 */
import {
  capabilities,
  createSession,
  IclabError,
  loadSession,
  type Report,
  type Session,
  type SessionConfig,
} from "iclab";
import { LossChart } from "./charts.js";
import { readControl, urlState, type StateOf } from "./state.js";
import { buildForm } from "./form.js";
import { ICL as PROPS, TASK_PARAM_NAMES } from "./tables.js";
import { applyChrome } from "./chrome.js";
import { csv, download, errorCurveRows, stamp } from "./files.js";
import { renderBaselineChecks, sessionConfig, showModelSettings, writeForm } from "./icl-form.js";
import { IclEvaluation } from "./icl-eval.js";
import { Progress } from "./progress.js";
import { TARGET_ERROR, TargetWatch } from "./target.js";
import { mountShare } from "./share.js";
import { continueOnCpu, describe, deviceLost, el, showDeviceBadge } from "./dom.js";
import { fetchCheckpoint, findCheckpoint, loadManifest, MODEL_NAMES } from "./checkpoints.js";
import { PlateauView } from "./plateau.js";
import "./style.css";

type PageState = "idle" | "loading" | "running" | "paused" | "done" | "error";
type PropName = keyof typeof PROPS;
type State = StateOf<typeof PROPS>;
const { parse, parseValue, serialize, chrome } = urlState(PROPS);

const form = el<HTMLFormElement>("controls");
buildForm(form, PROPS);
const badge = el<HTMLOutputElement>("device-badge");
const status = el<HTMLParagraphElement>("status");
const checkpointInfo = el<HTMLParagraphElement>("checkpoint-info");
const buttons = {
  train: el<HTMLButtonElement>("train"),
  pause: el<HTMLButtonElement>("pause"),
  reset: el<HTMLButtonElement>("reset"),
  evaluate: el<HTMLButtonElement>("evaluate"),
  nextPrompt: el<HTMLButtonElement>("next-prompt"),
  save: el<HTMLButtonElement>("save-model"),
  load: el<HTMLButtonElement>("load-model"),
  exportJson: el<HTMLButtonElement>("export-json"),
  exportCsv: el<HTMLButtonElement>("export-csv"),
};
const fileInput = el<HTMLInputElement>("model-file");
const progress = new Progress(el<HTMLProgressElement>("progress"), el("progress-label"));
const lossChart = new LossChart(el("loss-chart"));

const parsed = parse(location.search);
let state: State = parsed.state;
let session: Session | null = null;
/** Bumped on every reset so late answers of an old session are dropped. */
let epoch = 0;
let pauseRequested = false;
let firstLoss: number | null = null;
/** A model trained here from scratch is watched against the in-context target. */
const target = new TargetWatch();
/** Said in front of every status line after the GPU was lost and training moved to the CPU. */
let deviceNote = "";
/** A checkpoint the visitor loaded from disk: Reset goes back to it instead of the shipped one. */
let uploaded: { name: string; bytes: Uint8Array } | null = null;
const losses: { step: number; loss: number; normalizedLoss: number }[] = [];


/** Settings that define the model: changing one starts a new experiment. */
const MODEL_PROPS: ReadonlySet<string> = new Set<string>([
  "start", "task", "model", ...TASK_PARAM_NAMES, "device", "preset", "tokens", "dims", "points",
  "batchSize", "learningRate", "warmupSteps", "decaySteps", "seed",
]);
/** Settings of the evaluation only. */
const EVAL_PROPS: ReadonlySet<PropName> = new Set<PropName>([
  "baselines", "probe", "probeScale", "probeNoise", "evalPrompts", "prompt",
]);

const evaluation = new IclEvaluation(
  { form, status, state: () => state, session: () => session, epoch: () => epoch, busy: () => busy() },
  el("eval-chart"),
  el("prompt-chart"),
);
const evaluate = (modelOnly = false): Promise<void> => evaluation.run(modelOnly);

function busy(): boolean {
  const s = document.body.dataset.state;
  return s === "running" || s === "loading" || plateauRunning;
}

/** The "plateau or not" view trains on the same worker: the main demo waits while it runs. */
let plateauRunning = false;
const plateau = new PlateauView(
  () => ({ config: sessionConfig(state), steps: state.plateauSteps, every: state.every }),
  {
    busy: (running) => {
      plateauRunning = running;
      setPage((document.body.dataset.state as PageState | undefined) ?? "idle");
    },
  },
);

function setPage(next: PageState, message?: string, isError = false): void {
  document.body.dataset.state = next;
  const working = busy();
  buttons.train.textContent = next === "paused" ? "Resume" : "Train";
  buttons.train.disabled = working || next === "done";
  buttons.pause.disabled = next !== "running";
  buttons.evaluate.disabled = working;
  buttons.save.disabled = session === null || working;
  buttons.load.disabled = working;
  plateau.setAvailable(!working);
  const fromCheckpoint = session !== null && (state.start === "checkpoint" || uploaded !== null);
  for (const input of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select")) {
    const locked = fromCheckpoint && input.dataset.model !== undefined;
    input.disabled = working || locked;
  }
  if (message !== undefined) {
    status.textContent = message;
    status.classList.toggle("error", isError);
  }
  // an evaluation setting changed while the page was busy: run it now (after the message, so its
  // "Evaluating…" line is what the status shows); an error leaves it pending, the chart undimmed
  if (!working && evaluation.pending && next !== "error") {
    evaluation.pending = false;
    void evaluate().catch((error: unknown) => setPage("error", describe(error), true));
  } else if (next === "error") {
    evaluation.failed();
  }
}

function showDevice(report: Report | null, s: Session): void {
  showDeviceBadge(badge, report?.deviceInfo ?? s.deviceInfo);
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
  showLoaded(s, entry.file, `meta-trained natively for ${s.initialStep.toLocaleString()} steps (${Math.round(entry.wallSeconds / 60)} min)`);
  document.body.dataset.checkpoint = state.task;
  return s;
}

/** Describes a loaded model and shows its own settings in the (locked) model controls. */
function showLoaded(s: Session, file: string, history: string): void {
  const c = s.config;
  checkpointInfo.textContent =
    `Loaded ${file}: ${c.preset} ${MODEL_NAMES[c.model ?? "transformer"]} for ${c.task.kind}, d = ${c.dims}, ${c.points} points, ${history}.`;
  showModelSettings(form, c);
}

/** A checkpoint from the visitor's disk, validated by the core exactly as the CLI does. */
async function openUploaded(file: { name: string; bytes: Uint8Array }): Promise<Session> {
  const s = await loadSession(file.bytes, state.device as SessionConfig["device"]);
  showLoaded(s, file.name, `trained for ${s.initialStep.toLocaleString()} steps`);
  document.body.dataset.checkpoint = "uploaded";
  return s;
}

/** Builds (or loads) the model for the current settings and shows its curves. */
async function prepare(): Promise<void> {
  const mine = ++epoch;
  setPage("loading", state.start === "checkpoint" ? "Loading the shipped model…" : "Computing the baselines…");
  checkpointInfo.textContent = "";
  delete document.body.dataset.checkpoint;
  try {
    const s = uploaded ? await openUploaded(uploaded) : state.start === "checkpoint" ? await openCheckpoint() : null;
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
        ? `${uploaded ? "Your" : "Shipped"} model loaded at step ${s.initialStep}. Press Train to keep meta-training it here.`
        : `Press Train to meta-train ${state.model === "xlstm" ? "an xLSTM" : "a transformer"} from scratch on this function class.` +
            (state.tokens === "paired" && state.task === "linear"
              ? ` With paired tokens it usually learns in context within a thousand steps: watch the error with ${2 * state.dims} examples fall to ${TARGET_ERROR}.`
              : ""),
    );
  } catch (error) {
    if (mine !== epoch) return;
    if (uploaded) {
      // The visitor's file cannot be used (e.g. it had blown up): Reset starts from the settings.
      uploaded = null;
      const s = session;
      session = null;
      await s?.dispose().catch(() => undefined);
    }
    setPage("error", `${describe(error)} Press Reset to try again.`, true);
  }
}

async function reset(): Promise<void> {
  pauseRequested = true;
  const old = session;
  session = null;
  firstLoss = null;
  target.reset();
  deviceNote = "";
  losses.length = 0;

  progress.clear();
  lossChart.clear();
  evaluation.clear();
  for (const key of ["firstLoss", "lastLoss", "step", "evaluated", "curves", "reached"]) delete document.body.dataset[key];
  await old?.dispose().catch(() => undefined);
  await prepare();
}

async function train(): Promise<void> {
  pauseRequested = false;
  const mine = epoch;
  setPage("running", session ? "Resuming…" : "Opening the device and building the model…");
  try {
    session ??= await createSession(sessionConfig(state));
    showDevice(null, session);
    const start = session.initialStep;
    const done = Number(document.body.dataset.step ?? start) - start;
    progress.start(done, state.steps);
    const fromScratch = start === 0;
    target.resume();
    for await (const report of session.train({ steps: Math.max(1, state.steps - done), every: state.every })) {
      if (mine !== epoch) return;
      if (report.deviceInfo) showDevice(report, session);
      firstLoss ??= report.normalizedLoss;
      lossChart.push(report.step, report.normalizedLoss);
      losses.push({ step: report.step, loss: report.loss, normalizedLoss: report.normalizedLoss });
      const left = progress.update(report.step - start, state.steps);
      document.body.dataset.step = String(report.step);
      document.body.dataset.firstLoss = String(firstLoss);
      document.body.dataset.lastLoss = String(report.normalizedLoss);
      status.textContent = `${deviceNote}${left} · step ${report.step} · loss ${report.loss.toFixed(4)} (${report.normalizedLoss.toFixed(3)} of zero predictor) · ${report.stepsPerSecond.toFixed(1)} steps/s on ${report.device}`;
      await evaluate(true);
      if (mine !== epoch) return;
      const note = fromScratch ? target.note(report.step, evaluation.last?.curves.model?.mean, state.dims) : "";
      if (note) status.textContent += ` · ${note}`;
      if (target.reached) document.body.dataset.reached = JSON.stringify(target.reached);
      if (pauseRequested) break;
    }
    if (mine !== epoch) return;
    const finished = Number(document.body.dataset.step) - start >= state.steps;
    progress.stop(finished ? "done" : "paused");
    setPage(finished ? "done" : "paused", finished ? `${status.textContent} · done` : `Paused at step ${document.body.dataset.step}.`);
  } catch (error) {
    if (mine !== epoch) return;
    if (deviceLost(error) && session && session.deviceInfo.kind === "webgpu") {
      await continueFromSnapshot(session, mine);
      return;
    }
    progress.stop();
    setPage("error", describe(error), true);
    if (error instanceof IclabError && (error.code === "diverged" || error.code === "unknown_session")) {
      status.textContent += " Press Reset to start again.";
    }
  }
}

/** The GPU was lost mid-run: the session moves to the CPU, the charts drop what it forgot. */
async function continueFromSnapshot(s: Session, mine: number): Promise<void> {
  setPage("running", "The GPU was lost; moving the model to the CPU…");
  try {
    const { note, steps } = await continueOnCpu([s], Number(document.body.dataset.step ?? s.initialStep));
    if (mine !== epoch) return;
    const from = steps[0] ?? s.initialStep;
    lossChart.truncate(from);
    const forgotten = losses.findIndex((l) => l.step > from);
    if (forgotten >= 0) losses.splice(forgotten);
    document.body.dataset.step = String(from);
    document.body.dataset.recovered = String(from);
    deviceNote = `${note} `;
    showDevice(null, s);
  } catch (error) {
    if (mine !== epoch) return;
    progress.stop();
    setPage("error", `${describe(error)} Press Reset to start again.`, true);
    return;
  }
  await train();
}

/** Everything the charts show, with the settings that produced it. */
function results(): object {
  return { page: "icl", url: location.href, settings: state, step: Number(document.body.dataset.step ?? 0), losses, evaluation: evaluation.last };
}

/** One row per (curve, k): the error-vs-k chart; then one row per report: the loss chart. */
function resultsCsv(): string {
  const rows = errorCurveRows(evaluation.last?.curves ?? {}).map((row) => [...row, ""]);
  for (const l of losses) rows.push(["training_loss", "model", l.step, l.loss, "", "", l.normalizedLoss]);
  return csv(["series", "name", "x", "value", "lower", "upper", "normalized"], rows);
}

/** Reads a checkpoint from disk; the current model stays until the new one has loaded. */
async function loadFromDisk(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  setPage("loading", `Checking ${file.name}…`);
  let s: Session;
  try {
    s = await loadSession(bytes, state.device as SessionConfig["device"]);
  } catch (error) {
    setPage(session ? "paused" : "idle", `${file.name} was not loaded: ${describe(error)} The current model is unchanged.`, true);
    return;
  }
  await s.dispose();
  uploaded = { name: file.name, bytes };
  await reset();
}

function commit(name: PropName, value: string | number): void {
  state = { ...state, [name]: value };
  history.replaceState(null, "", `${location.pathname}${serialize(state)}`);
  writeForm(form, state);
  if (MODEL_PROPS.has(name)) {
    // A new setting means a new experiment, as in TF Playground.
    uploaded = null;
    void plateau.reset();
    void reset();
  } else if (EVAL_PROPS.has(name)) {
    if (busy()) {
      // training refreshes the curves at its next report; the plateau view does not, so it waits
      evaluation.defer();
    } else {
      void evaluate().catch((error: unknown) => setPage("error", describe(error), true));
    }
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
buttons.save.addEventListener("click", () => {
  const s = session;
  if (!s) return;
  void s.save().then(
    (bytes) => download(`${stamp(`${s.config.model ?? "transformer"}-${s.config.task.kind}`)}.safetensors`, bytes as Uint8Array<ArrayBuffer>, "application/octet-stream"),
    (error: unknown) => setPage("error", describe(error), true),
  );
});
buttons.load.addEventListener("click", () => fileInput.click());
fileInput.addEventListener("change", () => {
  const file = fileInput.files?.[0];
  fileInput.value = "";
  if (file) void loadFromDisk(file);
});
buttons.exportJson.addEventListener("click", () => download(`${stamp("icl")}.json`, JSON.stringify(results(), null, 1), "application/json"));
buttons.exportCsv.addEventListener("click", () => download(`${stamp("icl")}.csv`, resultsCsv(), "text/csv"));
mountShare(el<HTMLButtonElement>("share"), "icl", (c) => serialize(state, c), chrome);

renderBaselineChecks();
writeForm(form, state);
applyChrome(form, parsed.chrome);
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
      badge.title = caps.reason;
    }
  },
  (error: unknown) => {
    badge.textContent = "device check failed";
    badge.title = describe(error);
  },
);
