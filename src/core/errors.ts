/** Whose fault an error is: the user's input, or the system fleet runs on. */
export type Fault = "user" | "system";

export interface FleetErrorOptions {
  hint?: string;
  fault?: Fault;
  /** Exit code the CLI should use; defaults to 2 for usage errors, 1 otherwise. */
  exitCode?: number;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error type the core throws on purpose. The CLI entry point is the only
 * place that prints it; the stack trace is shown only with --debug.
 */
export class FleetError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly fault: Fault;
  readonly exitCode: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: FleetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FleetError";
    this.code = code;
    this.hint = options.hint;
    this.fault = options.fault ?? "user";
    this.exitCode = options.exitCode ?? (code === "USAGE" ? 2 : 1);
    this.details = options.details;
  }

  toJSON(): FleetErrorJson {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      fault: this.fault,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export interface FleetErrorJson {
  code: string;
  message: string;
  hint?: string;
  fault: Fault;
  details?: Record<string, unknown>;
}

export function isFleetError(value: unknown): value is FleetError {
  return value instanceof FleetError;
}

/** Wraps anything thrown into a FleetError, keeping FleetErrors as they are. */
export function toFleetError(value: unknown, code = "INTERNAL"): FleetError {
  if (value instanceof FleetError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new FleetError(code, message, { fault: "system", cause: value });
}

export const usageError = (message: string, hint?: string): FleetError =>
  new FleetError("USAGE", message, { hint, exitCode: 2 });
