/**
 * A fleet of N agents on H simulated hosts, all live: the fleet file declaring
 * them, the hosts remembered in FLEET_HOME (as an apply would leave them, so
 * `fleet list` looks at them), and each host's probe output: records sealed with
 * FLEET_HOME's key from the specs the real loader makes of the file, and one
 * running tmux pane per agent.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadDesired } from "../../src/core/actions/plan-apply.ts";
import type { AgentRecord } from "../../src/core/host/agent-record.ts";
import { PANE_FORMAT } from "../../src/core/host/probe.ts";
import { registerProvider } from "../../src/core/registry.ts";
import { specHash } from "../../src/core/spec-hash.ts";
import { rememberHosts } from "../../src/core/state/known-hosts.ts";
import { sealRecord } from "../../src/core/trust/record-seal.ts";
import { SIM_FLEET_DIR } from "./sim-provider.ts";

registerProvider("sim", async () => (await import("./sim-provider.ts")).default);

export interface ScaleFixture {
  file: string;
  /** Probe outputs: every agent active just now. */
  activeDir: string;
  /** The same agents, silent for two hours: every one is past its idle timeout. */
  idleDir: string;
}

const hostName = (i: number): string => `h${String(i).padStart(2, "0")}`;

export async function writeScaleFixture(
  dir: string,
  env: { home: string; prefix: string },
  hosts: number,
  agents: number,
): Promise<ScaleFixture> {
  const file = join(dir, `fleet-${agents}.yaml`);
  const hostLines = Array.from({ length: hosts }, (_, i) => `  ${hostName(i)}: { provider: sim }`);
  const agentLines = Array.from(
    { length: agents },
    (_, i) =>
      `  a${i}: { agent: command, command: "sleep 3600", host: ${hostName(i % hosts)}, ` +
      `labels: { shard: "s${i % 7}" }, env: { N: "${i}" } }`,
  );
  writeFileSync(
    file,
    `version: 1\nname: scale\nhosts:\n${hostLines.join("\n")}\nagents:\n${agentLines.join("\n")}\n`,
  );
  const desired = await loadDesired(file, dir);
  await rememberHosts(env, desired.hosts);

  const now = Date.now();
  const fixture = {
    file,
    activeDir: join(dir, `active-${agents}`),
    idleDir: join(dir, `idle-${agents}`),
  };
  for (const [probeDir, activeAt] of [
    [fixture.activeDir, now],
    [fixture.idleDir, now - 2 * 3600_000],
  ] as const) {
    mkdirSync(probeDir, { recursive: true });
    const iso = new Date(activeAt).toISOString();
    const seconds = Math.floor(activeAt / 1000);
    for (const host of desired.hosts) {
      const specs = desired.agents.filter((agent) => agent.host === host.name);
      const records = specs.map((spec) => {
        const record: AgentRecord = {
          version: 1,
          name: spec.name,
          host: host.name,
          provider: "sim",
          fleet: desired.fleet,
          spec,
          specHash: specHash(spec),
          state: "running",
          createdAt: iso,
          startedAt: iso,
          workdir: `${SIM_FLEET_DIR}/agents/${spec.name}/work`,
          ports: {},
        };
        return `${spec.name}\t${JSON.stringify(sealRecord(env.home, record))}`;
      });
      const panes = specs.map((spec, i) =>
        PANE_FORMAT.replace("#{session_name}", `${env.prefix}${spec.name}`)
          .replace("#{window_name}", "agent")
          .replace("#{pane_dead}", "0")
          .replace("#{pane_dead_status}", "")
          .replace("#{window_activity}", String(seconds))
          .replace("#{session_attached}", "0")
          .replace("#{pane_pid}", String(1000 + i))
          .replace("#{pane_dead_signal}", "")
          .replace("#{@fleet_agent}", spec.name)
          .replace("#{session_attached_list}", ""),
      );
      const probe = [
        "@@fleet:tmux",
        ...panes,
        "@@fleet:records",
        ...records,
        "@@fleet:activity",
        "@@fleet:waiting",
        "@@fleet:waiting-since",
        "@@fleet:exits",
        "",
      ].join("\n");
      writeFileSync(join(probeDir, `${host.name}.probe`), probe);
    }
  }
  return fixture;
}
