/**
 * What every page's settings table is built from: a core-owned number's bounds and default
 * (`core`, `field`), the function classes and their flat URL parameters, the baselines a visitor
 * may switch on, the continual strategies' settings. Each page's own table is in its folder
 * (`pages/<page>/table.ts`); `demos.ts` lists the embeddable ones. The URL parser and serializer
 * (`state.ts`), the embed element, the share dialog and the teachers page's parameter reference
 * all read those tables, so a setting cannot exist in one place and be missing in another.
 *
 * Each entry is a URL parameter. `doc` is what the parameter reference says about it.
 */
import {
  CATALOG,
  type ContinualStrategy,
  type Field,
  type FieldSpec,
  type StrategySetting,
  type TaskConfig,
} from "iclab";
import type { Prop, Table } from "./state.js";

const { icl, continual } = CATALOG;

/** The catalog's bounds of `name` in `table`; the catalog is generated from the core, so a miss is a build error. */
export function field(table: Readonly<Record<string, Field>>, name: string): Field {
  const spec = table[name];
  if (!spec) throw new Error(`the catalog has no field ${name}`);
  return spec;
}

/**
 * A setting the core owns: its bounds come from the catalog (so a page cannot accept what the
 * core rejects, or the reverse), its default too unless the page starts elsewhere (`start`).
 */
export function core(
  spec: Field & { default?: FieldSpec["default"] },
  doc: string,
  start?: number,
): Prop & { default: number } {
  const bounds = {
    min: spec.min,
    max: spec.max ?? Number.MAX_SAFE_INTEGER,
    ...(spec.minExclusive ? { minExclusive: true } : {}),
  };
  const fallback = typeof spec.default === "number" ? spec.default : spec.min;
  return { type: spec.integer ? "int" : "float", ...bounds, default: start ?? fallback, doc };
}

export const TASKS = icl.tasks.map((t) => t.kind);
/** Each function class's parameters, flat in the URL (`sparsity`, `noiseStd`, …): one entry per parameter. */
export const TASK_PARAMS: Table = Object.fromEntries(
  icl.tasks.flatMap((t) =>
    Object.entries(t.fields).map(([name, spec]) => [
      name,
      core(spec, `${spec.label || name} (${t.title})`),
    ]),
  ),
);
/** The URL names of every class's parameters. */
export const TASK_PARAM_NAMES: readonly string[] = Object.keys(TASK_PARAMS);

/**
 * The config of class `kind` with its parameters read from a page's flat state (`sparsity`, …),
 * each kept within the field that bounds it (`sparsity` ≤ `dims`); a parameter the state lacks
 * takes the core's default.
 */
export function taskConfig(
  kind: string,
  state: Readonly<Record<string, string | number>>,
): TaskConfig {
  const task: Record<string, unknown> = { kind };
  for (const [name, spec] of Object.entries(icl.tasks.find((t) => t.kind === kind)?.fields ?? {})) {
    const value = state[name];
    if (typeof value !== "number") continue;
    const cap = spec.maxOf === null ? undefined : state[spec.maxOf];
    task[name] = typeof cap === "number" ? Math.min(value, cap) : value;
  }
  return task as TaskConfig;
}

/**
 * Baselines a visitor can switch on; the zero estimator is always drawn (the core computes it),
 * and dMMSE needs a model trained on a task pool, which these pages do not train.
 */
export const BASELINES = icl.baselines.filter(
  (b) => !icl.baselineRoles.always.includes(b) && !icl.baselineRoles.needsPool.includes(b),
);
export const DEVICES = icl.devices;
export const MODELS = icl.models.map((m) => m.kind);
export const SEED = field(icl.session, "seed");

export const STRATEGIES: readonly ContinualStrategy[] = continual.strategies.map((x) => x.kind);
export const STRATEGY_NAMES = Object.fromEntries(
  continual.strategies.map((x) => [x.kind, x.title]),
) as Record<ContinualStrategy, string>;
export const SHAPES = continual.shapes;
export const SCENARIOS = continual.scenarios.map((x) => x.kind);

/** A strategy setting as a page holds it: one per URL name, with the strategies that read it. */
export type StrategySettingOf = StrategySetting & { uses: ContinualStrategy[] };
/**
 * Every strategy's settings from the catalog, one per page name (`ewcLambda`, `bufferSize`),
 * in the catalog's order: the continual page builds a control for each and shows it only while
 * a strategy in `uses` is on screen.
 */
export const STRATEGY_SETTINGS: readonly StrategySettingOf[] = (() => {
  const byName = new Map<string, StrategySettingOf>();
  for (const strategy of continual.strategies)
    for (const setting of strategy.settings) {
      const seen = byName.get(setting.name);
      if (seen) seen.uses.push(strategy.kind);
      else byName.set(setting.name, { ...setting, uses: [strategy.kind] });
    }
  return [...byName.values()];
})();
/** The settings as URL parameters. */
export const STRATEGY_PARAMS: Table = Object.fromEntries(
  STRATEGY_SETTINGS.map((s) => {
    const doc = `${s.label} (${s.uses.map((k) => STRATEGY_NAMES[k]).join(", ")})`;
    const prop: Prop = s.field
      ? core({ ...s.field, default: s.default as number }, doc)
      : {
          type: "enum",
          values: (s.choices ?? []).map((choice) => choice.value),
          default: String(s.default),
          doc,
        };
    return [s.name, prop];
  }),
);
