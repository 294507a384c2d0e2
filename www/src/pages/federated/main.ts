/**
 * Learn apart, merge together (docs/SCIENCE.md §3; Hendryx et al. 2021): clients each learn their
 * own classes with a prototype learner and merge into the learner that read all their data,
 * beside FedAvg of a network trained on the same clients — and a classroom of real pages that
 * learn apart and merge through files, links or a `BroadcastChannel`. Every number and finding
 * comes from the package (the core); this file wires controls, URL state, transport and pictures.
 */
import {
  CATALOG,
  learnFederated,
  runFederated,
  type DataConfig,
  type FederatedClient,
  type FederatedClientState,
  type FederatedConfig,
  type FederatedResult,
} from "iclab";
import { describe, el } from "../../shell/dom.js";
import { download } from "../../shell/files.js";
import { Page } from "../../shell/page.js";
import { accuracyGrid, costTable, type Cost, type GridRow } from "./charts.js";
import { shareFragment, shareFromFragment } from "./link.js";
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
    classroom: mine?.state ?? null,
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
  if (mine) {
    add(`this page (client ${mine.state.client}) alone`, mine.state.alone);
    add(`this page (client ${mine.state.client}) now`, mine.state.now);
  }
  return { header: ["learner", "class", "accuracy"], rows };
}

// --- the classroom: this page as one client -------------------------------------------------

/** This page's client, once it learned. */
let mine: FederatedClient | null = null;
/** Shares that arrived before this page learned (from a link, a file or the channel). */
const waiting: { text: string; from: string; quiet: boolean }[] = [];
/**
 * The tabs of one classroom: pages of this site with the same settings (the feature space, the
 * learner, the clients and their split; not the device). Tabs on other settings do not hear it.
 */
let channel: BroadcastChannel | null = null;

function room(): string {
  const { run, rounds: _, ...rest } = config();
  const { device: __, iterationsPerTask: ___, ...space } = run ?? {};
  return `iclab-federated ${JSON.stringify({ ...rest, run: space })}`;
}

/** Joins the classroom of the current settings (leaving any other) and says hello. */
function join(): void {
  channel?.close();
  channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(room()) : null;
  channel?.addEventListener("message", heard);
  channel?.postMessage({ kind: "hello" });
}
const buttons = {
  learn: el<HTMLButtonElement>("learn"),
  file: el<HTMLButtonElement>("share-file"),
  link: el<HTMLButtonElement>("share-link"),
  merge: el<HTMLInputElement>("merge-file"),
};

function say(text: string, isError = false): void {
  const status = el("classroom-status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

/** The client's classes alone and now, and the shares it merged. */
function showMine(s: FederatedClientState): void {
  el("mine").replaceChildren(
    accuracyGrid(
      [
        { label: `client ${s.client} alone`, scores: s.alone, own: s.own },
        { label: `client ${s.client} now`, scores: s.now, own: s.own, emphasis: true },
      ],
      s.classes,
      `This page: client ${s.client} of ${s.clients}; its share is ${s.shareBytes.toLocaleString("en")} bytes`,
    ),
  );
  el("merged-list").replaceChildren(
    ...s.merged.map((m) =>
      Object.assign(document.createElement("li"), {
        textContent: `merged client ${m.client}'s share: classes ${m.classes.join(", ")}`,
      }),
    ),
  );
  const data = document.body.dataset;
  data.known = String(s.known.length);
  data.mergedShares = String(s.merged.length);
  data.classroomNow = String(s.now.accuracy);
}

/** The client number a share's text says it came from, if it says. */
function senderOf(text: string): number | null {
  try {
    const client = (JSON.parse(text) as { client?: unknown }).client;
    return typeof client === "number" ? client : null;
  } catch {
    return null;
  }
}

/** Merges one share's text (from `from`: a file, a link, another tab); says what happened. */
async function mergeText(text: string, from: string, quietIfKnown = false): Promise<void> {
  if (!mine) {
    // the same share twice (a tab answering two hellos) waits once
    if (waiting.some((w) => w.text === text)) return;
    waiting.push({ text, from, quiet: quietIfKnown });
    // a share from this page's client number would be refused as its own: take the next one
    const sender = senderOf(text);
    if (sender !== null && sender === page.state.client && page.state.clients > 1)
      page.commit("client", (sender + 1) % page.state.clients);
    say(
      `${waiting.length} share${waiting.length === 1 ? "" : "s"} waiting (${from}): press “Learn my classes” and ${waiting.length === 1 ? "it merges" : "they merge"} then.`,
    );
    return;
  }
  try {
    const s = await mine.merge(text);
    showMine(s);
    const last = s.merged.at(-1);
    say(
      `Merged client ${last?.client}'s share (${from}): this page now knows ${s.known.length} of ${s.classes} classes and scores ${pct(s.now.accuracy)} on all of them (alone: ${pct(s.alone.accuracy)}).`,
    );
  } catch (error) {
    const already = /merged already|own statistics/.test(String((error as Error).message));
    if (quietIfKnown && already) return;
    say(`${from}: ${describe(error)} Nothing changed.`, true);
  }
}

async function learn(): Promise<void> {
  if (page.working) return;
  buttons.learn.disabled = true;
  const old = mine;
  mine = null;
  await old?.dispose().catch(() => undefined);
  say(`Client ${page.state.client} learns its classes…`);
  try {
    mine = await learnFederated(config(), page.state.client);
    showMine(mine.state);
    buttons.file.disabled = false;
    buttons.link.disabled = false;
    document.body.dataset.classroom = "learned";
    say(
      `Client ${mine.state.client} learned classes ${mine.state.own.join(", ")}: ${pct(mine.state.alone.accuracy)} on all ${mine.state.classes} classes alone. Send its share to the others; theirs merge here as they arrive.`,
    );
    channel?.postMessage({ kind: "share", share: mine.share });
    for (const w of waiting.splice(0)) await mergeText(w.text, w.from, w.quiet);
  } catch (error) {
    say(`${describe(error)}`, true);
  } finally {
    buttons.learn.disabled = false;
  }
}

/** A setting the classroom depends on changed: this page's client no longer matches it. */
async function forget(): Promise<void> {
  if (!mine) return;
  const old = mine;
  mine = null;
  await old.dispose().catch(() => undefined);
  el("mine").replaceChildren();
  el("merged-list").replaceChildren();
  buttons.file.disabled = true;
  buttons.link.disabled = true;
  delete document.body.dataset.classroom;
  say("Settings changed: press “Learn my classes” to learn again with them.");
}

buttons.learn.addEventListener("click", () => void learn());
buttons.file.addEventListener("click", () => {
  if (mine) download(`iclab-share-client${mine.state.client}.json`, mine.share, "application/json");
});
buttons.link.addEventListener("click", async () => {
  if (!mine) return;
  const url = new URL(location.href);
  // the receiver keeps its own client number
  url.searchParams.delete("client");
  url.hash = await shareFragment(mine.share);
  try {
    await navigator.clipboard.writeText(url.href);
    say(
      `Copied a link to client ${mine.state.client}'s share (${url.href.length.toLocaleString("en")} characters).`,
    );
  } catch {
    say(`Copy this link: ${url.href}`);
  }
  document.body.dataset.shareLink = url.href;
});
buttons.merge.addEventListener("change", async () => {
  for (const file of buttons.merge.files ?? []) {
    if (file.size > 64 * 1024 * 1024) {
      say(
        `${file.name}: ${(file.size / 1e6).toFixed(0)} MB is not a share. Nothing changed.`,
        true,
      );
      continue;
    }
    await mergeText(await file.text(), file.name);
  }
  buttons.merge.value = "";
});
function heard(event: MessageEvent<{ kind?: unknown; share?: unknown }>): void {
  const m = event.data;
  if (m?.kind === "hello" && mine) channel?.postMessage({ kind: "share", share: mine.share });
  // another tab's share; one merged before (a tab says hello again) is not news
  if (m?.kind === "share" && typeof m.share === "string")
    void mergeText(m.share, "another tab", true);
}

/** Settings the classroom's feature space does not depend on (the room does on the first two). */
const NOT_SPACE: readonly Name[] = ["clients", "split", "rounds", "localSteps", "device"];

function changed(name: Name): void {
  if (name === "dataset") showRelevant();
  if (name === "client" || !NOT_SPACE.includes(name)) void forget();
  if (!["rounds", "localSteps", "device"].includes(name)) join();
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
  const own = (Object.keys(TABLE) as Name[]).filter(
    (n) => !["device", "client"].includes(n) && page.state[n] !== TABLE[n].default,
  );
  if (own.length) return;
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
  say(
    "Pick this page's client number under Classroom in the settings and press “Learn my classes”.",
  );
  page.probeDevice();
  join();
  try {
    const text = await shareFromFragment(location.hash);
    if (text !== null) await mergeText(text, "the link");
  } catch (error) {
    say(`${describe(error)} Nothing changed.`, true);
  }
  document.body.dataset.ready = "true";
  page.showUrlProblems();
}

void start();
