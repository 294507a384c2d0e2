/** Small helpers every page uses. */
import { IclabError, type DeviceInfo, type Session } from "iclab";

/** The element with `id`; a page missing one of its own elements is a bug, so this throws. */
export function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
}

/** An error as one line for the status bar: the message, its code and the field at fault. */
export function describe(error: unknown): string {
  if (error instanceof IclabError) return `${error.message} (${error.code}${error.field ? `: ${error.field}` : ""})`;
  return String(error);
}

/** Whether `error` says the GPU went away (the sessions on it can continue on the CPU). */
export function deviceLost(error: unknown): boolean {
  return error instanceof IclabError && error.code === "device_lost";
}

/**
 * After a GPU loss at `lostAt`: moves every session to the CPU from its last snapshot and says
 * so in one sentence. Resolves to that sentence and the step each session continues from.
 */
export async function continueOnCpu(sessions: Session[], lostAt: number): Promise<{ note: string; steps: number[] }> {
  const steps: number[] = [];
  for (const s of sessions) steps.push(await s.recover("cpu"));
  const from = Math.min(...steps);
  return { steps, note: `The GPU was lost at step ${lostAt}; training continues on the CPU from step ${from}, the last snapshot.` };
}

/** The page header's device badge: what runs, and why `auto` fell back when it did. */
export function showDeviceBadge(badge: HTMLElement, info: DeviceInfo): void {
  badge.dataset.kind = info.kind;
  badge.textContent = `device: ${info.kind === "webgpu" ? `WebGPU · ${info.adapter ?? "adapter"}` : "CPU"}`;
  badge.title = info.fallbackReason ?? "";
  badge.dataset.reason = info.fallbackReason ?? "";
}
