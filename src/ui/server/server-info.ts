/**
 * FLEET_HOME/ui/server.json: where the running `fleet ui` listens, so that
 * `fleet share` can print a link to it. Holds no token. Removed when that
 * server stops; one left by a server that died is ignored (its pid is gone).
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { FleetEnv } from "../../core/env.ts";
import { processAlive } from "../../core/process-alive.ts";
import { mkdirPrivate, PRIVATE_FILE_MODE } from "../../core/private-files.ts";

const infoSchema = z.object({
  pid: z.number().int().positive(),
  port: z.number().int().min(1).max(65535),
  listen: z.string(),
  /** `http://127.0.0.1:7377`: what links start with. */
  base: z.string(),
});

export type ServerInfo = z.infer<typeof infoSchema>;

const infoPath = (env: FleetEnv): string => join(env.home, "ui", "server.json");

export async function writeServerInfo(env: FleetEnv, info: ServerInfo): Promise<void> {
  await mkdirPrivate(join(env.home, "ui"));
  await writeFile(infoPath(env), JSON.stringify(info) + "\n", { mode: PRIVATE_FILE_MODE });
}

/** The running server's address, if one runs. */
export async function readServerInfo(env: FleetEnv): Promise<ServerInfo | undefined> {
  try {
    const info = infoSchema.parse(JSON.parse(await readFile(infoPath(env), "utf8")));
    return processAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the file when it is this server's. */
export async function removeServerInfo(env: FleetEnv, pid: number): Promise<void> {
  const info = await readFile(infoPath(env), "utf8")
    .then((text) => infoSchema.parse(JSON.parse(text)))
    .catch(() => undefined);
  if (info?.pid === pid) await rm(infoPath(env), { force: true });
}
