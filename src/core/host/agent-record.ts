/**
 * What fleet remembers about an agent on its host: `<fleetDir>/agents/<name>/agent.json`,
 * one line of JSON plus a newline, so `cat agents/*\/agent.json` is JSONL. Secret
 * values are never part of it: only their names, inside the spec.
 */
import { FleetError } from "../errors.ts";
import type { AgentSpec } from "../model.ts";
import { NAME_PATTERN } from "../names.ts";

export interface AgentRecord {
  version: 1;
  name: string;
  host: string;
  provider: string;
  /** Owning fleet's name, or null for agents made with `fleet create`. */
  fleet: string | null;
  spec: AgentSpec;
  specHash: string;
  /** What fleet last did: started it, or stopped it. Whether it still runs is tmux's to say. */
  state: "running" | "stopped";
  createdAt: string;
  startedAt?: string;
  stoppedAt?: string;
  stopReason?: string;
  /** Absolute path of the work dir on the host. */
  workdir: string;
  /** Ports allocated to services, by service name: filled in by the host, outside the MAC. */
  ports: Record<string, number>;
  /** HMAC-SHA256 of the rest, under the controller's key (src/core/trust/record-seal.ts). */
  mac?: string;
}

/** The agent's dir on its host. */
export const agentDir = (fleetDir: string, name: string): string =>
  `${fleetDir.replace(/\/+$/, "")}/agents/${name}`;

/** Files and dirs of an agent, absolute on its host. */
export function agentPaths(fleetDir: string, name: string) {
  const dir = agentDir(fleetDir, name);
  return {
    dir,
    record: `${dir}/agent.json`,
    events: `${dir}/events.jsonl`,
    activity: `${dir}/activity`,
    logs: `${dir}/logs`,
    terminalLog: `${dir}/logs/terminal.log`,
    /** The agent process's exit status, written by the launcher as it exits. */
    exitStatus: `${dir}/exit-status`,
    /** The agent waits for the user while this exists; its first line says for what. */
    waiting: `${dir}/waiting`,
    /** A line for every prompt the agent took, appended by its hooks (src/agents/turn-hooks.ts). */
    prompts: `${dir}/prompts`,
    envFile: `${dir}/env.sh`,
    secretsFile: `${dir}/secrets.env`,
    launcher: `${dir}/run.sh`,
    portsFile: `${dir}/ports`,
    work: `${dir}/work`,
  };
}

export type AgentPaths = ReturnType<typeof agentPaths>;

export const sessionName = (prefix: string, name: string): string => `${prefix}${name}`;

/** tmux targets: `=` asks for the exact session name, never a prefix match. */
export const sessionTarget = (session: string): string => `=${session}:`;
export const windowTarget = (session: string, window: string): string => `=${session}:${window}`;

export function assertAgentName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new FleetError("INVALID_NAME", `"${name}" is not a valid agent name`, {
      hint: "use letters, digits, - and _, starting with a letter or digit (at most 63 characters)",
    });
  }
}

/** The record's single line, newline included. */
export function serializeRecord(record: AgentRecord): string {
  return JSON.stringify(record) + "\n";
}

/** Parses one agent.json line; undefined when it is not a record fleet wrote. */
export function parseRecord(line: string): AgentRecord | undefined {
  const text = line.trim();
  if (text === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  return value;
}

function isRecord(value: unknown): value is AgentRecord {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<AgentRecord>;
  return (
    v.version === 1 &&
    typeof v.name === "string" &&
    typeof v.host === "string" &&
    typeof v.spec === "object" &&
    v.spec !== null &&
    typeof v.spec.name === "string" &&
    Array.isArray(v.spec.services) &&
    v.spec.services.every(
      (s) => typeof s === "object" && s !== null && typeof s.name === "string",
    ) &&
    Array.isArray(v.spec.secrets) &&
    Array.isArray(v.spec.args) &&
    typeof v.spec.env === "object" &&
    v.spec.env !== null &&
    typeof v.ports === "object" &&
    v.ports !== null &&
    (v.fleet === null || typeof v.fleet === "string") &&
    typeof v.createdAt === "string" &&
    typeof v.specHash === "string" &&
    (v.state === "running" || v.state === "stopped") &&
    typeof v.workdir === "string"
  );
}
