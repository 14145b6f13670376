import { findFleetFile } from "../../core/config/load.ts";
import { usageError } from "../../core/errors.ts";
import { parseDurationFlag } from "../parse-duration.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

interface UiOptions extends CommonOptions {
  port?: string;
  listen?: string;
  file?: string;
  refresh?: string;
}

/** The port `fleet ui` listens on unless told otherwise. */
export const DEFAULT_UI_PORT = 7377;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw usageError(`--port expects a port number (0 for any free one), not "${value}"`);
  return port;
}

export async function run(options: UiOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const port = options.port === undefined ? DEFAULT_UI_PORT : parsePort(options.port);
  const listen = options.listen ?? "127.0.0.1";
  if (!/^[\w.:-]+$/.test(listen)) throw usageError(`--listen expects an address, not "${listen}"`);
  const intervalMs =
    options.refresh === undefined ? 1000 : parseDurationFlag(options.refresh, "--refresh");
  if (intervalMs < 200 || intervalMs > 60_000)
    throw usageError("--refresh must be between 200ms and 1m");
  // The fleet file is optional: without one the page shows the agents, not a plan.
  let fleetFile: string | undefined;
  try {
    fleetFile = findFleetFile(process.cwd(), options.file);
  } catch (error) {
    if (options.file !== undefined) throw error;
  }
  if (!LOOPBACK.has(listen)) {
    context.io.notify({
      level: "warn",
      code: "ui.listen",
      message: `serving on ${listen}, not only this machine: anyone who can reach it and has the link can drive your agents. Prefer an SSH tunnel (docs/ui.md).`,
    });
  }
  const { startUi } = await import("../../ui/server/start-ui.ts");
  const server = await startUi({
    env: context.env,
    processEnv: process.env,
    port,
    listen,
    fleetFile,
    cwd: process.cwd(),
    intervalMs,
    debug: options.debug ?? false,
  });
  if (context.format === "json") printJson({ url: server.url, port: server.port });
  else printText(`Open ${server.url} in your browser to see your agents. Ctrl-C stops.`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void server.close().then(resolve);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
