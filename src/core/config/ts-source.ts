/**
 * TypeScript fleet files, imported natively (Node >= 22.18 strips types) in a
 * worker thread (ts-worker.ts), because a fleet file is code: it may loop
 * forever, call process.exit, leave a promise rejected or print. In the worker
 * none of that reaches fleet: a deadline ends it, an exit or a rejection is an
 * error naming the file, and its console output goes to stderr (or `output`), so
 * `--format json` on stdout stays clean.
 */
import { extname } from "node:path";
import type { Writable } from "node:stream";
import { Worker } from "node:worker_threads";
import { FleetError } from "../errors.ts";
import type { FleetModuleReply } from "./ts-worker.ts";

/** How long a fleet file may take to load (FLEET_TS_TIMEOUT_MS overrides it). */
export const FLEET_MODULE_TIMEOUT_MS = 10_000;

const WORKER_URL = new URL(
  `./ts-worker${extname(new URL(import.meta.url).pathname)}`,
  import.meta.url,
);

/** Loading the module failed in a way that has a complete message of its own. */
export class FleetModuleError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

export interface ImportFleetModuleOptions {
  timeoutMs?: number;
  /** Where the file's console output goes; process.stderr by default. */
  output?: Writable;
}

/** Node too old for a fleet.ts is the machine's fault, not the file's: say how to run a newer one. */
function nodeTooOld(): FleetError {
  return new FleetError(
    "NODE_TOO_OLD",
    `loading a TypeScript fleet file needs Node >= 22.18 (type stripping and module.registerHooks); fleet is running on Node ${process.version} (${process.execPath})`,
    {
      fault: "system",
      hint: "run fleet with Node 24: node_modules/.bin/node bin/fleet.js, or `npm run`/`npx fleet`; `fleet doctor` shows which node runs",
    },
  );
}

/** What the worker's own failure codes mean here. */
const NODE_TOO_OLD_CODES = new Set(["NODE_TOO_OLD", "ERR_UNKNOWN_FILE_EXTENSION"]);

/** The timeout the environment asks for, or the default. */
export function fleetModuleTimeout(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.FLEET_TS_TIMEOUT_MS);
  return Number.isInteger(asked) && asked > 0 ? asked : FLEET_MODULE_TIMEOUT_MS;
}

/**
 * The fleet declared by a TypeScript (or JavaScript) module: its default export,
 * or what that returns when it is a function. Rejects with a FleetModuleError, or
 * NODE_TOO_OLD (a system fault) when this Node cannot load TypeScript.
 */
export function importFleetModule(
  file: string,
  options: ImportFleetModuleOptions = {},
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? fleetModuleTimeout();
  const output = options.output ?? process.stderr;
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { file }, stdout: true, stderr: true });
    worker.stdout.pipe(output, { end: false });
    worker.stderr.pipe(output, { end: false });
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
      void worker.terminate();
    };
    const timer = setTimeout(() => {
      settle(() =>
        reject(
          new FleetModuleError(
            `did not finish loading within ${timeoutMs / 1000} s: a fleet file must not loop or wait forever (FLEET_TS_TIMEOUT_MS sets the limit in ms)`,
            "TIMEOUT",
          ),
        ),
      );
    }, timeoutMs);
    worker.on("message", (message: FleetModuleReply) => {
      settle(() => {
        if (message.kind === "value") resolve(message.value);
        else if (message.kind === "rejection")
          reject(
            new FleetModuleError(`a promise was rejected and never handled: ${message.message}`),
          );
        else if (message.code !== undefined && NODE_TOO_OLD_CODES.has(message.code))
          reject(nodeTooOld());
        else reject(new FleetModuleError(`cannot load: ${message.message}`, message.code));
      });
    });
    worker.on("error", (error: Error) => {
      settle(() => reject(new FleetModuleError(`cannot load: ${error.message}`)));
    });
    worker.on("exit", (code) => {
      settle(() =>
        reject(
          new FleetModuleError(
            `called process.exit(${code}) while loading: a fleet file must only export its fleet`,
          ),
        ),
      );
    });
  });
}
