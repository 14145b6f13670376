/**
 * The hosts fleet looks at when no fleet file names them: this machine, plus
 * every host a fleet file or `fleet create` has used from this controller
 * (remembered under FLEET_HOME/hosts/, a cache that may be deleted at any time).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FleetEnv } from "../env.ts";
import { DEFAULT_HOST, type HostSpec } from "../model.ts";
import { mkdirPrivate, writePrivateFile } from "../private-files.ts";

const hostsDir = (env: FleetEnv): string => join(env.home, "hosts");

export async function rememberHosts(env: FleetEnv, hosts: readonly HostSpec[]): Promise<void> {
  const remote = hosts.filter((h) => h.provider !== "local");
  if (remote.length === 0) return;
  await mkdirPrivate(hostsDir(env));
  await Promise.all(
    remote.map((host) =>
      writePrivateFile(join(hostsDir(env), `${host.name}.json`), JSON.stringify(host) + "\n"),
    ),
  );
}

export async function knownHosts(
  env: FleetEnv,
  extra: readonly HostSpec[] = [],
): Promise<HostSpec[]> {
  const byName = new Map<string, HostSpec>([[DEFAULT_HOST.name, DEFAULT_HOST]]);
  let files: string[] = [];
  try {
    files = await readdir(hostsDir(env));
  } catch {
    // No remembered hosts yet.
  }
  const remembered = await Promise.all(
    files
      .filter((f) => f.endsWith(".json"))
      .map(async (f) => {
        try {
          return JSON.parse(await readFile(join(hostsDir(env), f), "utf8")) as HostSpec;
        } catch {
          return undefined;
        }
      }),
  );
  for (const host of remembered) if (host) byName.set(host.name, host);
  for (const host of extra) byName.set(host.name, host);
  return [...byName.values()];
}
