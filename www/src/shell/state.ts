/**
 * Page state in the URL. One declarative table per demo (`tables.ts`) drives both parsing and
 * serializing, so every setting (the seed included) round-trips and a shared link reproduces a
 * run. Unknown or malformed parameters are reported and ignored, never thrown.
 *
 * Besides the settings, a URL carries the page's *chrome*: `embed=1` (compact layout for an
 * iframe), `compact=1` (only the main chart, settings folded: an embed short enough for a course
 * page) and `<setting>_hide=1` for each control an educator wants out of sight, as in
 * TensorFlow Playground.
 */
import { friendlyName } from "./share.js";

type Kind =
  | { type: "int"; min: number; max: number }
  /** `minExclusive`: `min` itself is out of range (a learning rate must be > 0). */
  | { type: "float"; min: number; max: number; minExclusive?: boolean }
  /** `aliases`: old names still read from URLs, mapped to the current value. */
  | { type: "enum"; values: readonly string[]; aliases?: Readonly<Record<string, string>> }
  | { type: "list"; values: readonly string[] };

export type Prop = Kind & { default: string | number; doc?: string };
export type Table = Record<string, Prop>;
export type StateOf<T extends Table> = {
  [K in keyof T]: T[K]["default"] extends string ? string : number;
};

/**
 * Whether `state` is the table's defaults, `except` the settings that do not change what is
 * computed (the device, a schedule): when a recorded run of the defaults may stand for it.
 */
export function atDefaults<T extends Table>(
  table: T,
  state: Readonly<StateOf<T>>,
  except: readonly string[],
): boolean {
  return Object.keys(table).every((n) => except.includes(n) || state[n] === table[n]!.default);
}

/** How the page is shown, as opposed to what it computes. */
export interface Chrome {
  /** Compact layout for an iframe: no navigation or explanations. */
  embed: boolean;
  /** Only the main picture and the buttons, settings folded: short enough for a course page. */
  compact: boolean;
  /** Settings whose controls are hidden (they still apply). */
  hidden: string[];
}

export interface Parsed<S> {
  state: S;
  chrome: Chrome;
  /** Human-readable notes about ignored parameters. */
  problems: string[];
}

/**
 * Parse and serialize functions for one page's table. `derived` gives defaults that follow other
 * settings (the in-context page's baselines follow the function class): a setting left out of the
 * URL takes its derived default, and is left out again when it still equals it.
 */
export function urlState<T extends Table>(
  table: T,
  derived?: (state: Readonly<Record<string, string | number>>) => Record<string, string | number>,
) {
  type S = StateOf<T>;
  type Name = keyof T & string;

  function defaults(state?: Readonly<Record<string, string | number>>): S {
    const out: Record<string, string | number> = {};
    for (const [name, p] of Object.entries(table)) out[name] = p.default;
    if (derived) Object.assign(out, derived(state ?? out));
    return out as S;
  }

  /** Parses one value; `null` if it is malformed or out of range. Lists keep table order. */
  function parseValue(name: Name, raw: string): string | number | null {
    const p = table[name] as Kind;
    if (p.type === "enum") return p.values.includes(raw) ? raw : (p.aliases?.[raw] ?? null);
    if (p.type === "list") {
      const items = raw.split(",").filter((s) => s !== "");
      if (!items.every((i) => p.values.includes(i))) return null;
      return p.values.filter((v) => items.includes(v)).join(",");
    }
    if (raw.trim() === "") return null;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < p.min || n > p.max) return null;
    if (p.type === "float" && p.minExclusive && n === p.min) return null;
    if (p.type === "int" && !Number.isInteger(n)) return null;
    return n;
  }

  /** The chrome of the last parsed URL; `serialize` keeps it so a link stays embedded. */
  let chrome: Chrome = { embed: false, compact: false, hidden: [] };

  /** `1`/`true`/`0`/`false`, or `null`. */
  function flag(raw: string): boolean | null {
    if (raw === "1" || raw === "true") return true;
    if (raw === "0" || raw === "false") return false;
    return null;
  }

  function parse(search: string): Parsed<S> {
    const state = defaults() as Record<string, string | number>;
    const problems: string[] = [];
    const hidden = new Set<string>();
    /** Settings the URL gave a valid value. */
    const accepted = new Set<string>();
    let embed = false;
    let compact = false;
    for (const [key, raw] of new URLSearchParams(search)) {
      const hides = key.endsWith("_hide") ? key.slice(0, -"_hide".length) : null;
      if (key === "embed" || key === "compact" || (hides !== null && hides in table)) {
        const on = flag(raw);
        if (on === null) problems.push(`"${key}=${raw}" is not valid (use 1 or 0) and was ignored`);
        else if (key === "compact") compact = on;
        else if (hides === null) embed = on;
        else if (on) hidden.add(hides);
        continue;
      }
      if (!(key in table)) {
        problems.push(`unknown parameter "${key}" ignored`);
        continue;
      }
      const value = parseValue(key as Name, raw);
      if (value === null)
        problems.push(
          `"${key}=${raw}" is not valid (${key} must be ${allowed(table[key] as Prop)}) and was ignored`,
        );
      else {
        state[key] = value;
        accepted.add(key);
      }
    }
    // a derived setting the URL left out, or gave a value that was ignored, follows the others
    if (derived)
      for (const [key, value] of Object.entries(derived(state)))
        if (!accepted.has(key)) state[key] = value;
    // Table order, so a serialized link does not depend on the order it was typed in.
    chrome = { embed, compact, hidden: Object.keys(table).filter((name) => hidden.has(name)) };
    return { state: state as S, chrome, problems };
  }

  /**
   * Only non-default values go in the URL, so links stay short; the chrome (`embed`, `*_hide`)
   * is the last parsed URL's unless given.
   */
  function serialize(state: S, shown: Chrome = chrome): string {
    const params = new URLSearchParams();
    const d = defaults(state as Record<string, string | number>) as Record<string, string | number>;
    for (const [key, value] of Object.entries(state)) {
      if (value !== d[key]) params.set(key, String(value));
    }
    if (shown.embed) params.set("embed", "1");
    if (shown.compact) params.set("compact", "1");
    for (const name of shown.hidden) params.set(`${name}_hide`, "1");
    const s = params.toString();
    return s ? `?${s}` : "";
  }

  return { defaults, parseValue, parse, serialize, chrome: () => chrome };
}

/** A number as a visitor reads it: `0.002`, `1,000,000`. */
function shownNumber(n: number): string {
  return Math.abs(n) >= 1e4 && Number.isInteger(n) ? n.toLocaleString("en") : String(n);
}

/** The values setting `p` takes, for people: "between 1 and 64", "greater than 0 and at most 1", "one of a, b". */
export function allowed(p: Prop): string {
  if (p.type === "enum") return `one of ${p.values.join(", ")}`;
  if (p.type === "list") return `a comma-separated list of ${p.values.join(", ")}`;
  const whole = p.type === "int" ? "a whole number " : "";
  const low = p.type === "float" && p.minExclusive ? "greater than" : "at least";
  if (p.max >= Number.MAX_SAFE_INTEGER) return `${whole}${low} ${shownNumber(p.min)}`;
  if (low === "at least") return `${whole}between ${shownNumber(p.min)} and ${shownNumber(p.max)}`;
  return `${whole}${low} ${shownNumber(p.min)} and at most ${shownNumber(p.max)}`;
}

/** Why `raw` was not taken for the setting labelled `label`, and what it kept. */
export function rejection(label: string, p: Prop, raw: string, kept: string | number): string {
  const shown = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
  return `${label} must be ${allowed(p)}; "${shown}" is not. Kept ${kept}.`;
}

/**
 * The value a form control now holds, parsed by `parseValue`; when it is malformed the control
 * goes back to `current`, `status` says why (with the control's label and the values it takes),
 * and the result is `null`.
 */
export function readControl<N extends string>(
  target: HTMLInputElement | HTMLSelectElement,
  name: N,
  prop: Prop,
  parseValue: (name: N, raw: string) => string | number | null,
  current: string | number,
  status: HTMLElement,
): string | number | null {
  const value = parseValue(name, target.value);
  if (value === null) {
    const label = friendlyName(name);
    status.textContent = rejection(label, prop, target.value, current);
    status.classList.add("error");
    target.value = String(current);
  }
  return value;
}
