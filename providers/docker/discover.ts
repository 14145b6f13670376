/**
 * Docker discovery, the hot path of `fleet list` and `fleet plan`, in as few
 * Engine API calls as possible:
 *
 * - one `GET /containers/json?all=1` with fleet's label for every docker host of
 *   the engine: which hosts exist, their owner and spec (labels), running or not;
 * - per running container, one run of the runtime's probe (tmux panes, agent
 *   records, activity) through the keep-alive's channel (a few ms: no process is
 *   started through runc), or through exec when the channel does not answer. The
 *   probe also refreshes `/fleet/.fleet/agents.jsonl`, a copy of the records;
 * - per stopped container, one `GET .../archive` of that copy (the archive
 *   endpoint works on stopped containers): its agents are listed STOPPED. The copy
 *   is as fresh as the last probe, and stopHost probes just before it stops; a
 *   container stopped before any probe lists no agents until it runs again.
 *
 * An engine that cannot be reached gives every docker host the same error
 * (DOCKER_UNAVAILABLE, with how to start it); other providers' hosts are unaffected.
 */
import { toFleetError } from "../../src/core/errors.ts";
import {
  agentsOfProbe,
  checkRecords,
  type HostAgents,
} from "../../src/core/host/discover-agents.ts";
import {
  parseProbe,
  probeScript,
  recordText,
  toLiveAgent,
  type RecordText,
} from "../../src/core/host/probe.ts";
import { runScript } from "../../src/core/host/handle.ts";
import type { FleetErrorJson } from "../../src/core/errors.ts";
import type { FleetEnv } from "../../src/core/env.ts";
import type { HostSpec, LiveHost, LiveState, NetworkPolicy } from "../../src/core/model.ts";
import { byText } from "../../src/core/sort.ts";
import type { ContainerSummary, EngineClient } from "./engine-client.ts";
import { EngineErrorCode, isEngineNotFound } from "./engine-errors.ts";
import { containerName, escapeRegExp, FLEET_DIR, LABELS } from "./names.ts";
import { assertRulesHold, liveNetworkField } from "./network-policy.ts";
import { isHeldError } from "./gate.ts";
import { speaksChannel } from "./host-channel.ts";
import { readTar } from "./tar.ts";
import { DockerTransport, ProbeTransport } from "./transport.ts";

/** The copy of the agent records discovery reads from a stopped container. */
export const RECORDS_COPY = `${FLEET_DIR}/.fleet/agents.jsonl`;
const PROVIDER = "docker";

/**
 * The runtime's probe, then a refresh of the records copy when it is stale: its
 * first line counts the records, and no record may be newer. Shell builtins
 * only, so an unchanged copy costs no process; `force` rewrites it regardless.
 * The copy holds the probe's own lines (`dir<TAB>record`), so a stopped host's
 * records are bound to their dirs as a running one's are.
 */
export function dockerProbeScript(options: { force?: boolean } = {}): string {
  const copy = RECORDS_COPY;
  const refresh = [
    // The records' copy is as private as the records (the channel's shell may not be 077).
    "umask 077",
    "set -- */agent.json",
    'if [ -e "$1" ]; then',
    `  fleet_stale=${options.force === true ? "1" : ""}`,
    `  { IFS= read -r fleet_head < ${copy}; } 2>/dev/null || fleet_stale=1`,
    '  [ "$fleet_head" = "# $#" ] || fleet_stale=1',
    `  for fleet_r; do [ "$fleet_r" -nt ${copy} ] && fleet_stale=1; done`,
    '  if [ -n "$fleet_stale" ]; then',
    `    [ -d ${FLEET_DIR}/.fleet ] || mkdir -p ${FLEET_DIR}/.fleet`,
    `    { echo "# $#"; for fleet_f; do fleet_l=; IFS= read -r fleet_l < "$fleet_f"; printf '%s\\t%s\\n' "\${fleet_f%%/*}" "$fleet_l"; done; } > ${copy}.$$ 2>/dev/null && mv -f ${copy}.$$ ${copy}`,
    "  fi",
    `elif [ -e ${copy} ]; then rm -f ${copy}; fi`,
  ].join("\n");
  return probeScript(FLEET_DIR).replace(/\nexit 0$/, () => `\n${refresh}\nexit 0`);
}

export async function discoverDocker(
  client: EngineClient,
  hosts: readonly HostSpec[],
  env: FleetEnv,
): Promise<LiveState> {
  const state: LiveState = { hosts: [], agents: [], errors: [] };
  if (hosts.length === 0) return state;
  let containers: ContainerSummary[];
  try {
    containers = await client.listContainers({
      all: true,
      filters: { label: [LABELS.host], name: [`^/${escapeRegExp(env.prefix)}`] },
    });
  } catch (error) {
    const json = engineError(error);
    for (const host of hosts)
      state.errors.push({ host: host.name, provider: PROVIDER, error: json });
    return state;
  }
  const byName = new Map<string, ContainerSummary>();
  for (const container of containers) {
    for (const name of container.Names) byName.set(name.replace(/^\//, ""), container);
  }
  await Promise.all(
    hosts.map(async (host) => {
      const name = containerName(env.prefix, host.name);
      const container = byName.get(name);
      // No container: nothing is live, and the planner creates the host.
      if (container === undefined || container.Labels?.[LABELS.host] !== host.name) return;
      try {
        const found = await discoverContainer(client, env, host.name, name, container);
        state.hosts.push(found.host);
        state.agents.push(...found.agents);
        state.errors.push(...found.errors);
      } catch (error) {
        state.errors.push({
          host: host.name,
          provider: PROVIDER,
          error: toFleetError(error).toJSON(),
        });
      }
    }),
  );
  state.agents.sort((a, b) => byText(a.host, b.host) || byText(a.name, b.name));
  return state;
}

async function discoverContainer(
  client: EngineClient,
  env: FleetEnv,
  hostName: string,
  name: string,
  container: ContainerSummary,
): Promise<{ host: LiveHost } & HostAgents> {
  const labels = container.Labels ?? {};
  const running = container.State === "running" || container.State === "paused";
  const labelled = parseSpec(labels[LABELS.spec]);
  const networks = Object.keys(container.NetworkSettings?.Networks ?? {}).filter(
    (n) => n !== "none",
  );
  // The probe is the slow part: it starts first, the network is read meanwhile.
  // A held host (started outside fleet, waiting for its rules) runs nothing: as stopped.
  let held = false;
  const agents = running
    ? probeAgents(client, env, hostName, name, labels).catch((error: unknown) => {
        if (!isHeldError(error)) throw error;
        held = true;
        return stoppedAgents(client, env, hostName, name);
      })
    : stoppedAgents(client, env, hostName, name);
  agents.catch(() => undefined);
  const network = await liveNetworkField(
    env,
    {
      id: container.Id,
      running,
      connected: container.HostConfig?.NetworkMode !== "none" && networks.length > 0,
      labelled: labelled?.network,
    },
    async () => (await client.inspectContainer(container.Id)).State.StartedAt,
  );
  const spec = labelled === undefined ? undefined : withNetwork(labelled, network);
  const host: LiveHost = {
    name: hostName,
    provider: PROVIDER,
    fleet: ownerOf(labels),
    ...(labels[LABELS.specHash] === undefined ? {} : { specHash: labels[LABELS.specHash] }),
    ...(spec === undefined ? {} : { spec }),
    state: running ? "running" : "stopped",
  };
  const found = await agents;
  if (held) host.state = "stopped";
  return { host, ...found };
}

/** The live agents of a running host container: one probe. */
export async function probeAgents(
  client: EngineClient,
  env: FleetEnv,
  hostName: string,
  container: string,
  labels: Record<string, string>,
  options: { forceCopy?: boolean } = {},
): Promise<HostAgents> {
  // No exec into a held host: its files would run before its rules.
  const guard = async () =>
    assertRulesHold(env, await client.inspectContainer(container), hostName);
  const transport = speaksChannel(labels)
    ? new ProbeTransport(client, container, hostName, guard)
    : new DockerTransport(client, container, hostName);
  const result = await runScript(
    transport,
    `reading the agents on host ${hostName}`,
    dockerProbeScript({ force: options.forceCopy === true }),
  );
  return agentsOfProbe(
    parseProbe(result.stdout),
    { host: hostName, provider: PROVIDER, prefix: env.prefix, home: env.home },
    "is not installed in the container of host",
  );
}

/** A stopped container's agents, from the records copy the last probe left: all STOPPED. */
async function stoppedAgents(
  client: EngineClient,
  env: FleetEnv,
  hostName: string,
  container: string,
): Promise<HostAgents> {
  let archive: Buffer;
  try {
    archive = await client.getArchive(container, RECORDS_COPY);
  } catch (error) {
    if (isEngineNotFound(error)) return { agents: [], errors: [] };
    throw error;
  }
  const texts: RecordText[] = [];
  for (const entry of readTar(archive)) {
    for (const line of entry.data.toString("utf8").split("\n")) {
      if (line !== "" && !line.startsWith("# ")) texts.push(recordText(line));
    }
  }
  const { trusted, errors } = checkRecords(texts, {
    host: hostName,
    provider: PROVIDER,
    home: env.home,
  });
  const agents = trusted.map((record) => {
    const live = toLiveAgent(record, undefined, undefined, { host: hostName, provider: PROVIDER });
    return { ...live, state: "STOPPED" as const };
  });
  return { agents, errors };
}

/** The owning fleet from the labels: "" (or none) is no fleet. */
export function ownerOf(labels: Record<string, string>): string | null {
  const fleet = labels[LABELS.fleet];
  return fleet === undefined || fleet === "" ? null : fleet;
}

/**
 * The error every docker host gets when the engine cannot be listed. `fleet list`
 * shows only the message, so an engine that is down says how to start it there.
 */
export function engineError(error: unknown): FleetErrorJson {
  const json = toFleetError(error).toJSON();
  const errno = json.details?.errno;
  if (
    json.code !== EngineErrorCode.unavailable ||
    (errno !== "ENOENT" && errno !== "ECONNREFUSED")
  ) {
    return json;
  }
  return {
    ...json,
    message: `${json.message}: is the Docker engine running? Start it with \`systemctl start docker\` or \`dockerd &\` (as root)`,
    hint: "set DOCKER_HOST=unix:///path/to/docker.sock if it listens elsewhere; scripts/docker-up.sh starts one for tests",
  };
}

function parseSpec(label: string | undefined): HostSpec | undefined {
  if (label === undefined) return undefined;
  try {
    const value = JSON.parse(label) as HostSpec;
    return typeof value === "object" && typeof value.name === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

function withNetwork(spec: HostSpec, network: NetworkPolicy | undefined): HostSpec {
  const { network: _old, ...rest } = spec;
  return network === undefined ? rest : { ...rest, network };
}
