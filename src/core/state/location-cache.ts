/**
 * Which host each agent was last seen on, so a command naming one agent can go
 * straight there instead of reading every host first. A cache under FLEET_HOME:
 * wrong or missing entries only cost the full look-up, never a wrong result.
 */
import { existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { FleetEnv } from "../env.ts";
import type { LiveState } from "../model.ts";
import { NAME_PATTERN } from "../names.ts";
import { canonicalJson } from "../spec-hash.ts";
import { mkdirPrivateSync, writePrivateFileSync } from "../private-files.ts";

type Locations = Record<string, string[]>;

const cacheFile = (env: FleetEnv): string => join(env.home, "cache", "agent-hosts.json");
/**
 * The same knowledge as plain lines for shell completion, which must not parse
 * JSON: NAME for a name on one host, NAME@HOST for each host of a name on
 * several. Only names of fleet's own shape are written.
 */
const namesFile = (env: FleetEnv): string => join(env.home, "cache", "agent-names");

function read(env: FleetEnv): Locations {
  try {
    const value = JSON.parse(readFileSync(cacheFile(env), "utf8")) as unknown;
    return typeof value === "object" && value !== null ? (value as Locations) : {};
  } catch {
    return {};
  }
}

function write(env: FleetEnv, locations: Locations): void {
  try {
    mkdirPrivateSync(join(env.home, "cache"));
    const temporary = `${cacheFile(env)}.${process.pid}`;
    writePrivateFileSync(temporary, JSON.stringify(locations));
    renameSync(temporary, cacheFile(env));
    writePrivateFileSync(temporary, completionNames(locations));
    renameSync(temporary, namesFile(env));
  } catch {
    // A cache that cannot be written is only a slower next look-up.
  }
}

function completionNames(locations: Locations): string {
  const lines: string[] = [];
  for (const [name, hosts] of Object.entries(locations)) {
    if (!NAME_PATTERN.test(name)) continue;
    const valid = hosts.filter((host) => NAME_PATTERN.test(host));
    if (valid.length === 1) lines.push(name);
    else for (const host of valid) lines.push(`${name}@${host}`);
  }
  return lines.sort().join("\n") + (lines.length > 0 ? "\n" : "");
}

/**
 * The one host `NAME` was last seen on, if there was exactly one; for
 * `NAME@HOST`, that host if NAME was seen there. Several host names can be this
 * machine, so an unseen `NAME@HOST` must go to the full look-up, which checks it.
 */
export function cachedHost(env: FleetEnv, ref: string): { name: string; host: string } | undefined {
  const at = ref.lastIndexOf("@");
  if (at > 0) {
    const name = ref.slice(0, at);
    const host = ref.slice(at + 1);
    return read(env)[name]?.includes(host) ? { name, host } : undefined;
  }
  const hosts = read(env)[ref];
  return hosts?.length === 1 && hosts[0] !== undefined ? { name: ref, host: hosts[0] } : undefined;
}

/** Records what a full look-up saw; hosts that could not be read keep their old entries. */
export function rememberLocations(env: FleetEnv, live: LiveState): void {
  const unreadable = new Set(live.errors.map((e) => e.host));
  const before = read(env);
  const locations: Locations = {};
  for (const [name, hosts] of Object.entries(before)) {
    const kept = hosts.filter((host) => unreadable.has(host));
    if (kept.length > 0) locations[name] = kept;
  }
  for (const agent of live.agents) (locations[agent.name] ??= []).push(agent.host);
  // Every `fleet list` comes here: most find nothing moved, and write nothing.
  // (A names file missing beside an unchanged cache is written once: a stat, not a write.)
  if (canonicalJson(locations) !== canonicalJson(before) || !existsSync(namesFile(env))) {
    write(env, locations);
  }
}

/** Adds one agent just made, keeping what else is known. */
export function rememberLocation(env: FleetEnv, name: string, host: string): void {
  const locations = read(env);
  locations[name] = [...new Set([...(locations[name] ?? []), host])];
  write(env, locations);
}

/** Drops one agent's entry on one host (it moved or was renamed), keeping what else is known. */
export function forgetLocation(env: FleetEnv, name: string, host: string): void {
  const locations: Locations = {};
  for (const [agent, hosts] of Object.entries(read(env))) {
    const kept = agent === name ? hosts.filter((h) => h !== host) : hosts;
    if (kept.length > 0) locations[agent] = kept;
  }
  write(env, locations);
}
