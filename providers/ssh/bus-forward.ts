/**
 * How agents on an SSH host reach the agents' bus without any port: a
 * connection of fleet's own forwards a unix socket in the host's fleet dir
 * (`~/.fleet/bus/bus.sock`) to the bus's socket on this machine (`ssh -N -R
 * remote.sock:local.sock`). It runs detached, one per host, apart from the
 * shared connection (which closes after ten idle minutes), and is started again
 * at the next launch on that host when it has gone (its pid file says which).
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { busDir, SOCKET_NAME, socketPath } from "../../src/core/bus/paths.ts";
import { shellQuote as q } from "../../src/core/contracts/transport.ts";
import type { FleetEnv } from "../../src/core/env.ts";
import type { IoHost } from "../../src/core/io.ts";
import { mkdirPrivate, writePrivateFile } from "../../src/core/private-files.ts";
import type { SshTransport } from "./transport.ts";
import { processAlive } from "../../src/core/process-alive.ts";

const READY_WAIT_MS = 10_000;

const forwardPidFile = (env: FleetEnv, host: string): string =>
  join(busDir(env), "forwards", `${host}.pid`);

/** True while `pid` is a live ssh (not a zombie, not another program that got its pid). */
const alive = (pid: number): boolean => processAlive(pid, /(?:^|\/)ssh$/);

/**
 * Forwards being made or checked by this process, by host: an apply launches a
 * host's agents in parallel, and they must share one forward, not race to make
 * theirs (each removing the socket the other just bound). Across processes the
 * host lock, which every launch holds, keeps them apart.
 */
const inFlight = new Map<string, Promise<string | undefined>>();

/** The bus socket's path on the host, once the forward to it is up; undefined if it cannot be. */
export function busForward(
  transport: SshTransport,
  host: string,
  env: FleetEnv,
  io: IoHost,
): Promise<string | undefined> {
  const key = `${env.home}\0${host}`;
  const pending = inFlight.get(key);
  if (pending) return pending;
  const made = ensureForward(transport, host, env, io).finally(() => inFlight.delete(key));
  inFlight.set(key, made);
  return made;
}

async function ensureForward(
  transport: SshTransport,
  host: string,
  env: FleetEnv,
  io: IoHost,
): Promise<string | undefined> {
  const dir = `${transport.fleetDir}/bus`;
  const remote = `${dir}/${SOCKET_NAME}`;
  const pidFile = forwardPidFile(env, host);
  const pid = Number(await readFile(pidFile, "utf8").catch(() => ""));
  const running = Number.isInteger(pid) && pid > 0 && alive(pid);
  const socketThere = async () => (await transport.exec(["test", "-S", remote])).code === 0;
  if (running && (await socketThere())) return remote;
  if (running) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // It ended meanwhile.
    }
  }
  // sshd does not replace a socket left by a forward that died (StreamLocalBindUnlink is off by default).
  await transport.script(`mkdir -p ${q(dir)} && rm -f ${q(remote)}`);
  const { connection } = transport;
  const child = spawn(
    "ssh",
    [
      ...connection.sshOptions({ dedicated: true }),
      "-N",
      "-o",
      "ExitOnForwardFailure=yes",
      "-R",
      `${remote}:${socketPath(env)}`,
      "--",
      connection.config.address,
    ],
    { detached: true, stdio: "ignore", env: connection.processEnv },
  );
  child.unref();
  if (child.pid === undefined) return undefined;
  await mkdirPrivate(join(busDir(env), "forwards"));
  await writePrivateFile(pidFile, `${child.pid}\n`);
  const deadline = Date.now() + READY_WAIT_MS;
  while (Date.now() < deadline) {
    if (await socketThere()) return remote;
    if (!alive(child.pid)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  io.notify({
    level: "warn",
    code: "bus.forward.failed",
    message: `host ${host}: could not forward the agents' bus there (ssh -R to ${remote}); its agents start without it`,
  });
  return undefined;
}
