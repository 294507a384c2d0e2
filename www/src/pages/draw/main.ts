/**
 * Draw a prompt (docs/SCIENCE.md §1, "Your own prompt"): a transformer meta-trained at d = 1 reads
 * the examples a visitor places on a plot, and the page draws its answer for a query at every x
 * next to the baselines fitted to the same points. Every number comes from the package
 * (`Session.answer`); the points never leave the page. The models are the shipped d = 1
 * checkpoints (`checkpoints/manifest.json`), answering on the CPU: one forward pass over a few
 * hundred short prompts needs no GPU.
 */
import { type Answer, type BaselineKind, CATALOG, type Session, loadSession } from "iclab";
import { colour, dashed } from "../../charts/styles.js";
import {
  byClass,
  DEFAULTS,
  fetchCheckpoint,
  loadManifest,
  type Manifest,
} from "../../shell/checkpoints.js";
import { applyChrome } from "../../shell/chrome.js";
import { describe, el } from "../../shell/dom.js";
import { setUpPaste } from "./paste.js";
import { DrawPlot, type Curve } from "./plot.js";
import "../../style.css";

const TITLES = CATALOG.titles.baselines as Record<string, string>;
const taskOf = (kind: string) => CATALOG.icl.tasks.find((t) => t.kind === kind);

let manifest: Manifest = {};
let session: Session | null = null;
let loaded = "";
let points: [number, number][] = [];
/** Answers asked for and shown: one in flight at a time; the latest points win. */
let pending = false;
let again = false;
let answers = 0;

const modelSelect = el<HTMLSelectElement>("model");
const rangeSelect = el<HTMLSelectElement>("range");
const status = el("status");

/** The shipped d = 1 checkpoints, by name. */
const drawable = () =>
  byClass(
    Object.entries(manifest).filter(
      ([, e]) => e.config.dims === 1 && (e.config.model ?? DEFAULTS.model) === DEFAULTS.model,
    ),
  );

/** The shipped d = 1 checkpoint of function class `kind`. */
const nameOf = (kind: string): string =>
  drawable().find(([, e]) => e.config.task?.kind === kind)?.[0] ?? "";

const most = () => Math.max(0, Number(session?.config.points ?? 1) - 1);

const svg = document.getElementById("plot") as unknown as SVGSVGElement;
const plot = new DrawPlot(svg, most, (p, final) => {
  points = p;
  showTable();
  if (p.length >= most() && final) status.textContent = atMost();
  void answer();
  if (final) saveUrl();
});

const atMost = () =>
  `The model reads at most ${most()} examples (it was trained on prompts of ${most() + 1} points): remove one to add another.`;

/** The baselines any d = 1 class lists as its reference, in the catalog's order. */
function baselineChoices(): BaselineKind[] {
  const kinds = new Set(
    drawable().flatMap(([, e]) => taskOf(e.config.task?.kind ?? "")?.baselines ?? []),
  );
  return CATALOG.icl.baselines.filter((b) => kinds.has(b));
}

function checkedBaselines(): BaselineKind[] {
  return [...el("baselines").querySelectorAll<HTMLInputElement>("input:checked")].map(
    (i) => i.value as BaselineKind,
  );
}

function showBaselines(checked: readonly string[]): void {
  const box = el("baselines");
  box.replaceChildren(
    ...baselineChoices().map((kind) => {
      const label = document.createElement("label");
      label.className = "check";
      const input = Object.assign(document.createElement("input"), {
        type: "checkbox",
        value: kind,
        checked: checked.includes(kind),
      });
      input.addEventListener("change", () => {
        void answer();
        saveUrl();
      });
      label.append(input, ` ${TITLES[kind] ?? kind}`);
      return label;
    }),
  );
}

/** Opens the chosen checkpoint (once per choice). */
async function open(name: string): Promise<void> {
  const entry = manifest[name];
  if (!entry || name === loaded) return;
  status.textContent = "Loading the model…";
  document.body.dataset.ready = "false";
  const bytes = await fetchCheckpoint(entry);
  const next = await loadSession(bytes, "cpu");
  const old = session;
  session = next;
  loaded = name;
  await old?.dispose().catch(() => undefined);
  const task = taskOf(entry.config.task?.kind ?? "");
  el("model-info").textContent =
    `${task?.description ?? entry.config.task?.kind}, in 1 dimension: a ${next.numParams.toLocaleString("en")}-parameter transformer trained ${entry.step.toLocaleString("en")} steps (${Math.round(entry.wallSeconds / 60)} min natively) on prompts of ${entry.config.points} points. It reads up to ${most()} examples.`;
  if (points.length > most()) points = points.slice(0, most());
}

async function answer(): Promise<void> {
  if (!session) return;
  if (pending) {
    again = true;
    return;
  }
  pending = true;
  const queries = plot.grid();
  try {
    const result: Answer = await session.answer({
      examples: points.map(([x, y]) => [x, y]),
      queries: queries.map((x) => [x]),
      baselines: checkedBaselines(),
    });
    const curves: Curve[] = [
      {
        name: "model",
        label: "the model",
        colour: colour("model"),
        dashed: false,
        ys: result.model,
      },
      ...Object.entries(result.baselines).map(([name, ys]) => ({
        name,
        label: TITLES[name] ?? name,
        colour: colour(name),
        dashed: dashed(name),
        ys,
      })),
    ];
    plot.setCurves(queries, curves, result.typicalRange as [number, number]);
    showLegend(curves);
    showOutside(result.typicalRange as [number, number]);
    answers += 1;
    document.body.dataset.answers = String(answers);
    document.body.dataset.examples = String(result.examples.length);
    if (points.length < most())
      status.textContent =
        points.length === 0
          ? "No examples yet: the curve is what the model answers from an empty prompt. Click the plot to add one."
          : `${points.length} example${points.length === 1 ? "" : "s"} in the prompt (up to ${most()}).`;
  } catch (error) {
    status.textContent = describe(error);
  } finally {
    pending = false;
    if (again) {
      again = false;
      void answer();
    }
  }
}

function showLegend(curves: readonly Curve[]): void {
  el("legend").replaceChildren(
    ...curves.map((c) => {
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = `swatch${c.dashed ? " dashed" : ""}`;
      swatch.style.borderColor = c.colour;
      li.append(swatch, c.label);
      return li;
    }),
  );
}

function showOutside([lo, hi]: [number, number]): void {
  const far = points.flatMap(([x], i) => (x < lo || x > hi ? [i + 1] : []));
  el("outside-note").textContent =
    `Shaded: x beyond ±${hi}, where fewer than 5% of the model's training inputs fell (they are drawn from a standard normal).` +
    (far.length
      ? ` Example${far.length === 1 ? "" : "s"} ${far.join(", ")} lie${far.length === 1 ? "s" : ""} there.`
      : "");
}

/** The examples as an editable table: the keyboard's way to the same prompt. */
function showTable(): void {
  const body = el("points-body");
  body.replaceChildren(
    ...points.map(([x, y], i) => {
      const row = document.createElement("tr");
      const number = document.createElement("th");
      number.scope = "row";
      number.textContent = String(i + 1);
      const cell = (value: number, axis: 0 | 1) => {
        const td = document.createElement("td");
        const input = Object.assign(document.createElement("input"), {
          type: "number",
          step: "any",
          value: String(value),
        });
        input.setAttribute("aria-label", `example ${i + 1} ${axis === 0 ? "x" : "y"}`);
        input.addEventListener("change", () => {
          const v = Number(input.value);
          if (input.value === "" || !Number.isFinite(v)) return;
          const point = points[i];
          if (point) point[axis] = v;
          plot.setPoints(points);
          void answer();
          saveUrl();
        });
        td.append(input);
        return td;
      };
      const remove = document.createElement("td");
      const button = Object.assign(document.createElement("button"), {
        type: "button",
        textContent: "Remove",
      });
      button.setAttribute("aria-label", `remove example ${i + 1}`);
      button.addEventListener("click", () => setPoints(points.filter((_, j) => j !== i)));
      remove.append(button);
      row.append(number, cell(x, 0), cell(y, 1), remove);
      return row;
    }),
  );
}

function setPoints(next: [number, number][]): void {
  points = next.slice(0, most());
  plot.setPoints(points);
  showTable();
  void answer();
  saveUrl();
}

/** Points drawn from a random function of the model's own class (the core's prompts). */
async function sample(): Promise<void> {
  if (!session) return;
  const evaluation = await session.evaluate({
    prompts: 1,
    examples: 1,
    baselines: [],
    seed: Math.floor(Math.random() * 1e9),
  });
  const example = evaluation.examples?.[0];
  if (!example) return;
  const n = Math.min(6, most());
  setPoints(
    example.xs
      .slice(0, n)
      .map((x, i) => [
        Number((x[0] ?? 0).toFixed(3)),
        Number((example.targets[i] ?? 0).toFixed(3)),
      ]),
  );
}

function saveUrl(): void {
  const url = new URL(location.href);
  url.searchParams.set("task", manifest[loaded]?.config.task?.kind ?? "");
  url.searchParams.set("range", rangeSelect.value);
  url.searchParams.set("p", points.map(([x, y]) => `${x},${y}`).join(";"));
  url.searchParams.set("b", checkedBaselines().join(","));
  history.replaceState(null, "", url);
}

/** The URL's points: `p=x,y;x,y`; anything else in it is dropped with a note. */
function urlPoints(text: string | null): [number, number][] {
  if (!text) return [];
  const out: [number, number][] = [];
  for (const pair of text.split(";")) {
    const [x, y] = pair.split(",").map(Number);
    if (x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y))
      out.push([x, y]);
  }
  return out;
}

async function start(): Promise<void> {
  manifest = await loadManifest();
  const names = drawable();
  if (names.length === 0) {
    status.textContent =
      "No d = 1 checkpoint ships with this build (scripts/train-checkpoints.sh).";
    return;
  }
  modelSelect.replaceChildren(
    ...names.map(([name, e]) =>
      Object.assign(document.createElement("option"), {
        value: e.config.task?.kind ?? name,
        textContent: taskOf(e.config.task?.kind ?? "")?.title ?? name,
      }),
    ),
  );
  const params = new URLSearchParams(location.search);
  applyChrome(el<HTMLFormElement>("controls"), {
    embed: params.get("embed") === "1",
    compact: params.get("compact") === "1",
    hidden: [...params.keys()].filter((k) => k.endsWith("_hide")).map((k) => k.slice(0, -5)),
  });
  const wanted = params.get("task");
  const ships = names.some(([, e]) => e.config.task?.kind === wanted);
  if (wanted && ships) modelSelect.value = wanted;
  const range = params.get("range");
  if (range && [...rangeSelect.options].some((o) => o.value === range)) rangeSelect.value = range;
  plot.range = Number(rangeSelect.value);
  await open(nameOf(modelSelect.value));
  if (wanted && !ships)
    el("model-info").textContent =
      `No d = 1 model of ${taskOf(wanted)?.title ?? wanted} ships with this build: showing ${taskOf(modelSelect.value)?.title}. ${el("model-info").textContent}`;
  const kind = manifest[loaded]?.config.task?.kind ?? "";
  const fromUrl = params.get("b");
  showBaselines(fromUrl !== null ? fromUrl.split(",") : (taskOf(kind)?.baselines ?? []));
  setPoints(urlPoints(params.get("p")));
  modelSelect.addEventListener("change", async () => {
    try {
      await open(nameOf(modelSelect.value));
      const task = taskOf(manifest[loaded]?.config.task?.kind ?? "");
      showBaselines(task?.baselines ?? []);
      setPoints(points);
    } catch (error) {
      status.textContent = describe(error);
    }
    document.body.dataset.ready = "true";
  });
  rangeSelect.addEventListener("change", () => {
    plot.range = Number(rangeSelect.value);
    plot.draw();
    void answer();
    saveUrl();
  });
  el("clear").addEventListener("click", () => setPoints([]));
  el("sample").addEventListener(
    "click",
    () => void sample().catch((e) => (status.textContent = describe(e))),
  );
  el("add-point").addEventListener("click", () => {
    if (points.length >= most()) status.textContent = atMost();
    else setPoints([...points, [0, 0]]);
  });
  el("share").addEventListener("click", async () => {
    saveUrl();
    try {
      await navigator.clipboard.writeText(location.href);
      status.textContent = "Link copied: it holds the model, the examples and the baselines.";
    } catch {
      status.textContent = `Copy this link: ${location.href}`;
    }
  });
  setUpPaste(manifest);
  document.body.dataset.ready = "true";
}

void start().catch((error) => {
  status.textContent = describe(error);
});
