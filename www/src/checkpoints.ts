/** The shipped checkpoints: `checkpoints/manifest.json`, written by scripts/checkpoint-manifest.mjs. */
import type { Backbone, SessionConfig } from "iclab";

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

export const MODEL_NAMES: Record<Backbone, string> = { transformer: "transformer", xlstm: "xLSTM" };

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
  const fits = (e: ManifestEntry | undefined): e is ManifestEntry =>
    !!e && e.config.task?.kind === task && (e.config.model ?? "transformer") === model && accept(e);
  const named = all[model === "xlstm" ? `xlstm_${task}` : task];
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
