/** Stable error codes; switch on `IclabError.code`. */
export type ErrorCode =
  | "invalid_config"
  | "invalid_checkpoint"
  | "device_unavailable"
  | "device_lost"
  | "backend"
  | "diverged"
  | "too_large"
  | "unknown_session"
  | "busy"
  | "aborted"
  | "disposed"
  | "worker_crashed";

/** Plain form of an error as it crosses the worker boundary. */
export interface ErrorPayload {
  code: ErrorCode;
  field: string | null;
  message: string;
}

/** Every rejection from this package is an `IclabError`. */
export class IclabError extends Error {
  readonly code: ErrorCode;
  /** The config field at fault (e.g. `"dims"`), when there is one. */
  readonly field: string | null;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = "IclabError";
    this.code = payload.code;
    this.field = payload.field;
  }
}

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "invalid_config",
  "invalid_checkpoint",
  "device_unavailable",
  "device_lost",
  "backend",
  "diverged",
  "too_large",
  "unknown_session",
  "busy",
  "aborted",
  "disposed",
  "worker_crashed",
]);

/** Turns anything thrown (a wasm `IclabError`, a JS exception) into a payload. */
export function toPayload(error: unknown): ErrorPayload {
  if (typeof error === "object" && error !== null) {
    const e = error as { code?: unknown; field?: unknown; message?: unknown; name?: unknown };
    const message = typeof e.message === "string" ? e.message : describe(error);
    if (typeof e.code === "string" && CODES.has(e.code)) {
      return {
        code: e.code as ErrorCode,
        field: typeof e.field === "string" ? e.field : null,
        message,
      };
    }
    return { code: "backend", field: null, message };
  }
  return { code: "backend", field: null, message: describe(error) };
}

/**
 * A caller's value as an error message shows it, whatever it is: never throws (`String()` does
 * on `Object.create(null)`, a revoked proxy or a 2³²-entry array) and never long (a 100 kB
 * string is cut to its first 48 characters).
 */
export function describe(value: unknown): string {
  try {
    if (typeof value === "string")
      return value.length > 48 ? `${JSON.stringify(value.slice(0, 48))}…` : JSON.stringify(value);
    if (
      typeof value === "number" ||
      typeof value === "boolean" ||
      typeof value === "bigint" ||
      value == null
    )
      return String(value);
    if (typeof value === "symbol") return "a symbol";
    if (typeof value === "function") return "a function";
    if (Array.isArray(value)) return `an array of ${value.length} entries`;
    if (value instanceof Error) return `${value.name}: ${value.message.slice(0, 200)}`;
    return "an object";
  } catch {
    return "a value that cannot be read";
  }
}

/** `value` checked against a whole-number `bounds` from the catalog, as the core would; the error names `field`. */
export function within(
  field: string,
  value: unknown,
  bounds: { min: number; max: number | null },
): number {
  return wholeNumber(field, value, bounds.min, bounds.max ?? Number.MAX_SAFE_INTEGER);
}

/** `value` if it is a whole number in `[min, max]`; otherwise a typed error naming `field`. */
export function wholeNumber(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new IclabError({
      code: "invalid_config",
      field,
      message: `invalid config \`${field}\`: must be a whole number between ${min} and ${max}, got ${describe(value)}`,
    });
  }
  return value;
}
