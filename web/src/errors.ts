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
  "disposed",
  "worker_crashed",
]);

/** Turns anything thrown (a wasm `IclabError`, a JS exception) into a payload. */
export function toPayload(error: unknown): ErrorPayload {
  if (typeof error === "object" && error !== null) {
    const e = error as { code?: unknown; field?: unknown; message?: unknown; name?: unknown };
    const message = typeof e.message === "string" ? e.message : String(error);
    if (typeof e.code === "string" && CODES.has(e.code)) {
      return {
        code: e.code as ErrorCode,
        field: typeof e.field === "string" ? e.field : null,
        message,
      };
    }
    return { code: "backend", field: null, message };
  }
  return { code: "backend", field: null, message: String(error) };
}

/** Validates a whole-number argument on the main thread, before any message is sent. */
/** `value` checked against a whole-number `bounds` from the catalog, as the core would; the error names `field`. */
export function within(field: string, value: unknown, bounds: { min: number; max: number | null }): number {
  return wholeNumber(field, value, bounds.min, bounds.max ?? Number.MAX_SAFE_INTEGER);
}

export function wholeNumber(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new IclabError({
      code: "invalid_config",
      field,
      message: `invalid config \`${field}\`: must be a whole number between ${min} and ${max}, got ${String(value)}`,
    });
  }
  return value;
}
