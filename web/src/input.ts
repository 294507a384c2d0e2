// Checks of what a caller hands the package, before anything crosses to the worker: every
// rejection is an `IclabError` naming the field, as the core's own checks are.
import { IclabError } from "./errors.js";

/**
 * The path of the first value the worker could not receive (functions and symbols cannot be
 * cloned), or that JSON would change on its way to the core (a number that is not finite, an
 * object that is not plain), with why; `null` when everything is plain.
 */
function unclonable(value: unknown, path: string, finite: boolean, depth = 0): { path: string; why: string } | null {
  if (typeof value === "function" || typeof value === "symbol") {
    return { path, why: "must be a number, string, boolean, array or plain object, not a function or symbol" };
  }
  // JSON would turn NaN and ±Infinity into null, which a nullable field reads as "unset"
  if (finite && typeof value === "number" && !Number.isFinite(value)) return { path, why: `must be a finite number, got ${value}` };
  if (typeof value !== "object" || value === null || depth > 8) return null;
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    return { path, why: "must be a plain object (not a Map, Set, Date or class instance)" };
  }
  for (const [key, child] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const found = unclonable(child, at, finite, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Runs `read`, which touches a caller's object, and turns anything it throws (a getter that
 * throws, a revoked proxy) into a typed error naming `field`.
 */
export function reading<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof IclabError) throw error;
    throw new IclabError({ code: "invalid_config", field, message: `invalid config \`${field}\`: reading it threw ${String(error)}` });
  }
}

/** `value` if it is a plain object (or absent); otherwise a typed error naming the field. */
export function plain(field: string, value: unknown, numbers: "finite" | "mayBeNaN" = "finite"): unknown {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new IclabError({ code: "invalid_config", field, message: `${field} must be an object` });
  }
  const bad = reading(field, () => unclonable(value, "", numbers === "finite"));
  if (bad !== null) {
    const name = bad.path === "" ? field : bad.path;
    throw new IclabError({ code: "invalid_config", field: name, message: `invalid config \`${name}\`: ${bad.why}` });
  }
  return value;
}
