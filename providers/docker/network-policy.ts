/**
 * Egress policies, enforced from outside the container so nothing inside (root
 * included: it has no capabilities) can undo them:
 *
 * - `offline`: no network at all. Made with NetworkMode none; a running host that
 *   turns offline is disconnected from every network. Only loopback remains.
 * - `allowlist`: iptables rules in the container's network namespace, installed
 *   by this machine's iptables through `nsenter -t <pid> -n` (root needed): OUTPUT
 *   policy DROP, and a FLEET-EGRESS chain accepting loopback, established
 *   connections and the listed CIDRs, rejecting the rest at once. IPv4 and IPv6.
 * - `open`: no rules (a host disconnected by `offline` is connected to bridge).
 *
 * A network namespace lives as long as the container runs, so the rules are
 * installed again at every start. What was applied is remembered on this machine
 * (FLEET_HOME/docker/network/<container id>.json, with the container's start time),
 * because labels cannot change: discovery reports a policy only while it holds.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { FleetEnv } from "../../src/core/env.ts";
import { FleetError } from "../../src/core/errors.ts";
import type { NetworkPolicy } from "../../src/core/model.ts";
import type { ContainerInspect, EngineClient } from "./engine-client.ts";
import { findOnPath } from "./transport.ts";
import { mkdirPrivate, writePrivateFile } from "../../src/core/private-files.ts";

export const EGRESS_CHAIN = "FLEET-EGRESS";
const OPEN: NetworkPolicy = { egress: "open" };

export interface AppliedPolicy {
  containerId: string;
  /** The container's State.StartedAt when the policy was applied. */
  startedAt: string;
  /** The host spec's `network` field as applied (null when unset, i.e. open). */
  field: NetworkPolicy | null;
}

/** The result: done, or the container was made without a network and must be re-created. */
export type PolicyOutcome = "applied" | "needs-network";

/**
 * Makes a container's network match the policy. A stopped container is left for
 * its next start. A container made with NetworkMode none cannot join a network in
 * place: "needs-network" tells the caller to re-create it.
 */
export async function applyPolicy(
  client: EngineClient,
  env: FleetEnv,
  info: ContainerInspect,
  field: NetworkPolicy | undefined,
  options: { fresh?: boolean } = {},
): Promise<PolicyOutcome> {
  const policy = field ?? OPEN;
  const networks = Object.keys(info.NetworkSettings.Networks ?? {}).filter((n) => n !== "none");
  const noneMode = info.HostConfig.NetworkMode === "none";
  if (policy.egress === "offline") {
    for (const network of networks) await client.disconnectNetwork(network, info.Id, true);
  } else {
    if (noneMode) return "needs-network";
    if (networks.length === 0) await client.connectNetwork("bridge", info.Id);
    // A new container has no rules to undo.
    const skip = policy.egress === "open" && options.fresh === true;
    if (info.State.Running && !skip) await installRules(info.State.Pid, policy, info.Name.slice(1));
  }
  if (info.State.Running) await rememberPolicy(env, info, field ?? null);
  else await forgetPolicy(env, info.Id);
  return "applied";
}

/**
 * The host's `network` field as it holds now, for discovery. The field the host
 * was made or last updated with is reported as long as it holds; otherwise what
 * does: no network is offline, and rules count only when this machine installed
 * them since the container last started (a restart makes a new namespace); the
 * rest is open.
 */
export async function liveNetworkField(
  env: FleetEnv,
  container: {
    id: string;
    running: boolean;
    connected: boolean;
    labelled: NetworkPolicy | undefined;
  },
  startedAt: () => Promise<string>,
): Promise<NetworkPolicy | undefined> {
  const remembered = readRemembered(env, container.id);
  const claimed = remembered === undefined ? container.labelled : (remembered.field ?? undefined);
  // A stopped host gets its policy again when it starts.
  if (!container.running) return claimed;
  const wanted = claimed ?? OPEN;
  let actual: NetworkPolicy;
  if (!container.connected) actual = { egress: "offline" };
  else if (wanted.egress !== "allowlist") actual = OPEN;
  else actual = remembered?.startedAt === (await startedAt()) ? wanted : OPEN;
  return samePolicy(wanted, actual) ? claimed : actual;
}

export async function forgetPolicy(env: FleetEnv, containerId: string): Promise<void> {
  await rm(policyFile(env, containerId), { force: true });
}

/** What this machine last applied to the container, if anything. */
export function readRemembered(env: FleetEnv, containerId: string): AppliedPolicy | undefined {
  // Synchronous: a tiny file, read on the hot path of `fleet list` for each container.
  try {
    const value = JSON.parse(readFileSync(policyFile(env, containerId), "utf8")) as AppliedPolicy;
    return value.containerId === containerId ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Same egress and, for allowlists, the same CIDRs in the same order. */
export function samePolicy(a: NetworkPolicy | undefined, b: NetworkPolicy | undefined): boolean {
  const x = a ?? OPEN;
  const y = b ?? OPEN;
  if (x.egress !== y.egress) return false;
  if (x.egress !== "allowlist" || y.egress !== "allowlist") return true;
  return x.cidrs.length === y.cidrs.length && x.cidrs.every((cidr, i) => cidr === y.cidrs[i]);
}

async function rememberPolicy(
  env: FleetEnv,
  info: ContainerInspect,
  field: NetworkPolicy | null,
): Promise<void> {
  const file = policyFile(env, info.Id);
  await mkdirPrivate(join(file, ".."));
  const applied: AppliedPolicy = { containerId: info.Id, startedAt: info.State.StartedAt, field };
  await writePrivateFile(file, JSON.stringify(applied) + "\n");
}

const policyFile = (env: FleetEnv, containerId: string): string =>
  join(env.home, "docker", "network", `${containerId}.json`);

/** The shell script run in the container's network namespace (by this machine's sh). */
export function rulesScript(policy: NetworkPolicy): string {
  const lines: string[] = [];
  for (const [tool, family] of [
    ["iptables", 4],
    ["ip6tables", 6],
  ] as const) {
    const t = `${tool} -w`;
    // Undo what was there: fleet's chain and the DROP policy.
    const reset = [
      `${t} -P OUTPUT ACCEPT`,
      `while ${t} -D OUTPUT -j ${EGRESS_CHAIN} 2>/dev/null; do :; done`,
      `${t} -F ${EGRESS_CHAIN} 2>/dev/null || :`,
      `${t} -X ${EGRESS_CHAIN} 2>/dev/null || :`,
    ];
    if (policy.egress !== "allowlist") {
      // ip6tables may be unusable where IPv6 is off: then there is nothing to undo.
      lines.push(family === 4 ? reset.join("\n") : `{ ${reset.join("; ")}; } 2>/dev/null || :`);
      continue;
    }
    const cidrs = policy.cidrs.filter((cidr) => (cidr.includes(":") ? 6 : 4) === family);
    const install = [
      ...reset,
      `${t} -N ${EGRESS_CHAIN}`,
      `${t} -A ${EGRESS_CHAIN} -o lo -j ACCEPT`,
      `${t} -A ${EGRESS_CHAIN} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
      ...cidrs.map((cidr) => `${t} -A ${EGRESS_CHAIN} -d ${cidr} -j ACCEPT`),
      // Refused at once rather than left to time out: agents learn fast that it is blocked.
      `${t} -A ${EGRESS_CHAIN} -j REJECT`,
      `${t} -I OUTPUT 1 -j ${EGRESS_CHAIN}`,
      `${t} -P OUTPUT DROP`,
    ].map((command) => `${command} || exit ${family === 4 ? 3 : 4}`);
    lines.push(family === 4 ? install.join("\n") : fallbackIpv6(install));
  }
  return [...lines, "exit 0"].join("\n");
}

/** IPv6 rules when the namespace has IPv6; if it has none, nothing can leave over it anyway. */
function fallbackIpv6(install: string[]): string {
  return [
    "if [ -e /proc/net/if_inet6 ] && ip6tables -w -L OUTPUT >/dev/null 2>&1; then",
    ...install.map((line) => `  ${line}`),
    "fi",
  ].join("\n");
}

async function installRules(pid: number, policy: NetworkPolicy, container: string): Promise<void> {
  if (policy.egress === "open") {
    // Nothing to undo on a container that never had rules: no root needed for that.
    if (!canEnterNamespaces()) return;
  } else {
    assertCanEnterNamespaces(container);
  }
  const script = rulesScript(policy);
  const nsenter = findOnPath("nsenter", systemPath()) ?? "nsenter";
  await new Promise<void>((resolve, reject) => {
    execFile(
      nsenter,
      ["-t", String(pid), "-n", "sh", "-c", script],
      { env: { ...process.env, PATH: systemPath() }, timeout: 30_000 },
      (error, _stdout, stderr) => {
        if (!error) {
          resolve();
          return;
        }
        reject(
          new FleetError(
            "NETWORK_POLICY_FAILED",
            `cannot install the network rules of container ${container}: ${stderr.trim() || `nsenter exited with ${String(error.code ?? error.message)}`}`,
            {
              fault: "system",
              hint: "fleet runs this machine's iptables in the container's network namespace; check that `iptables -L` works here",
            },
          ),
        );
      },
    );
  });
}

const systemPath = (): string =>
  [process.env.PATH ?? "", "/usr/local/sbin", "/usr/sbin", "/sbin"].join(":");

function canEnterNamespaces(): boolean {
  return (
    process.getuid?.() === 0 &&
    findOnPath("nsenter", systemPath()) !== undefined &&
    findOnPath("iptables", systemPath()) !== undefined
  );
}

function assertCanEnterNamespaces(container: string): void {
  if (process.getuid?.() !== 0) {
    throw new FleetError(
      "NETWORK_POLICY_NEEDS_ROOT",
      `cannot enforce egress allowlist on container ${container}: fleet installs its rules from this machine (nsenter + iptables in the container's network namespace), which needs root`,
      {
        hint: "run fleet as root on the Docker machine, or use egress: offline (needs no root)",
      },
    );
  }
  for (const tool of ["nsenter", "iptables"]) {
    if (findOnPath(tool, systemPath()) === undefined) {
      throw new FleetError(
        "NETWORK_POLICY_FAILED",
        `cannot enforce egress allowlist on container ${container}: ${tool} is not installed here`,
        { fault: "system", hint: "apt-get install util-linux iptables" },
      );
    }
  }
}
