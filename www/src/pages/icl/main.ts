/**
 * In-context regression page: wires the controls, the URL state and the charts to an iclab
 * session. Training and evaluation run in the package's worker; this file only pulls numbers and
 * draws them.
 */
import {
  createSession,
  IclabError,
  loadSession,
  readCurves,
  type Backbone,
  type ErrorCurve,
  type Evaluation,
  type Report,
  type Session,
  type SessionConfig,
  type Trained,
} from "iclab";
import { LossChart } from "../../charts/loss-chart.js";
import { ICL as PROPS } from "./table.js";
import { Page, type Phase } from "../../shell/page.js";
import { trainedOn } from "../../shell/run.js";
import { EVAL_PROPS, exportCsv, exportJson, MODEL_PROPS } from "./settings.js";
import {
  classBaselines,
  describeModel,
  renderBaselineChecks,
  sessionConfig,
  showModelSettings,
  sizeShape,
  writeForm,
} from "./form.js";
import { IclEvaluation } from "./eval.js";
import { AsideEvaluations } from "./aside.js";
import { TargetWatch } from "./target.js";
import { showRecorded } from "./recorded.js";
import { type ModelFile, wireModelFiles } from "./model-file.js";
import { continueOnCpu, describe, el } from "../../shell/dom.js";
import {
  fetchCheckpoint,
  findCheckpoint,
  loadManifest,
  MODEL_NAMES,
} from "../../shell/checkpoints.js";
import { PlateauView } from "./plateau.js";
import { LayersView } from "./layers.js";
import { classText, idleText } from "./explain.js";
import "../../style.css";

type PropName = keyof typeof PROPS & string;

/** Train's label while a trained (shipped or loaded) model is on the page. */
const FURTHER = "Train this model on";
/** Whether the page shows a trained model (shipped or the visitor's), not one trained here from scratch. */
const showsTrained = (state: typeof page.state): boolean =>
  session !== null && (state.start === "checkpoint" || uploaded !== null);

const page: Page<typeof PROPS> = new Page({
  kind: "icl",
  table: PROPS,
  // a link that does not choose the baselines gets its function class's own
  derived: (state) => ({ baselines: classBaselines(String(state.task)) }),
  trainLabel: "Train",
  // the shipped (or a loaded) model is trained already: the first action is a blank one
  blank: {
    shown: () => showsTrained(page.state),
    further: FURTHER,
    explain: () => {
      const what = page.state.task === "linear" ? "linear regression" : "this function class";
      const steps = (session?.initialStep ?? 0).toLocaleString("en");
      return (
        `Train a blank model: a ${MODEL_NAMES[page.state.model as Backbone]} starts from random weights and learns ${what} in context while you watch. ` +
        trainedOn(FURTHER, uploaded ? "your model" : "the shipped model", steps)
      );
    },
    start: trainBlank,
  },
  // A loaded model keeps its own shape: the model settings show it, locked.
  locked: (control) => showsTrained(page.state) && control.dataset.model !== undefined,
  alsoBusy: () => plateauRunning,
  onPhase,
  // the panel always shows the model on the page: a loaded one's own settings, locked, whatever
  // a later change (a probe, a baseline) writes from the table
  writeForm: (form, state) => {
    writeForm(form, state);
    if (session !== null && showsTrained(state)) showModelSettings(form, session.config);
  },
  changed,
  rebuilds: (name) => MODEL_PROPS.has(name),
  train,
  reset,
  results,
  resultsCsv,
});
const { form, status } = page;
const checkpointInfo = el<HTMLParagraphElement>("checkpoint-info");
const buttons = {
  evaluate: el<HTMLButtonElement>("evaluate"),
  nextPrompt: el<HTMLButtonElement>("next-prompt"),
  save: el<HTMLButtonElement>("save-model"),
  load: el<HTMLButtonElement>("load-model"),
};
const lossChart = new LossChart(el("loss-chart"));
const chartReading = el<HTMLParagraphElement>("chart-reading");
const classParagraph = el<HTMLParagraphElement>("class-text");

let session: Session | null = null;
/** The model's training step, once it has one (a loaded model's, or the last report's). */
let step: number | null = null;
let firstLoss: number | null = null;
/** The evaluation settings the training stream on screen evaluates on. */
let evaluatedFor = "";
/** The step the running `train()` stream ends at. */
let streamEnd = 0;
/** A model trained here from scratch is watched against the in-context target. */
const target = new TargetWatch();
/** Training's evaluations in the second worker, on the CPU (aside.ts); `null` in the stream. */
let aside: AsideEvaluations | null = null;
/** The second worker failed once: this page's evaluations go back into the stream. */
let asideFailed = false;
/** A checkpoint the visitor loaded from disk: Reset goes back to it instead of the shipped one. */
let uploaded: ModelFile | null = null;
const losses: { step: number; loss: number; normalizedLoss: number }[] = [];

const evaluation = new IclEvaluation(
  {
    form,
    status,
    state: () => page.state,
    session: () => session,
    epoch: () => page.epoch,
    busy: () => page.working,
  },
  el("eval-chart"),
  el("prompt-chart"),
);
/**
 * The reading is the core's, of the curves on screen (merged from several calls while a model
 * trains or a slow baseline arrives): the model against its nearest rival, past its noise.
 */
async function readOut(): Promise<void> {
  const last = evaluation.last;
  const reading = last
    ? await readCurves(last.curves as Record<string, ErrorCurve>, last.dims).catch(() => null)
    : null;
  if (evaluation.last === last) chartReading.textContent = reading?.statement ?? "";
}
const evaluate = (modelOnly = false): Promise<void> => evaluation.run(modelOnly).then(readOut);
// the slow baselines arrive later, in the background: the reading takes them in then
evaluation.onSlowDone = readOut;

/** The "plateau or not" view trains on the same worker: the main demo waits while it runs. */
let plateauRunning = false;
const plateau = new PlateauView(
  () => ({
    config: sessionConfig(page.state),
    steps: page.state.plateauSteps,
    every: page.state.every,
  }),
  {
    busy: (running) => {
      plateauRunning = running;
      page.refresh();
    },
  },
);

/** What each layer computes, for the model on screen (and, once opened, as it trains). */
const layers = new LayersView(
  () => session,
  () => ({ prompts: Math.min(512, Math.max(64, page.state.evalPrompts)), seed: page.state.seed }),
);

/** The page's own controls after every phase change (the shared ones are the controller's). */
function onPhase(next: Phase, working: boolean): void {
  buttons.evaluate.disabled = working;
  buttons.save.disabled = session === null || working;
  buttons.load.disabled = working;
  plateau.setAvailable(!working);
  layers.setAvailable(!working);
  // an evaluation setting changed while the page was busy: run it now (after the message, so its
  // "Evaluating…" line is what the status shows); an error leaves it pending, the chart undimmed
  if (!working && evaluation.pending && next !== "error") {
    evaluation.pending = false;
    void evaluate().catch((error: unknown) => page.set("error", describe(error), true));
  } else if (next === "error") {
    evaluation.failed();
  }
}

function showDevice(report: Report | null, s: Session): void {
  page.showDevice(report?.deviceInfo ?? s.deviceInfo);
}

/** Loads the shipped checkpoint for the current task and model, or explains why there is none. */
async function openCheckpoint(): Promise<Session | null> {
  const model = page.state.model as keyof typeof MODEL_NAMES;
  const entry = findCheckpoint(await loadManifest(), page.state.task, model);
  if (!entry) {
    checkpointInfo.textContent = `No shipped ${MODEL_NAMES[model]} checkpoint for ${page.state.task}: train from scratch.`;
    return null;
  }
  const mine = page.epoch;
  const [bytes] = await Promise.all([
    fetchCheckpoint(entry),
    showRecorded(lossChart, entry.file, () => page.isCurrent(mine)),
  ]);
  if (entry.layerAnalysis)
    void layers.showRecorded(entry.layerAnalysis, () => page.isCurrent(mine));
  const s = await loadSession(bytes, page.state.device as SessionConfig["device"]);
  showLoaded(
    s,
    entry.file,
    `meta-trained natively for ${s.initialStep.toLocaleString()} steps (${Math.round(entry.wallSeconds / 60)} min)`,
  );
  document.body.dataset.checkpoint = page.state.task;
  return s;
}

/** Describes a loaded model and shows its own settings in the (locked) model controls. */
function showLoaded(s: Session, file: string, history: string): void {
  const c = s.config;
  checkpointInfo.textContent = `Loaded ${file}: ${describeModel(c)} for ${c.task.kind}, d = ${c.dims}, ${c.points} points, ${history}.`;
  showModelSettings(form, c);
}

/** A checkpoint from the visitor's disk, validated by the core exactly as the CLI does. */
async function openUploaded(file: ModelFile): Promise<Session> {
  const s = await loadSession(file.bytes, page.state.device as SessionConfig["device"]);
  showLoaded(s, file.name, `trained for ${s.initialStep.toLocaleString()} steps`);
  document.body.dataset.checkpoint = "uploaded";
  return s;
}

/** Builds (or loads) the model for the current settings and shows its curves. */
async function prepare(): Promise<void> {
  const mine = page.newEpoch();
  page.set(
    "loading",
    page.state.start === "checkpoint" ? "Loading the shipped model…" : "Computing the baselines…",
  );
  checkpointInfo.textContent = "";
  delete document.body.dataset.checkpoint;
  try {
    const s = uploaded
      ? await openUploaded(uploaded)
      : page.state.start === "checkpoint"
        ? await openCheckpoint()
        : null;
    if (!page.isCurrent(mine)) {
      await s?.dispose();
      return;
    }
    session = s;
    if (s) showDevice(null, s);
    await evaluate();
    if (!page.isCurrent(mine)) return;
    page.set("idle", idleText(page.state, s && { yours: uploaded !== null, step: s.initialStep }));
  } catch (error) {
    if (!page.isCurrent(mine)) return;
    if (uploaded) {
      // The visitor's file cannot be used (e.g. it had blown up): Reset starts from the settings.
      uploaded = null;
      const s = session;
      session = null;
      await s?.dispose().catch(() => undefined);
    }
    page.set("error", `${describe(error)} Press Reset to try again.`, true);
  }
}

async function reset(): Promise<void> {
  page.requestPause();
  const old = session;
  session = null;
  firstLoss = null;
  step = null;
  target.reset();
  losses.length = 0;

  page.clearRun();
  lossChart.clearAll();
  evaluation.clear();
  layers.clear();
  chartReading.textContent = "";
  for (const key of ["firstLoss", "lastLoss", "step", "evaluated", "curves", "reached"])
    delete document.body.dataset[key];
  await old?.dispose().catch(() => undefined);
  await prepare();
}

/** The first action on a trained model: the page switches to a blank one and trains it. */
async function trainBlank(): Promise<void> {
  uploaded = null;
  page.assign({ start: "scratch" });
  void plateau.reset();
  await reset();
  if (page.phase === "idle" && session === null) await train();
}

/**
 * A model trained here from scratch is watched against the in-context target, on its newest
 * evaluation (of the report's step, or an earlier one while the next computes aside): the
 * status line's words.
 */
function watchTarget(s: Session): string {
  if (s.initialStep !== 0) return "";
  const last = evaluation.last;
  const note = target.note(last?.step ?? 0, last?.curves.model?.mean, page.state.dims);
  if (target.reached) document.body.dataset.reached = JSON.stringify(target.reached);
  return note;
}

/**
 * One evaluation beside training (aside.ts), drawn when it comes unless the page moved on; if
 * the second worker fails, the page evaluates in the first from then on.
 */
async function evaluateAside(s: Session, key: string, mine: number): Promise<void> {
  try {
    const result = await s.evaluateAside(evaluation.trainingOptions().options);
    if (!page.isCurrent(mine) || session !== s) return;
    await evaluation.trained(result, key, false).then(readOut);
    watchTarget(s);
  } catch {
    if (!page.isCurrent(mine) || session !== s) return;
    asideFailed = true;
    aside = null;
    await evaluate(true);
  }
}

/** Trains the model on screen (a blank one is built first) for the page's steps. */
function train(): Promise<void> {
  return page.run({
    opening: session ? "Resuming…" : "Opening the device and building the model…",
    work: () => {
      const start = session?.initialStep ?? 0;
      return [(step ?? start) - start, page.state.steps];
    },
    start: async (mine) => {
      session ??= await createSession(sessionConfig(page.state));
      if (!page.isCurrent(mine)) return null;
      showDevice(null, session);
      const start = session.initialStep;
      target.resume();
      const from = step ?? start;
      const steps = Math.max(1, page.state.steps - (from - start));
      streamEnd = from + steps;
      // the model is evaluated at every report (its curve redrawn over the cached baselines): on
      // the CPU beside training, in the second worker; on a GPU in the stream
      const { key, options } = evaluation.trainingOptions();
      evaluatedFor = key;
      aside?.clear();
      aside = session.deviceInfo.kind === "cpu" && !asideFailed ? new AsideEvaluations() : null;
      return session.train({
        steps,
        every: page.state.every,
        ...(aside ? {} : { evalEvery: page.state.every, evaluate: options }),
      });
    },
    draw: async ({ report, evaluation: evaluated }: Trained<Report, Evaluation>, mine) => {
      const s = session as Session;
      if (report.deviceInfo) showDevice(report, s);
      firstLoss ??= report.normalizedLoss;
      lossChart.push(report.step, report.normalizedLoss);
      losses.push({
        step: report.step,
        loss: report.loss,
        normalizedLoss: report.normalizedLoss,
      });
      step = report.step;
      document.body.dataset.step = String(report.step);
      document.body.dataset.firstLoss = String(firstLoss);
      document.body.dataset.lastLoss = String(report.normalizedLoss);
      const line = `step ${report.step} · loss ${report.loss.toFixed(4)} (${report.normalizedLoss.toFixed(3)} of zero predictor) · ${report.stepsPerSecond.toFixed(1)} steps/s on ${report.device}`;
      if (evaluated) await evaluation.trained(evaluated, evaluatedFor).then(readOut);
      if (aside) {
        aside.request(() => evaluateAside(s, evaluatedFor, mine));
        // the single-prompt view of the model as it is now, while the session waits
        await evaluation.showPrompt();
        // the run's last model is on the chart before the run says it is done
        if (report.step >= streamEnd) await aside.settled();
      }
      if (!page.isCurrent(mine)) return line;
      await layers.live();
      const note = watchTarget(s);
      return note ? `${line} · ${note}` : line;
    },
    // a blank model that ends its budget short of the target says so plainly (the shell adds how
    // to go on)
    done: () =>
      (session as Session).initialStep === 0
        ? target.missed(step ?? 0, evaluation.last?.curves.model?.mean, page.state.dims)
        : null,
    paused: () => `Paused at step ${step ?? session?.initialStep ?? 0}.`,
    hint: (error) =>
      error instanceof IclabError && (error.code === "diverged" || error.code === "unknown_session")
        ? "Press Reset to start again."
        : "",
    recover: async () => {
      const s = session as Session;
      const { note, steps } = await continueOnCpu([s], step ?? s.initialStep);
      const from = steps[0] ?? s.initialStep;
      lossChart.truncate(from);
      const forgotten = losses.findIndex((l) => l.step > from);
      if (forgotten >= 0) losses.splice(forgotten);
      step = from;
      document.body.dataset.step = String(from);
      document.body.dataset.recovered = String(from);
      showDevice(null, s);
      return note;
    },
  });
}

/** Everything the charts show, with the settings that produced it. */
function results(): object {
  return exportJson(page.state, step ?? 0, losses, evaluation.last);
}

function resultsCsv(): { header: string[]; rows: unknown[][] } {
  return exportCsv(losses, evaluation.last);
}

/** A setting changed (the controller has updated the state, the URL and the form). */
function changed(name: PropName): void {
  // a size is a shape: it fills the depth, the width and the heads (each still editable)
  if (name === "preset") page.assign(sizeShape(page.state.model, page.state.preset));
  if (name === "task") {
    // each class brings the baselines that matter for it, and its own explanation
    page.assign({ baselines: classBaselines(page.state.task) });
    classParagraph.textContent = classText(page.state.task);
  }
  if (MODEL_PROPS.has(name)) {
    // A new setting means a new experiment, as in TF Playground.
    uploaded = null;
    void plateau.reset();
    void reset();
  } else if (EVAL_PROPS.has(name)) {
    if (page.working) {
      // training refreshes the curves at its next report; the plateau view does not, so it waits
      evaluation.defer();
    } else {
      void evaluate().catch((error: unknown) => page.set("error", describe(error), true));
    }
  } else if (name === "steps" && page.phase === "done") {
    page.set("paused");
  }
}

// The baseline checkboxes are one setting, a list.
form.addEventListener("change", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLInputElement) || !target.dataset.baseline) return;
  const chosen = [...form.querySelectorAll<HTMLInputElement>("input[data-baseline]")]
    .filter((b) => b.checked)
    .map((b) => b.value)
    .join(",");
  page.commit("baselines", chosen);
});
buttons.evaluate.addEventListener("click", () => {
  buttons.evaluate.disabled = true;
  void evaluate()
    .catch((error: unknown) => page.set("error", describe(error), true))
    .finally(() => {
      buttons.evaluate.disabled = page.working;
    });
});
buttons.nextPrompt.addEventListener("click", () =>
  page.commit("prompt", (page.state.prompt + 1) % 4_294_967_296),
);
// Download model / Load model…: a file that loads replaces the model (Reset returns to it)
wireModelFiles(
  page,
  buttons,
  () => session,
  async (file) => {
    uploaded = file;
    await reset();
  },
);
classParagraph.textContent = classText(page.state.task);
renderBaselineChecks();
page.init();
void prepare().then(() => page.showUrlProblems());
page.probeDevice();
