/**
 * An agent's services: the tmux windows beside its own, their scripts and logs,
 * and bringing a dead one back on the port it had.
 *
 * A service's port lives in the agent's env file (`export DB_PORT=5432`), which
 * its script sources, so a respawned window binds where it did before; only a
 * fresh start of the agent (create, start) allocates again, and then keeps the
 * old port when it is still free (ports.ts).
 */
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import type { AgentSpec, LiveService, ServiceSpec } from "../model.ts";
import { agentPaths, sessionTarget, windowTarget, type AgentPaths } from "./agent-record.ts";
import { eventLine } from "./events.ts";
import { runScript, type HostHandle } from "./handle.ts";
import { requireAgent } from "./read-agent.ts";
import { sections } from "./script-output.ts";

export const serviceScriptPath = (paths: AgentPaths, service: string): string =>
  `${paths.dir}/service-${service}.sh`;

/** Where a service window's output is recorded, as the agent's is in terminal.log. */
export const serviceLogPath = (paths: AgentPaths, service: string): string =>
  `${paths.logs}/service-${service}.log`;

/** tmux expands `#{...}` formats in start directories and pipe commands. */
export const tmuxFormatEscape = (text: string): string => text.replaceAll("#", "##");

/** The pipe-pane command that appends a window's output to a log. */
export const pipeToLog = (log: string): string => tmuxFormatEscape(`cat >> ${q(log)}`);

/** Refuses a service the agent's spec does not have, naming the ones it has. */
export function requireService(
  spec: AgentSpec,
  agent: string,
  service: string,
  exitCode?: number,
): void {
  const services = spec.services.map((s) => s.name);
  if (services.includes(service)) return;
  throw new FleetError("SERVICE_NOT_FOUND", `agent ${agent} has no service "${service}"`, {
    hint: services.length === 0 ? "it has no services" : `its services: ${services.join(", ")}`,
    ...(exitCode === undefined ? {} : { exitCode }),
  });
}

/** The services of an agent just launched: all running, on the ports the launch gave them. */
export function launchedServices(
  services: readonly ServiceSpec[],
  ports: Record<string, number>,
): LiveService[] {
  return services.map((service) => ({
    name: service.name,
    port: ports[service.name] ?? (typeof service.port === "number" ? service.port : null),
    state: "running",
  }));
}

/**
 * Restarts the named services of a running agent where they are dead (a live
 * one is left alone, so a stale plan does no harm), each on its port, in spec
 * order. A port another process now listens on fails the call at that service,
 * before it is started.
 */
export async function restartServices(
  h: HostHandle,
  name: string,
  services: readonly string[],
): Promise<void> {
  const agent = await requireAgent(h, name);
  const { record, transport, session } = agent;
  if (!agent.sessionExists) {
    throw new FleetError(
      "AGENT_NOT_RUNNING",
      `agent ${name} is not running, so its services cannot be restarted`,
      { hint: `start it with \`fleet start ${name}\`: that starts its services too` },
    );
  }
  const paths = agentPaths(transport.fleetDir, name);
  const wanted = record.spec.services.filter((service) => services.includes(service.name));
  const unknown = services.filter((s) => !wanted.some((service) => service.name === s));
  if (unknown.length > 0) {
    throw new FleetError(
      "SERVICE_NOT_FOUND",
      `agent ${name} has no service ${unknown.join(", ")}`,
      { hint: "its services are those of the spec it was started with" },
    );
  }
  const lines: string[] = [];
  // Windows are found by name in a listing: a target naming a window that is gone
  // would fall back to another window of the session.
  const listing = `tmux list-panes -s -t ${q(sessionTarget(session))} -F '#{window_name} #{pane_dead} #{window_id}'`;
  for (const service of wanted) {
    const start = `sh ${q(serviceScriptPath(paths, service.name))}`;
    const workdir = tmuxFormatEscape(record.workdir);
    const tmux = (...words: string[]): string => `tmux ${words.map(q).join(" ")}`;
    const event = eventLine("service", { service: service.name, action: "restarted" });
    const log = pipeToLog(serviceLogPath(paths, service.name));
    // Respawn and pipe in one tmux command, so no early output goes unrecorded.
    const named = windowTarget(session, service.name);
    // The record is the host's word: only a real port number goes into the check.
    const recorded = record.ports[service.name] ?? service.port;
    const port =
      Number.isInteger(recorded) && (recorded as number) > 0 && (recorded as number) < 65536
        ? (recorded as number)
        : undefined;
    lines.push(
      `set -- $(${listing} | awk -v w=${q(service.name)} '$1 == w { print $2, $3; exit }')`,
      ...(port === undefined ? [] : [`[ "$1" = 0 ] || ${portCheck(service.name, port)}`]),
      `if [ "$1" = 1 ]; then tmux respawn-window -t "$2" ${q(start)} ';' pipe-pane -t "$2" ${q(log)} || exit 76`,
      `elif [ -z "$1" ]; then`,
      `  ${tmux("new-window", "-d", "-t", sessionTarget(session), "-n", service.name, "-c", workdir, start)} ';' ${["set-option", "-w", "-t", named, "remain-on-exit", "on"].map(q).join(" ")} ';' ${["pipe-pane", "-t", named, log].map(q).join(" ")} || exit 76`,
      "else set -- 0; fi",
      `[ "$1" = 0 ] || printf '%s\\n' ${q(event)} >> ${q(paths.events)}`,
    );
  }
  const result = await runScript(
    transport,
    `restarting services of agent ${name}`,
    lines.join("\n"),
  );
  const taken = sections(result.stdout).get("port-taken");
  if (taken !== undefined && taken.length > 0) {
    const [service, port] = (taken[0] ?? "").split(" ");
    throw new FleetError(
      "PORT_TAKEN",
      `service ${service ?? "?"} of agent ${name} cannot restart: port ${port ?? "?"} is taken by another process on host ${h.host.name}`,
      {
        hint: `free port ${port ?? "?"}, or run \`fleet stop ${name} && fleet start ${name}\` to start its services on new ports (auto ports only)`,
      },
    );
  }
}

/** Prints `@@fleet:port-taken` and exits when something listens on the port (IPv4 or IPv6). */
function portCheck(service: string, port: number): string {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const awk = `$4 == "0A" && $2 ~ /:${hex}$/ { found = 1 } END { exit !found }`;
  return `{ if cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk ${q(awk)}; then echo @@fleet:port-taken; echo ${q(`${service} ${port}`)}; exit 0; fi; }`;
}
