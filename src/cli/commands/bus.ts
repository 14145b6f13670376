import { isAlive, daemonPid, serveBus } from "../../core/bus/daemon.ts";
import { busRunning } from "../../core/bus/client.ts";
import { SPAWNED_VARIABLE } from "../../core/bus/daemon-start.ts";
import { daemonLogFile, daemonPidFile, socketPath } from "../../core/bus/paths.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

/** `fleet bus serve`: the daemon in the foreground (what fleet starts detached). */
export async function runServe(options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["text"], "text");
  const daemon = await serveBus(context, { spawned: process.env[SPAWNED_VARIABLE] === "1" });
  context.io.notify({
    level: "info",
    code: "bus.listening",
    message: `the agents' bus listens on ${daemon.socket} (pid ${process.pid})`,
  });
  const stop = (): void => void daemon.close();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await daemon.closed;
}

export async function runStatus(options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const running = await busRunning(context.env);
  const pid = daemonPid(daemonPidFile(context.env));
  const status = {
    running,
    pid: running && pid !== undefined && isAlive(pid) ? pid : null,
    socket: socketPath(context.env),
    log: daemonLogFile(context.env),
  };
  if (context.format === "json") printJson(status);
  else
    printText(
      running
        ? `The bus is running (pid ${status.pid ?? "unknown"}) on ${status.socket}.`
        : `The bus is not running (anything that needs it starts it). Its log: ${status.log}`,
    );
}

export async function runStop(options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const pid = daemonPid(daemonPidFile(context.env));
  const running = pid !== undefined && isAlive(pid);
  if (running) {
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + 5000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
  if (context.format === "json") printJson({ stopped: running, pid: running ? pid : null });
  else printText(running ? `Stopped the bus (pid ${pid}).` : "The bus was not running.", "stderr");
}
