/**
 * What a host container is made with. Least privilege by default: every
 * capability dropped (tmux, git, flock and the agents run as root inside
 * without any: measured, see docs/docker.md), no new privileges, not privileged,
 * an init process reaping what agents leave behind, CPU / memory / pids limits,
 * no published ports (any fleet ever publishes bind 127.0.0.1), no network at
 * all for `egress: offline`, and for `egress: allowlist` a gate (gate.ts) as the
 * first program, so that nothing of the container runs before its rules.
 */
import type { HostSpec } from "../../src/core/model.ts";
import { specHash } from "../../src/core/spec-hash.ts";
import type { ContainerCreateBody, ContainerInspect, HostConfig, Labels } from "./engine-types.ts";
import { CONTAINER_SOCKET_DIR } from "../../src/core/bus/paths.ts";
import { GATE_PATH, GATE_SCRIPT, gateBinary } from "./gate.ts";
import { CHANNEL_VERSION, KEEP_ALIVE_SCRIPT } from "./host-channel.ts";
import { FLEET_DIR, LABELS } from "./names.ts";

/** Applied when the host sets no pids limit: a fork bomb in one container must not take the machine. */
export const DEFAULT_PIDS_LIMIT = 4096;

/** Capabilities the container keeps: none (CapDrop ALL). */
export const CAPABILITIES_KEPT: readonly string[] = [];

export function hostLabels(host: HostSpec, fleet: string | null): Labels {
  const gated = needsGate(host);
  return {
    // Always set: a snapshot image carries the labels of the container it was committed from.
    [LABELS.gate]: gated ? "1" : "",
    [LABELS.fleet]: fleet ?? "",
    [LABELS.host]: host.name,
    [LABELS.specHash]: specHash(host),
    [LABELS.spec]: JSON.stringify(host),
    [LABELS.channel]: CHANNEL_VERSION,
  };
}

/**
 * The agents' bus: the directory holding its socket, mounted read-only (a
 * socket on a read-only mount can still be connected to; nothing can be put
 * beside it). Tokens decide who may talk on it.
 */
const busBind = (busDir: string): string => `${busDir}:${CONTAINER_SOCKET_DIR}:ro`;

export const hasBusMount = (info: ContainerInspect): boolean =>
  (info.HostConfig.Binds ?? []).some((bind) => bind.split(":")[1] === CONTAINER_SOCKET_DIR);

export function containerBody(
  host: HostSpec,
  options: { image: string; fleet: string | null; busDir?: string },
): ContainerCreateBody {
  const resources = host.resources ?? {};
  const name = hostnameOf(host.name);
  // Resolved first: without a static busybox nothing is created.
  const gate = needsGate(host) ? gateBinary(name) : undefined;
  const hostConfig: HostConfig = {
    Init: true,
    Privileged: false,
    SecurityOpt: ["no-new-privileges:true"],
    CapDrop: ["ALL"],
    CapAdd: [...CAPABILITIES_KEPT],
    PidsLimit: resources.pids ?? DEFAULT_PIDS_LIMIT,
    // Nothing is published; should a port ever be, only this machine may reach it.
    PortBindings: {},
    PublishAllPorts: false,
    NetworkMode: host.network?.egress === "offline" ? "none" : "bridge",
    RestartPolicy: { Name: "no" },
    // The keep-alive answers probes on stdout: nothing worth logging.
    LogConfig: { Type: "none", Config: {} },
  };
  const binds = [
    ...(gate === undefined ? [] : [`${gate}:${GATE_PATH}:ro`]),
    ...(options.busDir === undefined ? [] : [busBind(options.busDir)]),
  ];
  if (binds.length > 0) hostConfig.Binds = binds;
  if (resources.cpus !== undefined) hostConfig.NanoCpus = Math.round(resources.cpus * 1e9);
  if (resources.memory !== undefined) {
    hostConfig.Memory = resources.memory;
    // Same as Memory: no swap on top of the limit.
    hostConfig.MemorySwap = resources.memory;
  }
  return {
    Image: options.image,
    Hostname: name,
    Entrypoint:
      gate === undefined
        ? ["/bin/sh", "-c", KEEP_ALIVE_SCRIPT, "fleet-keep-alive"]
        : [GATE_PATH, "sh", "-c", GATE_SCRIPT, "fleet-gate", KEEP_ALIVE_SCRIPT],
    Cmd: [],
    // An image's HEALTHCHECK would run the container's files through exec, rules or not.
    Healthcheck: { Test: ["NONE"] },
    WorkingDir: FLEET_DIR,
    Env: [`FLEET_HOST=${host.name}`],
    Labels: hostLabels(host, options.fleet),
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: false,
    Tty: false,
    HostConfig: hostConfig,
  };
}

/** Host names allow `_`, hostnames do not. */
export const hostnameOf = (host: string): string => host.toLowerCase().replace(/_/g, "-");

/** Allowlist hosts start behind the gate: their rules must be in place before anything runs. */
export const needsGate = (host: HostSpec): boolean => host.network?.egress === "allowlist";
