/** Small helpers every page uses. */
import { IclabError } from "iclab";

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
