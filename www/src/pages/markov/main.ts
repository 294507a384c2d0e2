/**
 * In-context Markov chains (docs/SCIENCE.md §7; Edelman et al. 2024): a blank two-layer
 * attention-only transformer (or iclab's transformer or xLSTM) trained on fresh chains in the
 * page, with its KL divergence to each rule over training, the stage the core decides, each
 * layer's attention from the last position, one test sequence traced position by position, and
 * its next-state prediction next to the bigram rule's. Every number and the stage
 * come from the package (the core); a recorded native run of the defaults is the first picture.
 */
import {
  CATALOG,
  type MarkovEvaluation,
  type MarkovRun,
  type MarkovOptions,
  startMarkov,
} from "iclab";
import { LineChart } from "../../charts/line-chart.js";
import { describe, el } from "../../shell/dom.js";
import { Page } from "../../shell/page.js";
import { atDefaults } from "../../shell/state.js";
import { MARKOV as TABLE } from "./table.js";
import "../../style.css";

const { markov } = CATALOG;
const RULES = markov.rules;
const STROKES = ["#9ca3af", "#d97706", "#2563eb", "#16a34a"];
const title = (value: string) => RULES.find((r) => r.value === value)?.title ?? value;

const page: Page<typeof TABLE> = new Page({
  kind: "markov",
  table: TABLE,
  trainLabel: "Train a blank model",
  changed,
  rebuilds: (name) => name !== "every",
  train,
  reset,
  results,
  resultsCsv,
});

const chart = (): LineChart =>
  new LineChart(
    el("kl-chart"),
    { x: "training step", y: "KL(rule ‖ model), nats" },
    RULES.map((r, i) => ({ name: r.value, label: r.title, stroke: STROKES[i] })),
  );
let kl = chart();
let run: MarkovRun | null = null;
let shown: MarkovEvaluation[] = [];

function config(): MarkovOptions {
  const s = page.state;
  return {
    ...markov.defaults,
    task: { states: s.states, alpha: s.alpha, length: s.length, order: s.order },
    backbone: s.network as MarkovOptions["backbone"],
    width: s.width,
    layers: s.layers,
    learningRate: s.learningRate,
    batchSize: s.batchSize,
    device: s.device as MarkovOptions["device"],
    seed: s.seed,
  };
}

/** The stages in the order the core first decided them, with the step. */
function stagesSeen(history: readonly MarkovEvaluation[]): [string, number][] {
  const seen: [string, number][] = [];
  for (const e of history) {
    const s = e.stage.stage;
    if (s !== "between" && !seen.some(([x]) => x === s)) seen.push([s, e.step]);
  }
  return seen;
}

function draw(): void {
  const xs = shown.map((e) => e.step);
  kl.show(
    xs,
    RULES.map((r) => shown.map((e) => e.toRules[r.value]?.mean ?? Number.NaN)),
  );
  const last = shown.at(-1);
  el("stage").textContent = last ? `At step ${last.step}: ${last.stage.statement}` : "";
  const seen = stagesSeen(shown);
  el("stages").textContent = seen.length
    ? `Stages, as first decided: ${seen.map(([s, step]) => `${s} from step ${step}`).join(", ")}.`
    : "";
  showAttention(last);
  showTrace(last);
  showExample(last);
  const data = document.body.dataset;
  data.evaluations = String(shown.length);
  data.stages = seen.map(([s]) => s).join(",");
}

const STATE_NAMES = "ABCDEFGH";

function showAttention(e: MarkovEvaluation | undefined): void {
  const box = el("attention");
  box.replaceChildren();
  if (!e) return;
  if (e.attention.length === 0) {
    const note = document.createElement("p");
    note.className = "note";
    note.textContent =
      "This network has no attention to show: it reads the sequence into a state of fixed size, whatever its length. Whether it counts transitions shows in the curves and the trace below.";
    box.append(note);
    return;
  }
  for (const head of e.attention) {
    const row = document.createElement("div");
    row.className = "markov-row";
    const label = document.createElement("p");
    label.className = "note";
    label.textContent =
      head.layer === 0
        ? `Layer ${head.layer + 1}, head ${head.head + 1}: previous-state score ${head.previousState.toFixed(2)}`
        : `Layer ${head.layer + 1}, head ${head.head + 1}: induction score ${head.induction.toFixed(2)}`;
    const cells = document.createElement("div");
    cells.className = "markov-cells";
    const top = Math.max(...head.example, 1e-9);
    head.example.forEach((w, i) => {
      const cell = document.createElement("span");
      cell.textContent = STATE_NAMES[e.example[i] ?? 0] ?? "?";
      cell.style.background = `rgba(37, 99, 235, ${(w / top).toFixed(3)})`;
      cell.title = `position ${i + 1}: ${(100 * w).toFixed(1)}%`;
      cells.append(cell);
    });
    row.append(label, cells);
    box.append(row);
  }
}

/**
 * The test sequence position by position: a column per position with the state that came next,
 * then how likely the model (upper square) and the bigram rule (lower) found it (darker = more
 * likely). Columns wrap together, so the two squares stay under their state at any width.
 */
function showTrace(e: MarkovEvaluation | undefined): void {
  const box = el("trace");
  box.replaceChildren();
  if (!e) return;
  const { states, model, bigram } = e.trace;
  const strip = document.createElement("div");
  strip.className = "markov-trace";
  const square = (p: number, who: string, at: string) => {
    const cell = document.createElement("span");
    cell.style.background = `rgba(22, 163, 74, ${p.toFixed(3)})`;
    cell.title = `${who} gave ${at} ${(100 * p).toFixed(1)}%`;
    cell.dataset.p = p.toFixed(4);
    return cell;
  };
  model.forEach((p, i) => {
    const next = STATE_NAMES[states[i + 1] ?? 0] ?? "?";
    const at = `${next} after position ${i + 1}`;
    const column = document.createElement("span");
    column.className = "markov-step";
    const letter = document.createElement("span");
    letter.textContent = next;
    column.append(
      letter,
      square(p, "the model", at),
      square(bigram[i] ?? 0, "the bigram rule", at),
    );
    strip.append(column);
  });
  const mean = (p: readonly number[]) => p.reduce((a, b) => a + b, 0) / Math.max(1, p.length);
  const summary = document.createElement("p");
  summary.className = "note";
  summary.textContent = `Averaged over the sequence, the model gave the state that came next ${(100 * mean(model)).toFixed(0)}%, the bigram rule ${(100 * mean(bigram)).toFixed(0)}%.`;
  box.append(strip, summary);
}

function showExample(e: MarkovEvaluation | undefined): void {
  const box = el("example");
  box.replaceChildren();
  if (!e) return;
  const table = document.createElement("table");
  table.className = "metrics";
  const head = table.createTHead().insertRow();
  for (const h of ["next state", "the model", title("bigram")])
    head.append(Object.assign(document.createElement("th"), { scope: "col", textContent: h }));
  const body = table.createTBody();
  e.exampleModel.forEach((p, j) => {
    const tr = body.insertRow();
    tr.append(
      Object.assign(document.createElement("th"), {
        scope: "row",
        textContent: STATE_NAMES[j] ?? "?",
      }),
    );
    for (const v of [p, e.exampleBigram[j] ?? Number.NaN]) {
      const td = tr.insertCell();
      td.textContent = `${(100 * v).toFixed(1)}%`;
    }
  });
  box.append(table);
}

async function dispose(): Promise<void> {
  const old = run;
  run = null;
  await old?.dispose().catch(() => undefined);
}

function train(): Promise<void> {
  const resuming = page.phase === "paused" && run !== null;
  if (!resuming) page.newEpoch();
  return page.run({
    opening: resuming ? "Resuming…" : "Building a blank model…",
    work: () => [run?.step ?? 0, page.state.steps],
    start: async (mine) => {
      if (!resuming) {
        await dispose();
        page.clearRun();
        kl.destroy();
        kl = chart();
        const r = await startMarkov(config());
        if (!page.isCurrent(mine)) {
          await r.dispose();
          return null;
        }
        run = r;
        page.showDevice(r.deviceInfo);
        shown = [await r.evaluate()];
        el("source").textContent = "Training here, in your browser.";
        draw();
      }
      const r = run as MarkovRun;
      return r.train({
        steps: Math.max(1, page.state.steps - r.step),
        every: page.state.every,
      });
    },
    draw: ({ report, evaluation }, mine) => {
      if (!page.isCurrent(mine)) return "";
      if (evaluation) {
        shown.push(evaluation);
        draw();
      }
      return `step ${report.step} · loss ${report.loss.toFixed(3)}`;
    },
    done: () => `Trained ${run?.step ?? 0} steps. ${el("stages").textContent}`,
    hint: () => "Change the setting it names, or press Reset.",
  });
}

async function reset(): Promise<void> {
  page.requestPause();
  page.newEpoch();
  await dispose();
  page.clearRun();
  await showRecorded();
  page.set("idle", IDLE);
}

const IDLE =
  "The picture is a recorded run. Press Train a blank model: it learns here, in your browser, on fresh chains every step.";

function results(): object {
  return {
    page: "markov",
    url: location.href,
    settings: page.state,
    config: config(),
    evaluations: shown,
  };
}

function resultsCsv(): { header: string[]; rows: unknown[][] } {
  const rows: unknown[][] = [];
  for (const e of shown)
    for (const r of RULES) rows.push([e.step, r.value, e.toRules[r.value]?.mean, e.stage.stage]);
  return { header: ["step", "rule", "kl_rule_to_model", "stage"], rows };
}

function changed(name: keyof typeof TABLE & string): void {
  if (name === "every" || page.working) return;
  if (run) {
    void dispose();
    page.set("idle", "Settings changed: press Train a blank model to start again with them.");
  }
}

/** The recorded native run of the default settings (`markov/recorded.json`). */
async function showRecorded(): Promise<void> {
  kl.destroy();
  kl = chart();
  shown = [];
  if (!atDefaults(TABLE, page.state, ["device", "every", "steps"])) {
    draw();
    el("source").textContent =
      "The recorded run is of the default settings; press Train a blank model to run these.";
    return;
  }
  try {
    const response = await fetch(new URL("markov/recorded.json", document.baseURI));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const recorded = (await response.json()) as {
      evaluations: MarkovEvaluation[];
      command: string;
    };
    shown = recorded.evaluations;
    draw();
    el("source").textContent = `Recorded natively with the default settings (${recorded.command}).`;
  } catch (error) {
    el("source").textContent = `The recorded run could not be read: ${describe(error)}`;
  }
}

/** A run of the merged sweep `scripts/sweeps/markov-backbones.json` (`iclab sweep merge`). */
interface BackboneRun {
  config: { backbone: string; seed: number };
  steps: number;
  stages: [string, number][];
  parameters: number;
}

/**
 * The shipped comparison of networks (`markov/backbones.json`, recorded natively): per network,
 * its size and the step at which the core first decided each stage, seed by seed. Numbers only:
 * the page draws no conclusion the data do not carry (docs/SCIENCE.md §7 has the reading).
 */
async function showBackbones(): Promise<void> {
  const box = el("backbones");
  try {
    const response = await fetch(new URL("markov/backbones.json", document.baseURI));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { runs } = (await response.json()) as { runs: BackboneRun[] };
    const table = document.createElement("table");
    table.className = "metrics";
    const head = table.createTHead().insertRow();
    for (const h of ["network", "parameters", "steps run", "unigram from step", "bigram from step"])
      head.append(Object.assign(document.createElement("th"), { scope: "col", textContent: h }));
    const body = table.createTBody();
    for (const b of markov.backbones) {
      const mine = runs.filter((r) => r.config.backbone === b.value);
      if (mine.length === 0) continue;
      const at = (stage: string) =>
        mine
          .map(
            (r) => r.stages.find(([s]) => s === stage)?.[1]?.toLocaleString("en") ?? "not reached",
          )
          .join(", ");
      const tr = body.insertRow();
      tr.dataset.backbone = b.value;
      tr.append(
        Object.assign(document.createElement("th"), { scope: "row", textContent: b.title }),
      );
      for (const v of [
        mine[0]?.parameters.toLocaleString("en") ?? "",
        mine[0]?.steps.toLocaleString("en") ?? "",
        at("unigram"),
        at("bigram"),
      ])
        tr.insertCell().textContent = v;
    }
    const seeds = [...new Set(runs.map((r) => r.config.seed))];
    box.replaceChildren(table);
    el("backbones-note").textContent =
      `Recorded natively on the default chains, seeds ${seeds.join(", ")} (one number per seed, in that order), the stages as the core first decided them on 256 test sequences evaluated every 25 steps.`;
  } catch (error) {
    box.textContent = `The recorded comparison could not be read: ${describe(error)}`;
  }
}

async function start(): Promise<void> {
  page.init();
  void showBackbones();
  page.set("idle", IDLE);
  page.probeDevice();
  await showRecorded();
  document.body.dataset.ready = "true";
  page.showUrlProblems();
}

void start();
