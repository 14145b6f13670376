/**
 * Reading agents' live state: tmux panes, agent records and activity markers,
 * all in one script (one round trip per host), parsed into LiveAgents.
 */
import { shellQuote as q } from "../contracts/transport.ts";
import type { AgentState, LiveAgent, LiveService, ServiceSpec } from "../model.ts";
import type { AgentRecord } from "./agent-record.ts";
import { sections } from "./script-output.ts";

export const AGENT_WINDOW = "agent";

const PANE_FIELDS = [
  "#{session_name}",
  "#{window_name}",
  "#{pane_dead}",
  "#{pane_dead_status}",
  "#{window_activity}",
  "#{session_attached}",
  "#{pane_pid}",
  "#{pane_dead_signal}",
  // Set by fleet when it starts the session: a session without it is not fleet's.
  "#{@fleet_agent}",
  // The attached clients' names: a terminal's is its tty, a client without one
  // (the dashboard's control-mode watcher) is "client-PID". Last: a tmux that
  // lacks the format prints nothing, and the count above decides alone.
  "#{session_attached_list}",
] as const;
export const PANE_FORMAT = PANE_FIELDS.join("\t");

export interface PaneInfo {
  session: string;
  window: string;
  dead: boolean;
  exitCode?: number;
  /** Epoch ms of the window's last output. */
  activity?: number;
  attached: boolean;
  pid?: number;
  /** The agent the session was started for (its `@fleet_agent`), "" when fleet did not start it. */
  owner: string;
  /** The signal that killed the pane's process, when one did. */
  signal?: number;
}

/** An agent record as the host printed it: its dir's name and its first line, unchecked. */
export interface RecordText {
  dir: string;
  text: string;
}

export interface ProbeResult {
  tmuxMissing: boolean;
  panes: PaneInfo[];
  records: RecordText[];
  /** Newest activity marker per agent, epoch ms. */
  activity: Map<string, number>;
  /** Agents whose type marked them as waiting for the user, with what they wait for. */
  waiting: Map<string, WaitingMark>;
  /** Exit statuses the agents' launchers recorded, by agent. */
  exits: Map<string, number>;
}

/** An agent's waiting mark: what it waits for, and since when (epoch ms, the mark's mtime). */
export interface WaitingMark {
  reason: string;
  since?: number;
}

/**
 * The probe script. With `name`, only that agent (its session and record);
 * without, every agent under the fleet dir and every session on the server.
 */
export function probeScript(fleetDir: string, session?: { name: string; session: string }): string {
  const records = session ? `${q(session.name)}/agent.json` : "*/agent.json";
  const markers = session ? `${q(session.name)}/activity/*` : "*/activity/*";
  const waiting = session ? `${q(session.name)}/waiting` : "*/waiting";
  const exits = session ? `${q(session.name)}/exit-status` : "*/exit-status";
  const panes = session
    ? `tmux -u list-panes -s -t ${q(`=${session.session}:`)} -F ${q(PANE_FORMAT)}`
    : `tmux -u list-panes -a -F ${q(PANE_FORMAT)}`;
  // Globs are expanded by the shell itself: no cat or stat is spawned when there is nothing to read.
  return [
    `cd ${q(`${fleetDir}/agents`)} 2>/dev/null || exit 0`,
    "echo @@fleet:tmux",
    `if command -v tmux >/dev/null 2>&1; then ${panes} 2>/dev/null; else echo @@fleet:no-tmux; fi`,
    "echo @@fleet:records",
    // Each record's dir, a tab, its first line, with the shell's own `read`: no cat,
    // and an unreadable or empty record still shows up (as an empty line) to be reported.
    `set -- ${records}; [ ! -e "$1" ] || for fleet_f; do fleet_l=; IFS= read -r fleet_l < "$fleet_f"; printf '%s\t%s\n' "\${fleet_f%%/*}" "$fleet_l"; done 2>/dev/null`,
    "echo @@fleet:activity",
    `set -- ${markers}; [ ! -e "$1" ] || stat -c '%Y %n' "$@" 2>/dev/null`,
    "echo @@fleet:waiting",
    `set -- ${waiting}; [ ! -e "$1" ] || for fleet_f; do fleet_l=; IFS= read -r fleet_l < "$fleet_f"; printf '%s\t%s\n' "\${fleet_f%%/*}" "$fleet_l"; done 2>/dev/null`,
    "echo @@fleet:waiting-since",
    `set -- ${waiting}; [ ! -e "$1" ] || stat -c '%Y %n' "$@" 2>/dev/null`,
    "echo @@fleet:exits",
    `set -- ${exits}; [ ! -e "$1" ] || for fleet_f; do fleet_l=; read -r fleet_l < "$fleet_f"; printf '%s %s\\n' "\${fleet_f%%/*}" "$fleet_l"; done 2>/dev/null`,
    "exit 0",
  ].join("\n");
}

export function parseProbe(stdout: string): ProbeResult {
  const parts = sections(stdout);
  const records = (parts.get("records") ?? []).map(recordText);
  const activity = new Map<string, number>();
  for (const line of parts.get("activity") ?? []) {
    const match = /^(\d+) ([^/]+)\//.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const ms = Number(match[1]) * 1000;
    activity.set(match[2], Math.max(activity.get(match[2]) ?? 0, ms));
  }
  return {
    tmuxMissing: parts.has("no-tmux"),
    panes: (parts.get("tmux") ?? []).map(parsePane).filter((p) => p !== undefined),
    records,
    activity,
    waiting: waitingMarks(parts.get("waiting") ?? [], parts.get("waiting-since") ?? []),
    exits: new Map(
      (parts.get("exits") ?? []).flatMap((line) => {
        const [name = "", text = ""] = line.split(" ");
        const code = parseExitStatus(text);
        return code === undefined ? [] : [[name, code] as const];
      }),
    ),
  };
}

/** Waiting marks by agent, from their first lines and their `stat -c '%Y %n'` lines. */
function waitingMarks(
  lines: readonly string[],
  stats: readonly string[],
): Map<string, WaitingMark> {
  const since = new Map<string, number>();
  for (const line of stats) {
    const match = /^(\d{1,15}) ([^/]+)\/waiting$/.exec(line);
    const ms = markTime(match?.[1]);
    if (match?.[2] !== undefined && ms !== undefined) since.set(match[2], ms);
  }
  const marks = new Map<string, WaitingMark>();
  for (const { dir, text } of lines.map(recordText)) {
    const at = since.get(dir);
    marks.set(
      dir,
      at === undefined
        ? { reason: waitingReason(text) }
        : { reason: waitingReason(text), since: at },
    );
  }
  return marks;
}

/** A mark's mtime in whole seconds, as the host reported it: kept only when plausible. */
export function markTime(seconds: string | undefined): number | undefined {
  if (seconds === undefined || !/^\d{1,15}$/.test(seconds)) return undefined;
  const value = Number(seconds);
  return value >= 1 && value <= 2 ** 40 ? value * 1000 : undefined;
}

/** An exit status a launcher recorded on its host: a number 0..255, or nothing. */
export function parseExitStatus(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d{1,3}$/.test(trimmed) && Number(trimmed) <= 255 ? Number(trimmed) : undefined;
}

/**
 * A dead pane whose status tmux lost (tmux 3.3 misses some when several panes exit
 * at once, and the pane stays a zombie) takes the status its launcher recorded.
 */
export function withRecordedExit(
  pane: PaneInfo | undefined,
  recorded: number | undefined,
): PaneInfo | undefined {
  if (!lostExitStatus(pane)) return pane;
  return recorded === undefined ? pane : { ...pane, exitCode: recorded };
}

/** True for a dead pane that tmux gave neither an exit status nor a signal. */
export const lostExitStatus = (pane: PaneInfo | undefined): pane is PaneInfo =>
  pane?.dead === true && pane.exitCode === undefined && pane.signal === undefined;

/** `dir<TAB>line`; a line without a tab (an old records copy) has no dir to bind it to. */
export function recordText(line: string): RecordText {
  const tab = line.indexOf("\t");
  return tab === -1
    ? { dir: "", text: line }
    : { dir: line.slice(0, tab), text: line.slice(tab + 1) };
}

/**
 * Whether a user's terminal is attached: only a client with a tty counts, so
 * someone merely watching in the dashboard (a control-mode client without one)
 * does not keep an agent from idling out.
 */
function terminalAttached(count: number, clients: string): boolean {
  if (!(count > 0)) return false;
  if (clients === "") return true;
  return clients.split(",").some((name) => !/^client-\d+$/.test(name));
}

/** A pane line; numbers the host reports are kept only when they are what they claim. */
export function parsePane(line: string): PaneInfo | undefined {
  const [session, window, dead, deadStatus, activity, attached, pid, signal, owner, clients] =
    line.split("\t");
  if (session === undefined || window === undefined) return undefined;
  const isDead = dead === "1";
  const info: PaneInfo = {
    session,
    window,
    dead: isDead,
    attached: terminalAttached(Number(attached), clients ?? ""),
    owner: owner ?? "",
  };
  const exitCode = intIn(deadStatus, 0, 255);
  if (isDead && exitCode !== undefined) info.exitCode = exitCode;
  const seconds = intIn(activity, 1, 2 ** 40);
  if (seconds !== undefined) info.activity = seconds * 1000;
  const processId = intIn(pid, 1, 2 ** 31);
  if (processId !== undefined) info.pid = processId;
  if (isDead && signal && /^\d{1,3}$/.test(signal)) info.signal = Number(signal);
  return info;
}

function intIn(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || !/^\d{1,15}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/**
 * The agent window's first pane of each session fleet started, by session name.
 * A session of the user's that happens to carry an agent's name is not that agent.
 */
export function agentPanes(panes: PaneInfo[]): Map<string, PaneInfo> {
  const bySession = new Map<string, PaneInfo>();
  for (const pane of panes) {
    if (pane.owner === "") continue;
    if (pane.window === AGENT_WINDOW && !bySession.has(pane.session))
      bySession.set(pane.session, pane);
  }
  return bySession;
}

/** Every pane of each session, by session name and then window name. */
export function sessionWindows(panes: PaneInfo[]): Map<string, Map<string, PaneInfo>> {
  const bySession = new Map<string, Map<string, PaneInfo>>();
  for (const pane of panes) {
    let windows = bySession.get(pane.session);
    if (windows === undefined) {
      windows = new Map<string, PaneInfo>();
      bySession.set(pane.session, windows);
    }
    if (!windows.has(pane.window)) windows.set(pane.window, pane);
  }
  return bySession;
}

/**
 * Each service's state from its window: running, exited (the pane is kept dead
 * with its exit code), missing (its window is gone from a live session), or
 * stopped (the agent's session is not there at all).
 */
export function serviceStates(
  services: readonly ServiceSpec[],
  ports: Record<string, number>,
  windows: ReadonlyMap<string, PaneInfo> | undefined,
): LiveService[] {
  // The record comes from the host: take only well-formed entries.
  const named = services.filter(
    (service): service is ServiceSpec =>
      typeof service === "object" && service !== null && typeof service.name === "string",
  );
  return named.map((service) => {
    const allocated = ports[service.name];
    const port = Number.isInteger(allocated)
      ? (allocated as number)
      : Number.isInteger(service.port)
        ? (service.port as number)
        : null;
    const base = { name: service.name, port };
    if (windows === undefined) return { ...base, state: "stopped" };
    const pane = windows.get(service.name);
    if (pane === undefined) return { ...base, state: "missing" };
    if (!pane.dead) return { ...base, state: "running" };
    // A process killed by a signal has no exit status: report it as a shell would, 128 + N.
    const exitCode = pane.exitCode ?? (pane.signal === undefined ? undefined : 128 + pane.signal);
    return exitCode === undefined
      ? { ...base, state: "exited" }
      : { ...base, state: "exited", exitCode };
  });
}

/** What state an agent is in, from its record and its agent pane (if its session exists). */
export function agentState(
  record: AgentRecord,
  pane: PaneInfo | undefined,
  waiting = false,
): { state: AgentState; exitCode?: number } {
  if (pane) {
    if (!pane.dead) return { state: waiting ? "WAITING" : "RUNNING" };
    return pane.exitCode === undefined
      ? { state: "DONE" }
      : { state: "DONE", exitCode: pane.exitCode };
  }
  return { state: record.state === "stopped" ? "STOPPED" : "MISSING" };
}

/**
 * What a waiting agent waits for, from its mark (written on the host, so
 * untrusted): a short plain word or phrase, else "input" for an empty mark and
 * "unknown" for anything else.
 */
export function waitingReason(mark: string): string {
  const text = mark.trim();
  if (text === "") return "input";
  return /^[a-z][a-z0-9 _.:-]{0,39}$/i.test(text) ? text : "unknown";
}

export function toLiveAgent(
  record: AgentRecord,
  pane: PaneInfo | undefined,
  markerActivity: number | undefined,
  where: { host: string; provider: string },
  /** The agent's waiting mark, when it has one. */
  waiting?: WaitingMark,
  /** The panes of the agent's session by window (undefined: no session), for its services. */
  windows?: ReadonlyMap<string, PaneInfo>,
): LiveAgent {
  // Only the session started for this agent is this agent's, and so are its windows.
  const own = pane?.owner === record.name ? pane : undefined;
  const { state, exitCode } = agentState(record, own, waiting !== undefined);
  const services = Array.isArray(record.spec.services) ? record.spec.services : [];
  const ports = typeof record.ports === "object" && record.ports !== null ? record.ports : {};
  const signals = [own?.activity, markerActivity, timeOf(record.startedAt)].filter(
    (v): v is number => v !== undefined && Number.isFinite(v) && v > 0,
  );
  return {
    name: record.name,
    host: where.host,
    provider: where.provider,
    fleet: record.fleet,
    specHash: record.specHash,
    spec: record.spec,
    state,
    ...(exitCode === undefined ? {} : { exitCode }),
    ...(state === "WAITING" && waiting !== undefined ? { waitingFor: waiting.reason } : {}),
    ...(state === "WAITING" && waiting?.since !== undefined
      ? { waitingSince: new Date(waiting.since).toISOString() }
      : {}),
    createdAt: record.createdAt,
    ...(record.startedAt === undefined ? {} : { startedAt: record.startedAt }),
    ...(record.stoppedAt === undefined ? {} : { stoppedAt: record.stoppedAt }),
    ...(signals.length > 0 ? { lastActivity: Math.max(...signals) } : {}),
    attached: own?.attached ?? false,
    workdir: record.workdir,
    ports: record.ports,
    services: serviceStates(services, ports, own ? windows : undefined),
  };
}

const timeOf = (iso: string | undefined): number | undefined =>
  iso === undefined ? undefined : Date.parse(iso);
