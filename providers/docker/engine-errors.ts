/**
 * FleetErrors for the Docker Engine API client: an engine that cannot be reached,
 * and the Engine's own error responses (404, 409, ...) with the Engine's message.
 */
import { FleetError } from "../../src/core/errors.ts";

/** Codes the engine client throws, so callers can branch on them. */
export const EngineErrorCode = {
  unavailable: "DOCKER_UNAVAILABLE",
  notFound: "DOCKER_NOT_FOUND",
  conflict: "DOCKER_CONFLICT",
  badRequest: "DOCKER_BAD_REQUEST",
  engine: "DOCKER_ENGINE_ERROR",
  timeout: "DOCKER_TIMEOUT",
  tooOld: "DOCKER_TOO_OLD",
} as const;

const startHint =
  "start it with `dockerd &` or `systemctl start docker` (or run scripts/docker-up.sh as root); " +
  "set DOCKER_HOST=unix:///path/to/docker.sock if it listens elsewhere";

/** The socket is absent, refuses connections, or is not a unix socket we can use. */
export function dockerUnavailable(socketPath: string, cause: unknown): FleetError {
  const code = errnoCode(cause);
  const why =
    code === "ENOENT"
      ? "no socket there"
      : code === "ECONNREFUSED"
        ? "connection refused"
        : code === "EACCES"
          ? "permission denied"
          : cause instanceof Error
            ? cause.message
            : String(cause);
  return new FleetError(
    EngineErrorCode.unavailable,
    `Docker engine not reachable at ${socketPath} (${why})`,
    {
      fault: "system",
      hint:
        code === "EACCES"
          ? "run as root or as a member of the docker group"
          : `is the Docker engine running? ${startHint}`,
      details: { socketPath, ...(code === undefined ? {} : { errno: code }) },
      cause,
    },
  );
}

/** DOCKER_HOST names something other than a unix socket. */
export function unsupportedDockerHost(dockerHost: string): FleetError {
  return new FleetError(
    EngineErrorCode.unavailable,
    `DOCKER_HOST=${dockerHost} is not supported: fleet talks to the Docker engine over a unix socket`,
    {
      fault: "user",
      hint: "set DOCKER_HOST=unix:///var/run/docker.sock (or unset it)",
      details: { dockerHost },
    },
  );
}

/** An error response from the Engine: its HTTP status and its own message. */
export function engineResponseError(
  status: number,
  method: string,
  path: string,
  engineMessage: string,
): FleetError {
  const code =
    status === 404
      ? EngineErrorCode.notFound
      : status === 409
        ? EngineErrorCode.conflict
        : status === 400
          ? EngineErrorCode.badRequest
          : EngineErrorCode.engine;
  const message = engineMessage.trim() || `HTTP ${status}`;
  return new FleetError(code, `Docker engine: ${message}`, {
    fault: "system",
    details: { status, method, path },
  });
}

export function engineTimeout(what: string, timeoutMs: number): FleetError {
  return new FleetError(EngineErrorCode.timeout, `${what} did not finish within ${timeoutMs} ms`, {
    fault: "system",
    hint: "the Docker engine may be overloaded; see its log",
    details: { timeoutMs },
  });
}

export function engineTooOld(apiVersion: string, minimum: string): FleetError {
  return new FleetError(
    EngineErrorCode.tooOld,
    `Docker engine API ${apiVersion} is older than the ${minimum} fleet needs`,
    { fault: "system", hint: "upgrade Docker (Debian bookworm's docker.io is new enough)" },
  );
}

/** True when err is the Engine saying "no such ..." (container, image, network, path). */
export function isEngineNotFound(err: unknown): boolean {
  return err instanceof FleetError && err.code === EngineErrorCode.notFound;
}

function errnoCode(cause: unknown): string | undefined {
  if (typeof cause !== "object" || cause === null || !("code" in cause)) return undefined;
  const { code } = cause;
  return typeof code === "string" ? code : undefined;
}
