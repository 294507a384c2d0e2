// Checks of what a caller hands the package, before anything crosses to the worker: every
// rejection is an `IclabError` naming the field, as the core's own checks are.
import { IclabError, describe } from "./errors.js";

/** Most entries an array in a config may hold (as the core's own check). */
const MAX_ARRAY = 10_000;

/**
 * The path of the first value the worker could not receive (functions and symbols cannot be
 * cloned), or that JSON would change on its way to the core (a number that is not finite, an
 * object that is not plain), with why; `null` when everything is plain.
 */
function unclonable(
  value: unknown,
  path: string,
  finite: boolean,
  depth = 0,
): { path: string; why: string } | null {
  if (typeof value === "function" || typeof value === "symbol") {
    return {
      path,
      why: "must be a number, string, boolean, array or plain object, not a function or symbol",
    };
  }
  // JSON would turn NaN and ±Infinity into null, which a nullable field reads as "unset"
  if (finite && typeof value === "number" && !Number.isFinite(value))
    return { path, why: `must be a finite number, got ${value}` };
  if (typeof value !== "object" || value === null || depth > 8) return null;
  const isArray = Array.isArray(value);
  if (isArray && value.length > MAX_ARRAY)
    return { path, why: `holds ${value.length} entries; at most ${MAX_ARRAY}` };
  const proto: unknown = Object.getPrototypeOf(value);
  if (!isArray && proto !== Object.prototype && proto !== null) {
    return {
      path,
      why: "must be a plain object (not a Map, Set, Date, Promise or class instance)",
    };
  }
  for (const key of Object.keys(value)) {
    const at = isArray ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    let child: unknown;
    try {
      child = (value as Record<string, unknown>)[key];
    } catch (error) {
      // a getter that throws
      return { path: at, why: `reading it threw ${describe(error)}` };
    }
    const found = unclonable(child, at, finite, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Runs `read`, which touches a caller's object, and turns anything it throws (a getter that
 * throws, a revoked proxy) into a typed error naming `field`.
 */
export function reading<T>(
  field: string,
  read: () => T,
  code: "invalid_config" | "invalid_checkpoint" = "invalid_config",
): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof IclabError) throw error;
    const what = code === "invalid_checkpoint" ? "checkpoint" : "config";
    throw new IclabError({
      code,
      field,
      message: `invalid ${what} \`${field}\`: reading it threw ${describe(error)}`,
    });
  }
}

/** `value` if it is a plain object (or absent); otherwise a typed error naming the field. */
export function plain(
  field: string,
  value: unknown,
  numbers: "finite" | "mayBeNaN" = "finite",
): unknown {
  if (value === undefined) return {};
  // Array.isArray throws on a revoked proxy
  if (typeof value !== "object" || value === null || reading(field, () => Array.isArray(value))) {
    throw new IclabError({ code: "invalid_config", field, message: `${field} must be an object` });
  }
  const bad = reading(field, () => unclonable(value, "", numbers === "finite"));
  if (bad !== null) {
    const name = bad.path === "" ? field : bad.path;
    throw new IclabError({
      code: "invalid_config",
      field: name,
      message: `invalid config \`${name}\`: ${bad.why}`,
    });
  }
  return value;
}

/**
 * Splits a call's options into its `AbortSignal` and the rest, checked as {@link plain}: the
 * signal stays on this side of the worker; the rest goes to the core.
 */
export function cancellable(
  field: string,
  options: unknown,
): { rest: unknown; signal: AbortSignal | undefined } {
  if (options === undefined) return { rest: {}, signal: undefined };
  if (
    typeof options !== "object" ||
    options === null ||
    reading(field, () => Array.isArray(options))
  ) {
    throw new IclabError({ code: "invalid_config", field, message: `${field} must be an object` });
  }
  const signal = reading("signal", () => (options as { signal?: unknown }).signal);
  if (signal !== undefined && !reading("signal", () => signal instanceof AbortSignal)) {
    throw new IclabError({
      code: "invalid_config",
      field: "signal",
      message: `invalid config \`signal\`: must be an AbortSignal, got ${describe(signal)}`,
    });
  }
  if (signal === undefined) return { rest: plain(field, options), signal: undefined };
  const rest = reading(field, () => {
    const { signal: _, ...others } = options as Record<string, unknown>;
    return others;
  });
  return { rest: plain(field, rest), signal: signal as AbortSignal };
}
