/** Small helpers every page uses. */
import { IclabError, type DeviceInfo, type Session } from "iclab";

/** The element with `id`; a page missing one of its own elements is a bug, so this throws. */
export function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
}

/** A table row: the first cell a row header, the others data cells, each holding its text. */
export function tableRow(cells: readonly string[]): HTMLTableRowElement {
  const row = document.createElement("tr");
  row.append(
    ...cells.map((text, i) => {
      const cell = document.createElement(i === 0 ? "th" : "td");
      if (i === 0) cell.scope = "row";
      cell.textContent = text;
      return cell;
    }),
  );
  return row;
}

/**
 * An error as a sentence for a person: "Pick a class between 0 and 9 (12 is not one)." rather than
 * the core's "invalid config `class`: must be between 0 and 9, got 12". The code and field stay
 * on the error for programs ({@link IclabError}); the field is named as its control is labelled.
 */
export function describe(error: unknown): string {
  if (!(error instanceof IclabError)) return String(error instanceof Error ? error.message : error);
  // for programs and the end-to-end tests: what the sentence was made from
  document.body.dataset.errorCode = error.code;
  document.body.dataset.errorField = error.field ?? "";
  const detail = error.message.replace(/^invalid (config|checkpoint) `[^`]*`: /, "");
  if (error.code !== "invalid_config" || !error.field) return sentence(detail);
  const name = fieldName(error.field);
  const bounds = /^must be (?:a whole number )?(between .+), got (.+)$/.exec(detail);
  if (bounds) return `Pick ${article(name)} ${name} ${bounds[1]} (${bounds[2]} is not one).`;
  const other = /^must be (.+), got (.+)$/.exec(detail);
  if (other) return `${capital(name)} must be ${other[1]} (it was ${other[2]}).`;
  return sentence(`${capital(name)}: ${detail}`);
}

/** A config field as a person reads it: its control's label if the page has one, else words. */
function fieldName(field: string): string {
  const path = field.replace(/\[\d+\]$/, "").split(".");
  // a tagged config's `kind` is the menu named after the config (`scenario.kind`: "Scenario")
  const last = (path.at(-1) === "kind" && path.length > 1 ? path.at(-2) : path.at(-1)) ?? field;
  const control = document.querySelector<HTMLElement>(`form [name="${last}"]`);
  const label = control?.closest("label");
  const text = label
    ? [...label.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? "")
        .join(" ")
        .trim()
    : "";
  return (text || last.replace(/([a-z])([A-Z])/g, "$1 $2")).toLowerCase().replace(/\s+/g, " ");
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sentence(text: string): string {
  const t = capital(text.trim());
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Whether `error` says the GPU went away (the sessions on it can continue on the CPU). */
export function deviceLost(error: unknown): boolean {
  return error instanceof IclabError && error.code === "device_lost";
}

/**
 * After a GPU loss at `lostAt`: moves every session to the CPU from its last snapshot and says
 * so in one sentence. Resolves to that sentence and the step each session continues from.
 */
export async function continueOnCpu(
  sessions: Session[],
  lostAt: number,
): Promise<{ note: string; steps: number[] }> {
  const steps: number[] = [];
  for (const s of sessions) steps.push(await s.recover("cpu"));
  const from = Math.min(...steps);
  return {
    steps,
    note: `The GPU was lost at step ${lostAt}; training continues on the CPU from step ${from}, the last snapshot.`,
  };
}

/** The page header's device badge: what runs, and why `auto` fell back when it did. */
export function showDeviceBadge(badge: HTMLElement, info: DeviceInfo): void {
  badge.dataset.kind = info.kind;
  delete badge.dataset.software;
  badge.textContent = `device: ${info.kind === "webgpu" ? `WebGPU · ${info.adapter ?? "adapter"}` : "CPU"}`;
  badge.title = info.fallbackReason ?? "";
  badge.dataset.reason = info.fallbackReason ?? "";
}
