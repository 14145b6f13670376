/**
 * Egress and ingress policies, enforced from outside the container so nothing
 * inside (root included: it has no capabilities) can undo them:
 *
 * - `offline`: no network at all. Made with NetworkMode none; a running host that
 *   turns offline is disconnected from every network. Only loopback remains.
 * - `allowlist`: a firewall in the container's network namespace (network-rules.ts),
 *   installed by this machine's iptables through `nsenter -t <pid> -n` (root
 *   needed). The container starts behind the gate (gate.ts): none of its files
 *   runs until the rules are in place and fleet releases it.
 * - `open`: no rules (a host disconnected by `offline` is connected to bridge).
 *
 * A network namespace lives as long as the container runs, so the rules are
 * installed again at every start, before the release. What was applied is
 * remembered on this machine (FLEET_HOME/docker/network/<container id>.json, with
 * the container's start time), because labels cannot change: discovery reports a
 * policy only while it holds, and nothing is run in a gated container whose rules
 * this machine did not install since it last started (assertRulesHold).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { FleetEnv } from "../../src/core/env.ts";
import { FleetError } from "../../src/core/errors.ts";
import type { NetworkPolicy } from "../../src/core/model.ts";
import type { ContainerInspect, EngineClient } from "./engine-client.ts";
import { HELD_CODE, heldError, heldNonce, RELEASE_SCRIPT } from "./gate.ts";
import { runOnChannel } from "./host-channel.ts";
import { LABELS } from "./names.ts";
import { rulesScript } from "./network-rules.ts";
import { findOnPath } from "./transport.ts";
import { mkdirPrivate, writePrivateFile } from "../../src/core/private-files.ts";

export { EGRESS_CHAIN, INGRESS_CHAIN, rulesScript } from "./network-rules.ts";
const OPEN: NetworkPolicy = { egress: "open" };

export interface AppliedPolicy {
  containerId: string;
  /** The container's State.StartedAt when the policy was applied. */
  startedAt: string;
  /** The host spec's `network` field as applied (null when unset, i.e. open). */
  field: NetworkPolicy | null;
}

/**
 * The result: done; or the container must be re-created: it was made without a
 * network ("needs-network"), or without the gate an allowlist needs ("needs-gate":
 * its next start would run its own files before the rules).
 */
export type PolicyOutcome = "applied" | "needs-network" | "needs-gate";

export const isGated = (info: ContainerInspect): boolean =>
  (info.Config.Labels ?? {})[LABELS.gate] === "1";

/**
 * Makes a container's network match the policy, then releases its gate. A
 * stopped container is left for its next start. Rules always go in before a
 * network is connected and before the release.
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
  if (policy.egress === "allowlist" && !isGated(info)) return "needs-gate";
  if (policy.egress === "offline") {
    for (const network of networks) await client.disconnectNetwork(network, info.Id, true);
  } else {
    if (noneMode) return "needs-network";
    // A new container has no rules to undo.
    const skip = policy.egress === "open" && options.fresh === true;
    if (info.State.Running && !skip) await installRules(info.State.Pid, policy, info.Name.slice(1));
    if (networks.length === 0) await client.connectNetwork("bridge", info.Id);
  }
  if (!info.State.Running) {
    await forgetPolicy(env, info.Id);
    return "applied";
  }
  await rememberPolicy(env, info, field ?? null);
  if (isGated(info)) await release(client, info);
  return "applied";
}

/**
 * Lets a gated container run its keep-alive. Idempotent: the requests are no-op
 * scripts, which a running keep-alive just runs; a gate answers the first with
 * its nonce, and takes the second, which carries it, as the release.
 */
async function release(client: EngineClient, info: ContainerInspect): Promise<void> {
  let answer = await runOnChannel(client, info.Id, RELEASE_SCRIPT, 10_000);
  const nonce = answer?.code === HELD_CODE ? heldNonce(answer.stdout) : undefined;
  if (nonce !== undefined) {
    answer = await runOnChannel(client, info.Id, `${RELEASE_SCRIPT} ${nonce}`, 10_000);
  }
  if (answer !== undefined && answer.code !== HELD_CODE) return;
  throw new FleetError(
    "NETWORK_POLICY_FAILED",
    `container ${info.Name.slice(1)}: its rules are in place but its gate did not let it start`,
    {
      fault: "system",
      hint: "`fleet start` tries again; `docker logs` shows nothing (no log driver), `docker top` shows whether the gate still waits",
    },
  );
}

/**
 * Refuses to run anything in a gated container whose rules this machine has not
 * installed since the container last started: it was started by someone else
 * (`docker start`, the engine), and its files must not run before its rules.
 */
export function assertRulesHold(env: FleetEnv, info: ContainerInspect, host: string): void {
  if (!isGated(info) || !info.State.Running) return;
  if (readRemembered(env, info.Id)?.startedAt === info.State.StartedAt) return;
  throw heldError(host, info.Name.slice(1));
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
