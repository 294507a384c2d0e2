/**
 * In-context regression page: wires the controls, the URL state and the charts to an iclab
 * session. Training runs in the package's worker; this file only pulls reports and draws.
 */
import { capabilities, createSession, IclabError, type Report, type Session, type SessionConfig } from "iclab";
import { ErrorChart, LossChart } from "./charts.js";
import { PROPS, parse, parseValue, serialize, type PropName, type State } from "./state.js";
import "./style.css";

type PageState = "idle" | "running" | "paused" | "done" | "error";

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
}

const form = el<HTMLFormElement>("controls");
const badge = el<HTMLOutputElement>("device-badge");
const status = el<HTMLParagraphElement>("status");
const buttons = {
  train: el<HTMLButtonElement>("train"),
  pause: el<HTMLButtonElement>("pause"),
  reset: el<HTMLButtonElement>("reset"),
  evaluate: el<HTMLButtonElement>("evaluate"),
};
const lossChart = new LossChart(el("loss-chart"));
const errorChart = new ErrorChart(el("eval-chart"));

const parsed = parse(location.search);
let state: State = parsed.state;
let session: Session | null = null;
let pauseRequested = false;
let firstLoss: number | null = null;

function field(name: PropName): HTMLInputElement | HTMLSelectElement | null {
  return form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
}

function writeForm(): void {
  for (const name of Object.keys(PROPS) as PropName[]) {
    const input = field(name);
    if (input) input.value = String(state[name]);
  }
}

function setPage(next: PageState, message?: string, isError = false): void {
  document.body.dataset.state = next;
  buttons.train.textContent = next === "paused" ? "Resume" : "Train";
  buttons.train.disabled = next === "running" || next === "done";
  buttons.pause.disabled = next !== "running";
  buttons.evaluate.disabled = session === null || next === "running";
  for (const input of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select")) {
    input.disabled = next === "running";
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

function describe(error: unknown): string {
  if (error instanceof IclabError) return `${error.message} (${error.code}${error.field ? `: ${error.field}` : ""})`;
  return String(error);
}

async function reset(): Promise<void> {
  pauseRequested = true;
  const old = session;
  session = null;
  firstLoss = null;
  lossChart.clear();
  errorChart.clear();
  delete document.body.dataset.firstLoss;
  delete document.body.dataset.lastLoss;
  delete document.body.dataset.step;
  setPage("idle", "Press Train to meta-train a transformer on random linear functions.");
  await old?.dispose().catch(() => undefined);
}

async function train(): Promise<void> {
  pauseRequested = false;
  setPage("running", session ? "Resuming…" : "Opening the device and building the model…");
  try {
    session ??= await createSession(config());
    showDevice(null, session);
    const remaining = state.steps - (Number(document.body.dataset.step) || 0);
    for await (const report of session.train({ steps: Math.max(1, remaining), every: state.every })) {
      if (report.deviceInfo) showDevice(report, session);
      firstLoss ??= report.normalizedLoss;
      lossChart.push(report.step, report.normalizedLoss);
      document.body.dataset.step = String(report.step);
      document.body.dataset.firstLoss = String(firstLoss);
      document.body.dataset.lastLoss = String(report.normalizedLoss);
      status.textContent = `step ${report.step} · loss ${report.loss.toFixed(4)} (${report.normalizedLoss.toFixed(3)} of zero predictor) · ${report.stepsPerSecond.toFixed(1)} steps/s on ${report.device}`;
      if (pauseRequested) break;
    }
    const done = Number(document.body.dataset.step) >= state.steps;
    setPage(done ? "done" : "paused", done ? `${status.textContent} · done` : `Paused at step ${document.body.dataset.step}.`);
  } catch (error) {
    setPage("error", describe(error), true);
    if (error instanceof IclabError && (error.code === "diverged" || error.code === "unknown_session")) {
      status.textContent += " Press Reset to start again.";
    }
    if (!session) setPage("idle", describe(error), true);
  }
}

async function evaluate(): Promise<void> {
  if (!session) return;
  buttons.evaluate.disabled = true;
  try {
    const evaluation = await session.evaluate({ prompts: state.evalPrompts });
    errorChart.show(evaluation.model);
    document.body.dataset.evaluated = String(evaluation.step);
  } catch (error) {
    status.textContent = describe(error);
    status.classList.add("error");
  } finally {
    buttons.evaluate.disabled = session === null || document.body.dataset.state === "running";
  }
}

form.addEventListener("change", (event) => {
  const target = event.target as HTMLInputElement | HTMLSelectElement;
  const name = target.name as PropName;
  if (!(name in PROPS)) return;
  const value = parseValue(name, target.value);
  if (value === null) {
    status.textContent = `${name}: "${target.value}" is not valid; kept ${state[name]}.`;
    status.classList.add("error");
    target.value = String(state[name]);
    return;
  }
  state = { ...state, [name]: value };
  history.replaceState(null, "", `${location.pathname}${serialize(state)}`);
  // A new setting means a new experiment, as in TF Playground.
  if (session && name !== "steps" && name !== "every") void reset();
  else if (name === "steps" && document.body.dataset.state === "done") setPage("paused");
});
buttons.train.addEventListener("click", () => void train());
buttons.pause.addEventListener("click", () => {
  pauseRequested = true;
});
buttons.reset.addEventListener("click", () => void reset());
buttons.evaluate.addEventListener("click", () => void evaluate());

writeForm();
setPage("idle", parsed.problems.length ? `URL: ${parsed.problems.join("; ")}` : undefined, parsed.problems.length > 0);
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
