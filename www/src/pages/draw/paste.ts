/**
 * Paste a prompt for a shipped 5-dimensional model: the core reads the table (rows of d + 1
 * numbers are examples, rows of d are queries; a bad row is an error naming it) and answers
 * each query with the model and the class's reference baselines. The text never leaves the page.
 */
import { type Answer, CATALOG, type Session, loadSession } from "iclab";
import { byClass, DEFAULTS, fetchCheckpoint, type Manifest } from "../../shell/checkpoints.js";
import { describe, el, tableRow } from "../../shell/dom.js";

const TITLES = CATALOG.titles.baselines as Record<string, string>;
const taskOf = (kind: string) => CATALOG.icl.tasks.find((t) => t.kind === kind);
const fmt = (v: number) => (Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toFixed(3));

let session: Session | null = null;
let loaded = "";

async function open(manifest: Manifest, name: string): Promise<Session> {
  if (session && loaded === name) return session;
  const entry = manifest[name];
  if (!entry) throw new Error(`no checkpoint ${name}`);
  const next = await loadSession(await fetchCheckpoint(entry), "cpu");
  await session?.dispose().catch(() => undefined);
  session = next;
  loaded = name;
  return next;
}

function showAnswer(answer: Answer): void {
  const names = Object.keys(answer.baselines);
  const table = document.createElement("table");
  table.className = "answers";
  const caption = document.createElement("caption");
  caption.textContent = `${answer.examples.length} examples read; each query answered after all of them (* outside the range the model was trained on).`;
  const head = document.createElement("thead");
  const header = document.createElement("tr");
  for (const text of ["query", "model", ...names.map((n) => TITLES[n] ?? n)]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = text;
    header.append(th);
  }
  head.append(header);
  const body = document.createElement("tbody");
  answer.queries.forEach((q, i) => {
    body.append(
      tableRow([
        `${q.map(fmt).join(", ")}${answer.outside[i] ? " *" : ""}`,
        fmt(answer.model[i] ?? Number.NaN),
        ...names.map((n) => fmt(answer.baselines[n]?.[i] ?? Number.NaN)),
      ]),
    );
  });
  table.append(caption, head, body);
  el("paste-result").replaceChildren(table);
}

/** Ten examples and two queries from a random function of the model's class. */
async function example(s: Session): Promise<string> {
  const evaluation = await s.evaluate({
    prompts: 1,
    examples: 1,
    baselines: [],
    seed: Math.floor(Math.random() * 1e9),
  });
  const e = evaluation.examples?.[0];
  if (!e) return "";
  const rows = e.xs.slice(0, 10).map((x, i) => [...x, e.targets[i] ?? 0].map(fmt).join(", "));
  const queries = e.xs.slice(10, 12).map((x) => x.map(fmt).join(", "));
  const d = s.config.dims;
  const header = [...Array.from({ length: d }, (_, i) => `x${i + 1}`), "y"].join(", ");
  return [header, ...rows, ...queries].join("\n");
}

export function setUpPaste(manifest: Manifest): void {
  const select = el<HTMLSelectElement>("paste-model");
  const entries = byClass(
    Object.entries(manifest).filter(
      ([, e]) =>
        e.config.dims === DEFAULTS.dims && (e.config.model ?? DEFAULTS.model) === DEFAULTS.model,
    ),
  );
  select.replaceChildren(
    ...entries.map(([name, e]) =>
      Object.assign(document.createElement("option"), {
        value: name,
        textContent: `${taskOf(e.config.task?.kind ?? "")?.title ?? name} (${name})`,
      }),
    ),
  );
  const status = el("paste-status");
  const text = el<HTMLTextAreaElement>("paste-text");
  el("paste-answer").addEventListener("click", async () => {
    status.textContent = "Answering…";
    try {
      const s = await open(manifest, select.value);
      const answer = await s.answer({ table: text.value });
      showAnswer(answer);
      status.textContent = "";
      document.body.dataset.pasted = String(answer.queries.length);
    } catch (error) {
      // a bad table changes nothing: the last answer stays
      status.textContent = describe(error);
    }
  });
  el("paste-example").addEventListener("click", async () => {
    try {
      text.value = await example(await open(manifest, select.value));
      status.textContent = "An example prompt from the model's class: press Answer.";
    } catch (error) {
      status.textContent = describe(error);
    }
  });
}
