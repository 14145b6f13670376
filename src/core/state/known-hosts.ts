/**
 * The hosts fleet looks at when no fleet file names them: this machine, plus
 * every host a fleet file or `fleet create` has used from this controller
 * (remembered under FLEET_HOME/hosts/, a cache that may be deleted at any time).
 * Local hosts by other names (`laptop`) are remembered too, so `fleet create
 * --host laptop` works away from the fleet file that declared it.
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { FleetEnv } from "../env.ts";
import { DEFAULT_HOST, type HostSpec } from "../model.ts";
import { NAME_PATTERN } from "../names.ts";
import { findProviderHosts } from "../registry.ts";
import { mkdirPrivate, writePrivateFile } from "../private-files.ts";

const hostsDir = (env: FleetEnv): string => join(env.home, "hosts");

export async function rememberHosts(env: FleetEnv, hosts: readonly HostSpec[]): Promise<void> {
  const named = hosts.filter((h) => h.name !== DEFAULT_HOST.name && NAME_PATTERN.test(h.name));
  if (named.length === 0) return;
  await mkdirPrivate(hostsDir(env));
  await Promise.all(
    named.map((host) =>
      writePrivateFile(join(hostsDir(env), `${host.name}.json`), JSON.stringify(host) + "\n"),
    ),
  );
}

/** Drops a remembered host; true when there was one. Nothing on the host changes. */
export async function forgetHost(env: FleetEnv, name: string): Promise<boolean> {
  if (!NAME_PATTERN.test(name)) return false;
  const file = join(hostsDir(env), `${name}.json`);
  try {
    await readFile(file);
  } catch {
    return false;
  }
  await rm(file, { force: true });
  return true;
}

/** The hosts remembered under FLEET_HOME/hosts/, by name; unreadable files are skipped. */
export async function rememberedHosts(env: FleetEnv): Promise<HostSpec[]> {
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
          return parseHost(await readFile(join(hostsDir(env), f), "utf8"), f.slice(0, -5));
        } catch {
          return undefined;
        }
      }),
  );
  return remembered.filter((host) => host !== undefined);
}

export async function knownHosts(
  env: FleetEnv,
  extra: readonly HostSpec[] = [],
): Promise<HostSpec[]> {
  const { remembered, found } = knownHostsInStages(env, extra);
  const [now, later] = await Promise.all([remembered, found]);
  return [...now, ...later];
}

/**
 * knownHosts in two parts, so that discovery of the hosts FLEET_HOME remembers
 * (this machine among them) need not wait for the providers' own search (one
 * engine request when Docker runs): `remembered` is this machine, the remembered
 * hosts and `extra`; `found` is the hosts only a provider found. A remembered
 * spec (the one fleet last applied) wins over a found one of the same name.
 */
export function knownHostsInStages(
  env: FleetEnv,
  extra: readonly HostSpec[] = [],
): { remembered: Promise<HostSpec[]>; found: Promise<HostSpec[]> } {
  const remembered = rememberedHosts(env).then((hosts) => {
    const byName = new Map<string, HostSpec>([[DEFAULT_HOST.name, DEFAULT_HOST]]);
    for (const host of hosts) byName.set(host.name, host);
    for (const host of extra) byName.set(host.name, host);
    return [...byName.values()];
  });
  const found = Promise.all([findProviderHosts(env), remembered]).then(([hosts, known]) => {
    const names = new Set(known.map((host) => host.name));
    const byName = new Map<string, HostSpec>();
    for (const host of hosts) if (!names.has(host.name)) byName.set(host.name, host);
    return [...byName.values()];
  });
  return { remembered, found };
}

/** A remembered host, only when it is the shape fleet wrote and named as its file. */
function parseHost(text: string, fileName: string): HostSpec | undefined {
  const value = JSON.parse(text) as Partial<HostSpec> | null;
  if (typeof value !== "object" || value === null) return undefined;
  if (value.name !== fileName || typeof value.provider !== "string") return undefined;
  if (typeof value.config !== "object" || value.config === null) return undefined;
  return value as HostSpec;
}
