/**
 * Learn apart, merge together (docs/SCIENCE.md §3; Hendryx et al. 2021): clients each learn their
 * own classes with a prototype learner and merge into the learner that read all their data,
 * beside FedAvg of a network trained on the same clients — and a classroom of real pages that
 * learn apart and merge through files, links or a `BroadcastChannel`. Every number and finding
 * comes from the package (the core); this file wires controls, URL state, transport and pictures.
 */
import {
  CATALOG,
  runFederated,
  type DataConfig,
  type FederatedConfig,
  type FederatedResult,
} from "iclab";
import { describe, el } from "../../shell/dom.js";
import { Page } from "../../shell/page.js";
import { atDefaults } from "../../shell/state.js";
import { accuracyGrid, costTable, type Cost, type GridRow } from "./charts.js";
import { Classroom } from "./classroom.js";
import { FEDERATED as TABLE } from "./table.js";
import "../../style.css";

type Name = keyof typeof TABLE & string;
const { continual } = CATALOG;
const learnerTitle = (kind: string): string =>
  continual.federated.learners.find((l) => l.kind === kind)?.title ?? kind;

const page: Page<typeof TABLE> = new Page({
  kind: "federated",
  table: TABLE,
  trainLabel: "Learn apart, then merge",
  changed,
  // a run takes seconds: nothing to confirm before replacing it
  rebuilds: () => false,
  train,
  reset,
  results,
  resultsCsv,
});

let result: FederatedResult | null = null;
const classroom = new Classroom(page, config);
let running: AbortController | null = null;

/** The chosen dataset: a 2-D shape (the menu lists the shapes) or another dataset by kind. */
function datasetConfig(): DataConfig {
  const chosen = String(page.state.dataset);
  const kind =
    continual.datasets.find((d) => d.kind === chosen) ??
    continual.datasets.find((d) => d.defaults.shape !== undefined)!;
  const config: Record<string, unknown> = { ...kind.defaults, perClass: page.state.perClass };
  if (kind.defaults.shape !== undefined) {
    config.shape = chosen;
    config.classes = page.state.classes;
  }
  return config as DataConfig;
}

const planar = (): boolean =>
  (CATALOG.continual.shapes as readonly string[]).includes(String(page.state.dataset));

/** The experiment the settings describe (the classroom's too: every page with these settings shares one feature space). */
function config(): FederatedConfig {
  const s = page.state;
  return {
    learner: s.learner as FederatedConfig["learner"],
    run: {
      dataset: datasetConfig(),
      embedding: s.embedding as NonNullable<FederatedConfig["run"]>["embedding"],
      iterationsPerTask: s.localSteps,
      seed: s.seed,
      device: s.device as NonNullable<FederatedConfig["run"]>["device"],
    },
    clients: s.clients,
    split: s.split as FederatedConfig["split"],
    rounds: s.rounds,
  };
}

const pct = (a: number): string => `${(100 * a).toFixed(1)}%`;

/** Draws a finished run: the grid, the finding, the exactness of the merge, the costs. */
function show(r: FederatedResult): void {
  const rows: GridRow[] = r.clients.map((c, i) => ({
    label: `client ${i} alone`,
    scores: c.scores,
    own: c.classes,
  }));
  rows.push({ label: "merged prototypes", scores: r.merged, emphasis: true });
  if (r.fedavg)
    rows.push({
      label: `FedAvg, ${r.fedavg.rounds} round${r.fedavg.rounds === 1 ? "" : "s"}`,
      scores: r.fedavg.scores,
    });
  rows.push({ label: "one learner, all data", scores: r.joint });
  el("grid").replaceChildren(
    accuracyGrid(
      rows,
      r.classes,
      `${learnerTitle(String(page.state.learner))}, ${r.features} features, ${r.testExamples.toLocaleString("en")} test examples`,
    ),
  );
  // the finding is the core's (federated::Comparison): the page shows its sentence
  el("verdict").textContent =
    r.versusFedavg?.statement ?? "FedAvg is off (0 rounds): raise FedAvg rounds to compare.";
  const best = Math.max(...r.clients.map((c) => c.scores.accuracy));
  el("exact").textContent =
    `Alone, the best client scores ${pct(best)} on all ${r.classes} classes; merged, ${pct(r.merged.accuracy)} — the same as one learner that read every client's data (${pct(r.joint.accuracy)}; ${r.mergeError === 0 ? "their scores are identical" : `their scores differ by at most ${r.mergeError.toExponential(1)}, rounding`}).`;
  const perClient = r.clients.map((c) => c.classes.length);
  const meanClasses = perClient.reduce((a, b) => a + b, 0) / Math.max(1, perClient.length);
  const costs: Cost[] = [
    {
      method: "merged prototypes",
      numbers: r.numbersPerClass * meanClasses + r.numbersShared,
      perClass: r.numbersPerClass + r.numbersShared / Math.max(1, meanClasses),
      how:
        r.numbersShared > 0
          ? `once: a mean and a count per class, and the ${r.features} × ${r.features} scatter`
          : "once: a mean and a count per class",
    },
  ];
  if (r.fedavg)
    costs.push({
      method: "FedAvg",
      numbers: r.fedavg.numbersPerRound * r.fedavg.rounds,
      perClass: (r.fedavg.numbersPerRound * r.fedavg.rounds) / Math.max(1, meanClasses),
      how: `every weight, every round (${r.fedavg.rounds}), and the average back`,
    });
  el("bytes").replaceChildren(costTable(costs));
  const data = document.body.dataset;
  data.merged = String(r.merged.accuracy);
  data.ceiling = String(r.joint.accuracy);
  data.fedavg = String(r.fedavg?.scores.accuracy ?? "");
  data.winner = r.versusFedavg?.winner ?? "none";
}

function clearResult(): void {
  result = null;
  el("source").textContent = "";
  for (const id of ["grid", "bytes"]) el(id).replaceChildren();
  for (const id of ["verdict", "exact"]) el(id).textContent = "";
  for (const key of ["merged", "ceiling", "fedavg", "winner"]) delete document.body.dataset[key];
}

async function* once<T>(value: Promise<T>): AsyncGenerator<T, void, undefined> {
  yield await value;
}

function train(): Promise<void> {
  page.newEpoch();
  let done = 0;
  return page.run({
    opening: "Every client learns its own classes, then they merge…",
    work: () => [done, 1],
    start: async () => {
      running?.abort();
      running = new AbortController();
      clearResult();
      return once(runFederated(config(), { signal: running.signal }));
    },
    draw: (r: FederatedResult, mine) => {
      if (!page.isCurrent(mine)) return "";
      done = 1;
      result = r;
      show(r);
      return `merged ${pct(r.merged.accuracy)}`;
    },
    done: () =>
      result
        ? `Done: alone at most ${pct(Math.max(...result.clients.map((c) => c.scores.accuracy)))}, merged ${pct(result.merged.accuracy)}${result.fedavg ? `, FedAvg ${pct(result.fedavg.scores.accuracy)}` : ""}.`
        : null,
    hint: () => "Change the setting it names, or press Reset.",
  });
}

async function reset(): Promise<void> {
  running?.abort();
  page.newEpoch();
  clearResult();
  page.clearRun();
  page.set("idle", IDLE);
}

const IDLE = "Press “Learn apart, then merge”: every client learns here, in your browser.";

function results(): object {
  return {
    page: "federated",
    url: location.href,
    settings: page.state,
    config: config(),
    result,
    classroom: classroom.state,
  };
}

function resultsCsv(): { header: string[]; rows: unknown[][] } {
  const rows: unknown[][] = [];
  const add = (who: string, s: { perClass: number[]; accuracy: number }): void => {
    for (const [c, a] of s.perClass.entries()) rows.push([who, c, a]);
    rows.push([who, "all", s.accuracy]);
  };
  if (result) {
    for (const [i, c] of result.clients.entries()) add(`client ${i} alone`, c.scores);
    add("merged prototypes", result.merged);
    if (result.fedavg) add("FedAvg", result.fedavg.scores);
    add("one learner, all data", result.joint);
  }
  const mine = classroom.state;
  if (mine) {
    add(`this page (client ${mine.client}) alone`, mine.alone);
    add(`this page (client ${mine.client}) now`, mine.now);
  }
  return { header: ["learner", "class", "accuracy"], rows };
}

/** Settings the classroom's feature space does not depend on (the room does on the first two). */
const NOT_SPACE: readonly Name[] = ["clients", "split", "rounds", "localSteps", "device"];

function changed(name: Name): void {
  if (name === "dataset") showRelevant();
  if (name === "client" || !NOT_SPACE.includes(name)) void classroom.forget();
  if (!["rounds", "localSteps", "device"].includes(name)) classroom.join();
  if (name === "client") return;
  if (result && !page.working) {
    clearResult();
    page.set("idle", `Settings changed. ${IDLE}`);
  }
}

function showRelevant(): void {
  for (const label of page.form.querySelectorAll<HTMLElement>("[data-planar]"))
    label.hidden = !planar();
}

/**
 * The recorded native run of the default settings (`federated/recorded.json`), shown until a run
 * here replaces it; other settings start blank.
 */
async function showRecorded(): Promise<void> {
  if (!atDefaults(TABLE, page.state, ["device", "client"])) return;
  try {
    const response = await fetch(new URL("federated/recorded.json", document.baseURI));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const recorded = (await response.json()) as { result: FederatedResult; command: string };
    if (result) return;
    show(recorded.result);
    el("source").textContent =
      `Recorded natively with these settings (${recorded.command}); press “Learn apart, then merge” to run it here.`;
  } catch (error) {
    el("source").textContent = `The recorded run could not be read: ${describe(error)}`;
  }
}

async function start(): Promise<void> {
  page.init();
  showRelevant();
  page.set("idle", IDLE);
  await showRecorded();
  classroom.say(
    "Pick this page's client number under Classroom in the settings and press “Learn my classes”.",
  );
  page.probeDevice();
  classroom.join();
  await classroom.fromLink();
  document.body.dataset.ready = "true";
  page.showUrlProblems();
}

void start();
