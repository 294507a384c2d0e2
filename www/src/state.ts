/**
 * Page state in the URL. One declarative table drives both parsing and serializing, so every
 * setting (the seed included) round-trips and a shared link reproduces a run. Unknown or
 * malformed parameters are reported and ignored, never thrown.
 */

type Kind = { type: "int"; min: number; max: number } | { type: "float"; min: number; max: number } | { type: "enum"; values: readonly string[] };

export const PROPS = {
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
  evalPrompts: { type: "int", min: 16, max: 20_000, default: 1280 },
} as const satisfies Record<string, Kind & { default: string | number }>;

export type PropName = keyof typeof PROPS;
export type State = { [K in PropName]: (typeof PROPS)[K]["default"] extends string ? string : number };

export function defaults(): State {
  const out: Record<string, string | number> = {};
  for (const [name, p] of Object.entries(PROPS)) out[name] = p.default;
  return out as State;
}

/** Parses one value; `null` if it is malformed or out of range. */
export function parseValue(name: PropName, raw: string): string | number | null {
  const p: Kind = PROPS[name];
  if (p.type === "enum") return p.values.includes(raw) ? raw : null;
  if (raw.trim() === "") return null;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < p.min || n > p.max) return null;
  if (p.type === "int" && !Number.isInteger(n)) return null;
  return n;
}

export interface Parsed {
  state: State;
  /** Human-readable notes about ignored parameters. */
  problems: string[];
}

export function parse(search: string): Parsed {
  const state = defaults() as Record<string, string | number>;
  const problems: string[] = [];
  for (const [key, raw] of new URLSearchParams(search)) {
    if (!(key in PROPS)) {
      problems.push(`unknown parameter "${key}" ignored`);
      continue;
    }
    const value = parseValue(key as PropName, raw);
    if (value === null) problems.push(`"${key}=${raw}" is not valid and was ignored`);
    else state[key] = value;
  }
  return { state: state as State, problems };
}

/** Only non-default values go in the URL, so links stay short. */
export function serialize(state: State): string {
  const params = new URLSearchParams();
  const d = defaults() as Record<string, string | number>;
  for (const [key, value] of Object.entries(state)) {
    if (value !== d[key]) params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}
