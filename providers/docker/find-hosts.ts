/**
 * Docker hosts found by their own labels, without FLEET_HOME's host cache:
 * deleting the cache (it is only a cache) must never hide running agents. Where
 * no engine socket exists this costs one stat; where no engine answers on it (Docker
 * installed but stopped), one refused connect. Only then is the engine client loaded.
 */
import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import type { FleetEnv } from "../../src/core/env.ts";
import type { HostSpec } from "../../src/core/model.ts";
import { NAME_PATTERN } from "../../src/core/names.ts";
import { containerName, escapeRegExp, LABELS } from "./names.ts";
import { dockerSocketPath } from "./socket-path.ts";

export async function findDockerHosts(
  env: FleetEnv,
  vars: NodeJS.ProcessEnv = process.env,
): Promise<HostSpec[]> {
  let socket: string;
  try {
    socket = dockerSocketPath(vars);
  } catch {
    // A DOCKER_HOST fleet cannot use: discovery of the hosts it knows says so.
    return [];
  }
  if (!existsSync(socket) || !(await answers(socket))) return [];
  const { engineFor } = await import("./engine.ts");
  let containers;
  try {
    containers = await engineFor(vars).listContainers({
      all: true,
      filters: { label: [LABELS.host], name: [`^/${escapeRegExp(env.prefix)}`] },
    });
  } catch {
    // An engine that does not answer is reported by discovery of the hosts it has.
    return [];
  }
  const found: HostSpec[] = [];
  for (const container of containers) {
    const host = container.Labels?.[LABELS.host];
    // Only a container fleet named for that host, and a host name fleet would accept.
    if (host === undefined || !NAME_PATTERN.test(host)) continue;
    if (!container.Names.includes(`/${containerName(env.prefix, host)}`)) continue;
    found.push(labelledSpec(container.Labels?.[LABELS.spec], host));
  }
  return found;
}

/** The spec fleet put on the container, when it is one for this host; else the bare host. */
function labelledSpec(label: string | undefined, host: string): HostSpec {
  const bare: HostSpec = { name: host, provider: "docker", config: {} };
  if (label === undefined) return bare;
  try {
    const value = JSON.parse(label) as Partial<HostSpec> | null;
    if (
      typeof value === "object" &&
      value !== null &&
      value.name === host &&
      value.provider === "docker" &&
      typeof value.config === "object" &&
      value.config !== null
    )
      return value as HostSpec;
  } catch {
    // A label fleet did not write: the bare host is enough to discover it.
  }
  return bare;
}

/** Whether something accepts connections on the socket (an engine that is down refuses them). */
function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = createConnection(socket);
    connection.once("connect", () => {
      connection.destroy();
      resolve(true);
    });
    connection.once("error", () => resolve(false));
  });
}
