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

/** The checkpoint trained on `task` with `model`, if one ships. */
export function findCheckpoint(all: Manifest, task: string, model: Backbone): ManifestEntry | undefined {
  return Object.values(all).find((e) => e.config.task?.kind === task && (e.config.model ?? "transformer") === model);
}

/** Fetches a shipped checkpoint's bytes. */
export async function fetchCheckpoint(entry: ManifestEntry): Promise<Uint8Array> {
  const response = await fetch(new URL(`checkpoints/${entry.file}`, document.baseURI));
  if (!response.ok) throw new Error(`could not fetch checkpoints/${entry.file}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
