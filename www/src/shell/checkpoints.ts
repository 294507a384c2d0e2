/** The shipped checkpoints: `checkpoints/manifest.json`, written by scripts/checkpoint-manifest.mjs. */
import { type Backbone, CATALOG, type SessionConfig } from "iclab";

export interface ManifestEntry {
  file: string;
  step: number;
  wallSeconds: number;
  config: SessionConfig;
  /** Its recorded layer analysis next to it (`<name>.layers.json`), if one ships. */
  layerAnalysis?: string;
}

/** Entries by checkpoint name (`linear`, `xlstm_linear`, …). */
export type Manifest = Record<string, ManifestEntry>;

/** Each backbone's name in a sentence ("xLSTM"), from the catalog. */
export const MODEL_NAMES = Object.fromEntries(
  CATALOG.icl.models.map((m) => [m.kind, m.shortTitle]),
) as Record<Backbone, string>;
/** What a config that leaves a setting out gets. */
export const DEFAULTS = CATALOG.icl.defaults;

/** The layers, width and heads of size `preset` of backbone `model` (undefined for an unknown one). */
export function presetShape(model: string, preset: string) {
  return CATALOG.icl.models.find((m) => m.kind === model)?.presets[preset];
}

let manifest: Promise<Manifest> | null = null;

/** Fetched once per page; a missing manifest means no shipped checkpoints. */
export function loadManifest(): Promise<Manifest> {
  manifest ??= fetch(new URL("checkpoints/manifest.json", document.baseURI)).then(
    (r) => (r.ok ? (r.json() as Promise<Manifest>) : {}),
    () => ({}),
  );
  return manifest;
}

/**
 * The checkpoint trained on `task` with `model`, if one ships: the one named after them
 * (`linear`, `xlstm_linear`) where it qualifies, else the first that does. `accept` narrows the
 * choice (the compare page takes only models of their preset's own shape, so both sides match).
 */
export function findCheckpoint(
  all: Manifest,
  task: string,
  model: Backbone,
  accept: (entry: ManifestEntry) => boolean = () => true,
): ManifestEntry | undefined {
  // the in-context pages' models are at the default dimension (draw.html has the d = 1 ones)
  const fits = (e: ManifestEntry | undefined): e is ManifestEntry =>
    !!e &&
    (e.config.dims ?? DEFAULTS.dims) === DEFAULTS.dims &&
    e.config.task?.kind === task &&
    (e.config.model ?? DEFAULTS.model) === model &&
    accept(e);
  // the default backbone's checkpoints are named after their task, the others' prefixed
  const named = all[model === DEFAULTS.model ? task : `${model}_${task}`];
  return fits(named) ? named : Object.values(all).find(fits);
}

/** Whether a checkpoint's model has its preset's own shape (no layer, width or head override). */
export function atPresetShape(entry: ManifestEntry): boolean {
  const c = entry.config;
  return c.layers == null && c.dModel == null && c.heads == null;
}

/** Fetches a shipped checkpoint's bytes. */
export async function fetchCheckpoint(entry: ManifestEntry): Promise<Uint8Array> {
  const response = await fetch(new URL(`checkpoints/${entry.file}`, document.baseURI));
  if (!response.ok)
    throw new Error(`could not fetch checkpoints/${entry.file}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Entries in the catalog's order of their function classes (linear first), then by name. */
export function byClass(entries: [string, ManifestEntry][]): [string, ManifestEntry][] {
  const order = (e: ManifestEntry) =>
    CATALOG.icl.tasks.findIndex((t) => t.kind === (e.config.task?.kind ?? ""));
  return [...entries].sort(([a, x], [b, y]) => order(x) - order(y) || a.localeCompare(b));
}
