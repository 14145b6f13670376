/**
 * The per-host mutation lock of a docker host lives on this machine, not in the
 * container: the container may not exist yet (create) or be about to go
 * (destroy). It is the shared flock-holder protocol (src/core/flock-holder.ts: held by a
 * child process that prints `locked`, released by closing its stdin or by this
 * process dying) on `<FLEET_HOME>/locks/docker-<container>.lock`, with flock
 * started directly: apply locks every host first, and the runtime's
 * shell-wrapped holder costs twice the processes.
 */
import { join } from "node:path";
import type { ProviderContext, ReleaseLock } from "../../src/core/contracts/provider.ts";
import { acquireLock, flockArgs, holdLock } from "../../src/core/flock-holder.ts";
import type { HostSpec } from "../../src/core/model.ts";
import { containerName } from "./names.ts";
import { mkdirPrivate, touchPrivateFileSync } from "../../src/core/private-files.ts";

async function dockerLockHolder(
  host: HostSpec,
  ctx: ProviderContext,
): Promise<(nonBlocking: boolean) => Promise<ReleaseLock | "busy">> {
  const dir = join(ctx.env.home, "locks");
  const file = join(dir, `docker-${containerName(ctx.env.prefix, host.name)}.lock`);
  await mkdirPrivate(dir);
  touchPrivateFileSync(file);
  return (nonBlocking) =>
    holdLock({ command: "flock", args: flockArgs(file, nonBlocking) }, `the lock ${file}`);
}

export async function lockDockerHost(host: HostSpec, ctx: ProviderContext): Promise<ReleaseLock> {
  return acquireLock(await dockerLockHolder(host, ctx), { io: ctx.io, host: host.name });
}

/** The lock if it is free at once (Provider.tryLock). */
export async function tryLockDockerHost(
  host: HostSpec,
  ctx: ProviderContext,
): Promise<ReleaseLock | "busy"> {
  return (await dockerLockHolder(host, ctx))(true);
}
