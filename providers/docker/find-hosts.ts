/**
 * Docker hosts found by their own labels, without FLEET_HOME's host cache:
 * deleting the cache (it is only a cache) must never hide running agents. Where
 * no engine socket exists this costs one stat; where no engine answers on it (Docker
 * installed but stopped), one refused connect; where one runs, one plain GET
 * (engine-get.ts), without loading the engine client.
 */
import { existsSync } from "node:fs";
import type { FleetEnv } from "../../src/core/env.ts";
import type { HostSpec } from "../../src/core/model.ts";
import { NAME_PATTERN } from "../../src/core/names.ts";
import { containerName, escapeRegExp, LABELS } from "./names.ts";
import { dockerSocketPath } from "./socket-path.ts";
import { MIN_API_VERSION } from "./api-version.ts";
import { engineGetJson } from "./engine-get.ts";
import type { ContainerSummary } from "./engine-types.ts";

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
  if (!existsSync(socket)) return [];
  const filters = JSON.stringify({
    label: [LABELS.host],
    name: [`^/${escapeRegExp(env.prefix)}`],
  });
  // An engine that does not answer is reported by discovery of the hosts it has.
  const answer = await engineGetJson(
    socket,
    `/v${MIN_API_VERSION}/containers/json?all=1&filters=${encodeURIComponent(filters)}`,
  );
  const containers = Array.isArray(answer) ? answer.filter(isContainerSummary) : [];
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

/** The two fields read here, checked: the answer came from outside fleet. */
function isContainerSummary(value: unknown): value is Pick<ContainerSummary, "Names" | "Labels"> {
  if (typeof value !== "object" || value === null) return false;
  const { Names, Labels } = value as Partial<Record<"Names" | "Labels", unknown>>;
  return (
    Array.isArray(Names) &&
    Names.every((name) => typeof name === "string") &&
    (Labels === undefined ||
      Labels === null ||
      (typeof Labels === "object" &&
        Object.values(Labels).every((label) => typeof label === "string")))
  );
}
