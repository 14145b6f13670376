/**
 * The shared vocabulary: what a fleet file asks for (desired) and what providers
 * report (live). Plan compares the two; apply and providers act on them.
 */
import type { FleetErrorJson } from "./errors.ts";

/** Milliseconds. Written `30s`, `15m`, `2h` in fleet files. */
export type DurationMs = number;

export interface ServiceSpec {
  name: string;
  /** Shell command line; `$PORT` holds the allocated port. */
  command: string;
  /** A fixed port, "auto" for a free one chosen at start, or null for none. */
  port: number | "auto" | null;
}

export interface WorkdirSpec {
  /** Absolute path of the source (a git repo or a plain directory) on the controller. */
  from: string;
  /** Branch the agent works on, with `{name}` already substituted. */
  branch: string;
}

export type NetworkPolicy =
  { egress: "open" } | { egress: "offline" } | { egress: "allowlist"; cidrs: string[] };

export interface ResourceLimits {
  cpus?: number;
  /** Bytes. Written `512m`, `2g` in fleet files. */
  memory?: number;
  pids?: number;
}

/** One agent, fully resolved: templates applied, defaults filled, paths absolute. */
export interface AgentSpec {
  name: string;
  host: string;
  /** Agent type name: command, claude, codex, opencode, ... */
  agent: string;
  /** Shell command line, for agent type `command`. */
  command?: string;
  args: string[];
  env: Record<string, string>;
  /** Names of variables taken from the caller's environment. Values are never stored. */
  secrets: string[];
  workdir?: WorkdirSpec;
  services: ServiceSpec[];
  labels: Record<string, string>;
  /** First message, sent once the agent is ready. */
  message?: string;
  /** Null when idle shutdown is disabled. */
  idleTimeout: DurationMs | null;
  template?: string;
  network?: NetworkPolicy;
  resources?: ResourceLimits;
  /** Snapshot image to start from (docker). */
  snapshot?: string;
}

/** One host, resolved. Provider-specific fields live in `config`. */
export interface HostSpec {
  name: string;
  provider: string;
  config: Record<string, unknown>;
  network?: NetworkPolicy;
  resources?: ResourceLimits;
}

export interface DesiredState {
  /** The fleet's name: owns what it creates. */
  fleet: string;
  /** Absolute path of the fleet file. */
  source: string;
  hosts: HostSpec[];
  agents: AgentSpec[];
  /**
   * Notification rules by agent name (`notify:` in the file). Beside the agents,
   * not in their specs: a rule changes who is told, never the agent (no update,
   * no spec hash change).
   */
  notify?: Record<string, NotifyRule>;
}

/** What an agent's notifications are sent for. */
export type NotifyEventType = "waiting" | "finished" | "failed" | "stopped" | "handoff";

/** A webhook: its URL written in the file, or the name of a variable holding it. */
export type WebhookTarget = ({ url: string } | { urlFrom: string }) & {
  /** slack: JSON `{"text": ...}`; ntfy: a plain-text body with Title/Priority/Tags headers. */
  format: "slack" | "ntfy";
};

/** One agent's notification rule, resolved from defaults, templates and the agent. */
export interface NotifyRule {
  on: NotifyEventType[];
  desktop: boolean;
  webhooks: WebhookTarget[];
}

/**
 * RUNNING: the agent process is up. WAITING: up and waiting for input (where the
 * agent type can tell). STOPPED: stopped by fleet, work dir kept. DONE: the process
 * exited by itself. MISSING: recorded as running but its session is gone (killed
 * by hand, or the machine rebooted).
 */
export type AgentState = "RUNNING" | "WAITING" | "STOPPED" | "DONE" | "MISSING";

export interface LiveAgent {
  name: string;
  host: string;
  provider: string;
  /** Owning fleet's name, or null for agents made with `fleet create`. */
  fleet: string | null;
  specHash: string;
  spec: AgentSpec;
  state: AgentState;
  exitCode?: number;
  /** For WAITING: what it waits for ("input", "approval", a dialog's name). */
  waitingFor?: string;
  /** For WAITING: when the host says the wait began (ISO), when it reports it. */
  waitingSince?: string;
  createdAt: string;
  startedAt?: string;
  stoppedAt?: string;
  /** Epoch ms of the newest activity signal, when known. */
  lastActivity?: number;
  attached: boolean;
  /** Work dir path on its host. */
  workdir?: string;
  /** Ports allocated to services, by service name. */
  ports?: Record<string, number>;
  /** The spec's services and how each is doing; absent when the provider cannot tell. */
  services?: LiveService[];
}

/**
 * running: its process is up. exited: its process ended (`exitCode` when tmux
 * knows it). missing: its window is gone from the agent's session. stopped: the
 * agent's session is not running, so neither is any service.
 */
export type ServiceState = "running" | "exited" | "missing" | "stopped";

export interface LiveService {
  name: string;
  /** Its port: allocated (auto) or fixed; null when it has none. */
  port: number | null;
  state: ServiceState;
  exitCode?: number;
}

export type HostState = "running" | "stopped" | "missing";

export interface LiveHost {
  name: string;
  provider: string;
  fleet: string | null;
  specHash?: string;
  spec?: HostSpec;
  state: HostState;
}

/**
 * A host that could not be read; other hosts are still reported. With `agent`,
 * only that agent's record could not be read or trusted (RECORD_UNREADABLE,
 * RECORD_TAMPERED): the host's other agents are reported, and nothing acts on it.
 */
export interface HostError {
  host: string;
  provider: string;
  agent?: string;
  error: FleetErrorJson;
}

export interface LiveState {
  hosts: LiveHost[];
  agents: LiveAgent[];
  errors: HostError[];
}

/** The host every agent without `host:` runs on. */
export const DEFAULT_HOST: HostSpec = { name: "local", provider: "local", config: {} };
