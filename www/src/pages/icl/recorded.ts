/** A shipped model's own training, recorded natively, on the in-context page's loss chart. */
import type { LossChart } from "../../charts/loss-chart.js";

/**
 * The shipped model's own training, from the log the CLI wrote next to it, drawn as a recorded run
 * on the loss chart: continuing it here adds a short piece at its end, and the visitor sees how it
 * got there. A missing log only leaves the chart without it.
 */
export async function showRecorded(
  chart: LossChart,
  file: string,
  current: () => boolean,
): Promise<void> {
  const response = await fetch(
    new URL(`checkpoints/${file.replace(/\.safetensors$/, ".log.json")}`, document.baseURI),
  ).catch(() => null);
  if (!response?.ok) return;
  const log = (await response.json().catch(() => null)) as {
    reports?: { step: number; normalizedLoss: number }[];
    wallSeconds?: number;
  } | null;
  // a Reset or another class since: this log belongs to a model no longer on the page
  if (!log || !current()) return;
  const points = (log.reports ?? [])
    .filter((r) => Number.isFinite(r.normalizedLoss))
    .map((r): [number, number] => [r.step, r.normalizedLoss]);
  if (points.length)
    chart.setRecorded(
      points,
      `shipped model's own training (recorded natively, ${Math.round((log.wallSeconds ?? 0) / 60)} min)`,
    );
}
