/**
 * What a fleet file needs from this machine, and why: docker hosts need the
 * engine and their images, ssh hosts the OpenSSH client, agents on this machine
 * tmux and their agent CLI. Pure.
 */
import type { DesiredState, HostSpec } from "../model.ts";

/** Check name -> the reasons the fleet file needs it ("host box (ssh)"). */
export type Needs = Map<string, string[]>;

export const AGENT_CLIS = ["claude", "codex", "opencode"] as const;

export function fleetNeeds(desired: DesiredState): Needs {
  const needs: Needs = new Map();
  const need = (check: string, why: string): void => {
    const reasons = needs.get(check) ?? [];
    if (!reasons.includes(why)) reasons.push(why);
    needs.set(check, reasons);
  };
  const hostByName = new Map(desired.hosts.map((h) => [h.name, h]));
  const providerOf = (name: string): string =>
    hostByName.get(name)?.provider ?? (name === "local" ? "local" : "unknown");
  for (const host of desired.hosts) {
    if (host.provider === "docker") {
      need("docker", `host ${host.name} (docker)`);
      const image = dockerImage(host);
      if (image !== undefined) need(`image:${image}`, `host ${host.name} (docker)`);
    } else if (host.provider === "ssh") {
      need("ssh", `host ${host.name} (ssh)`);
      need("ssh-keyscan", `host ${host.name} (ssh)`);
    }
  }
  for (const agent of desired.agents) {
    const local = providerOf(agent.host) === "local";
    if (local) {
      need("tmux", `agent ${agent.name} (on ${agent.host})`);
      need("flock", `agent ${agent.name} (on ${agent.host})`);
      if ((AGENT_CLIS as readonly string[]).includes(agent.agent)) {
        need(agent.agent, `agent ${agent.name} (${agent.agent})`);
      }
    }
    if (agent.workdir !== undefined) need("git", `agent ${agent.name} (workdir)`);
  }
  return needs;
}

/** The image a docker host starts from, when it names one (a build makes its own). */
export function dockerImage(host: HostSpec): string | undefined {
  const { image, snapshot } = host.config;
  if (typeof snapshot === "string") return snapshot;
  return typeof image === "string" ? image : undefined;
}

/** Agent CLIs that agents on other hosts need there: reported, not checked from here. */
export function remoteAgentClis(desired: DesiredState): string[] {
  const local = new Set([
    "local",
    ...desired.hosts.filter((h) => h.provider === "local").map((h) => h.name),
  ]);
  return desired.agents
    .filter((a) => !local.has(a.host) && (AGENT_CLIS as readonly string[]).includes(a.agent))
    .map((a) => `${a.name}@${a.host} (${a.agent})`);
}
