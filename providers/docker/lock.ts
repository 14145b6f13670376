/**
 * The per-host mutation lock of a docker host lives on this machine, not in the
 * container: the container may not exist yet (create) or be about to go
 * (destroy). It is the runtime's flock holder (src/core/host/lock.ts) run locally
 * on `<FLEET_HOME>/locks/docker-<container>/lock`, so two fleet processes on this
 * machine serialize their changes to one host.
 */
import type { ProviderContext, ReleaseLock } from "../../src/core/contracts/provider.ts";
import { acquireHostLock } from "../../src/core/host/lock.ts";
import type { HostSpec } from "../../src/core/model.ts";
import { LocalTransport } from "../local/transport.ts";
import { containerName } from "./names.ts";
import { join } from "node:path";

export function lockDockerHost(host: HostSpec, ctx: ProviderContext): Promise<ReleaseLock> {
  const dir = join(ctx.env.home, "locks", `docker-${containerName(ctx.env.prefix, host.name)}`);
  return acquireHostLock(new LocalTransport(dir), { host: host.name, io: ctx.io });
}
