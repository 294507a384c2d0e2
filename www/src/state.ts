/**
 * Page state in the URL. One declarative table drives both parsing and serializing, so every
 * setting (the seed included) round-trips and a shared link reproduces a run. Unknown or
 * malformed parameters are reported and ignored, never thrown.
 */

type Kind =
  | { type: "int"; min: number; max: number }
  | { type: "float"; min: number; max: number }
  | { type: "enum"; values: readonly string[] }
  | { type: "list"; values: readonly string[] };

export const TASKS = ["linear", "sparse_linear", "noisy_linear", "relu_net", "decision_tree", "ill_conditioned"] as const;
export const MODELS = ["transformer", "xlstm"] as const;
export const BASELINES = [
  "least_squares",
  "ridge",
  "knn",
  "averaging",
  "lasso",
  "gd",
  "newton",
  "relu_net",
  "tree",
  "boosted_trees",
] as const;

export const PROPS = {
  start: { type: "enum", values: ["checkpoint", "scratch"], default: "checkpoint" },
  task: { type: "enum", values: TASKS, default: "linear" },
  model: { type: "enum", values: MODELS, default: "transformer" },
  sparsity: { type: "int", min: 1, max: 64, default: 3 },
  noiseStd: { type: "float", min: 0, max: 100, default: 1 },
  conditionNumber: { type: "float", min: 1, max: 1e8, default: 100 },
  device: { type: "enum", values: ["auto", "webgpu", "cpu"], default: "auto" },
  preset: { type: "enum", values: ["tiny", "small"], default: "tiny" },
  dims: { type: "int", min: 1, max: 64, default: 5 },
  points: { type: "int", min: 1, max: 256, default: 11 },
  batchSize: { type: "int", min: 1, max: 4096, default: 64 },
  learningRate: { type: "float", min: 1e-6, max: 1, default: 1e-3 },
  warmupSteps: { type: "int", min: 0, max: 1_000_000, default: 100 },
  steps: { type: "int", min: 1, max: 10_000_000, default: 2000 },
  every: { type: "int", min: 1, max: 100_000, default: 25 },
  seed: { type: "int", min: 0, max: 4_294_967_295, default: 0 },
  baselines: { type: "list", values: BASELINES, default: "least_squares,averaging,knn" },
  probe: { type: "enum", values: ["none", "skewed", "orthant", "scaled", "noisy"], default: "none" },
  probeScale: { type: "float", min: 0.01, max: 100, default: 2 },
  probeNoise: { type: "float", min: 0, max: 100, default: 1 },
  evalPrompts: { type: "int", min: 16, max: 20_000, default: 1280 },
  prompt: { type: "int", min: 0, max: 4_294_967_295, default: 0 },
} as const satisfies Table;

export type Prop = Kind & { default: string | number };
export type Table = Record<string, Prop>;
export type StateOf<T extends Table> = { [K in keyof T]: T[K]["default"] extends string ? string : number };

export interface Parsed<S> {
  state: S;
  /** Human-readable notes about ignored parameters. */
  problems: string[];
}

/** Parse and serialize functions for one page's table. */
export function urlState<T extends Table>(table: T) {
  type S = StateOf<T>;
  type Name = keyof T & string;

  function defaults(): S {
    const out: Record<string, string | number> = {};
    for (const [name, p] of Object.entries(table)) out[name] = p.default;
    return out as S;
  }

  /** Parses one value; `null` if it is malformed or out of range. Lists keep table order. */
  function parseValue(name: Name, raw: string): string | number | null {
    const p = table[name] as Kind;
    if (p.type === "enum") return p.values.includes(raw) ? raw : null;
    if (p.type === "list") {
      const items = raw.split(",").filter((s) => s !== "");
      if (!items.every((i) => p.values.includes(i))) return null;
      return p.values.filter((v) => items.includes(v)).join(",");
    }
    if (raw.trim() === "") return null;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < p.min || n > p.max) return null;
    if (p.type === "int" && !Number.isInteger(n)) return null;
    return n;
  }

  function parse(search: string): Parsed<S> {
    const state = defaults() as Record<string, string | number>;
    const problems: string[] = [];
    for (const [key, raw] of new URLSearchParams(search)) {
      if (!(key in table)) {
        problems.push(`unknown parameter "${key}" ignored`);
        continue;
      }
      const value = parseValue(key as Name, raw);
      if (value === null) problems.push(`"${key}=${raw}" is not valid and was ignored`);
      else state[key] = value;
    }
    return { state: state as S, problems };
  }

  /** Only non-default values go in the URL, so links stay short. */
  function serialize(state: S): string {
    const params = new URLSearchParams();
    const d = defaults() as Record<string, string | number>;
    for (const [key, value] of Object.entries(state)) {
      if (value !== d[key]) params.set(key, String(value));
    }
    const s = params.toString();
    return s ? `?${s}` : "";
  }

  return { defaults, parseValue, parse, serialize };
}

/**
 * The value a form control now holds, parsed by `parseValue`; when it is malformed the control
 * goes back to `current`, `status` says why, and the result is `null`.
 */
export function readControl<N extends string>(
  target: HTMLInputElement | HTMLSelectElement,
  name: N,
  parseValue: (name: N, raw: string) => string | number | null,
  current: string | number,
  status: HTMLElement,
): string | number | null {
  const value = parseValue(name, target.value);
  if (value === null) {
    status.textContent = `${name}: "${target.value}" is not valid; kept ${current}.`;
    status.classList.add("error");
    target.value = String(current);
  }
  return value;
}

/**
 * Keeps a page's settings in step with its form: a valid change updates the state and the URL
 * and calls `changed(name)`; a malformed one is reverted and reported in `status`.
 */
export function watchSettings<T extends Table>(
  form: HTMLFormElement,
  table: T,
  url: { parseValue: (name: keyof T & string, raw: string) => string | number | null; serialize: (state: StateOf<T>) => string },
  state: { get: () => StateOf<T>; set: (next: StateOf<T>) => void },
  status: HTMLElement,
  changed: (name: keyof T & string) => void,
): void {
  form.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) return;
    const name = target.name as keyof T & string;
    if (!(name in table)) return;
    const current = state.get();
    const value = readControl(target, name, url.parseValue, current[name] as string | number, status);
    if (value === null) return;
    const next = { ...current, [name]: value } as StateOf<T>;
    state.set(next);
    history.replaceState(null, "", `${location.pathname}${url.serialize(next)}`);
    changed(name);
  });
}

export type PropName = keyof typeof PROPS;
export type State = StateOf<typeof PROPS>;
export const { defaults, parseValue, parse, serialize } = urlState(PROPS);
