/**
 * Starting an agent's processes: one script that allocates ports, writes the
 * launcher and its env, hands over the secrets, starts the tmux session (agent
 * window + one window per service, output piped to logs/terminal.log), writes
 * the record and the event, and, when the agent type needs no readiness check,
 * types the first message. One round trip.
 *
 * Secret values reach the host only on the script's stdin, land in a 0600 file
 * the launcher sources and deletes before anything else runs, and so never
 * appear in a command line, the record, the events or the terminal log.
 */
import { randomInt } from "node:crypto";
import type { AgentType } from "../contracts/agent-type.ts";
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import type { AgentSpec } from "../model.ts";
import {
  agentPaths,
  serializeRecord,
  sessionTarget,
  windowTarget,
  type AgentPaths,
  type AgentRecord,
} from "./agent-record.ts";
import { eventLine, type AgentEventType } from "./events.ts";
import { planPorts, portVariable, type PortSource } from "./ports.ts";
import { AGENT_WINDOW } from "./probe.ts";
import { deliveryCommands } from "./delivery.ts";
import { pipeToLog, serviceLogPath, serviceScriptPath, tmuxFormatEscape } from "./services.ts";
import { ENV_NAME_PATTERN } from "../names.ts";
import { cleanStartLines } from "./agent-env.ts";
import { sealRecord } from "../trust/record-seal.ts";
import { replaceOwnSessionLine } from "./own-session.ts";
import { earlyExitCheck } from "./early-exit.ts";
import {
  BUS_SERVER_NAME,
  ENDPOINT_FILE,
  TOKEN_FILE,
  endpointScript,
} from "../bus/endpoint-script.ts";

/** The agent type's exit window, ms (0: not checked). */
export const exitWindowMs = (type: AgentType): number => type.readiness.exitWindowMs ?? 0;

export const PANE_SIZE = { width: 200, height: 50 } as const;

export interface LaunchInput {
  fleetDir: string;
  /** FLEET_HOME: its key seals the record written. */
  home: string;
  session: string;
  /** The record to write; its `ports` are the previous ones (kept when still free). */
  record: AgentRecord;
  type: AgentType;
  secrets: Record<string, string>;
  event: { type: AgentEventType; details?: Record<string, unknown> };
  /**
   * `fresh`: do nothing and report `exists` when the session or a record is already
   * there (create checks and acts in the same round trip). `replace`: end fleet's
   * session for the agent first; a session fleet did not start is reported as
   * `foreign` and left alone.
   */
  mode: "fresh" | "replace";
  /** Typed in right after start (only for agent types ready at once). */
  message?: string;
  /** The agents' bus: its socket as the host sees it, and this agent's token (a secret). */
  bus?: { socket: string; token: string };
}

export interface LaunchScript {
  script: string;
  input: Buffer;
}

export function launchScript(input: LaunchInput): LaunchScript {
  const { record, session } = input;
  const spec = record.spec;
  const paths = agentPaths(input.fleetDir, record.name);
  const ports = planPorts(record.name, spec.services, record.ports, randomInt(1, 2 ** 31 - 1));
  const bus = input.bus && busEndpoint(paths, input.bus.socket);
  const secretsText = secretsFile(
    input.bus ? { ...input.secrets, [BUS_TOKEN_VARIABLE]: input.bus.token } : input.secrets,
  );
  const secretsBytes = Buffer.byteLength(secretsText);

  // Process spawns are the cost here (create has a 0.3 s budget end to end): shell
  // builtins where they do, one mkdir, one tmux client for the whole session.
  // umask 077: everything written here is the user's alone, and so is what the tmux
  // server this may start writes later (the terminal log through pipe-pane).
  const lines: string[] = [
    "umask 077",
    `mkdir -p ${q(paths.activity)} ${q(paths.logs)} ${q(record.workdir)} || exit 71`,
    // Made earlier or by another umask (a container's /fleet, a user's tmux server
    // appending to the log): narrowed here, one chmod for all.
    `: >> ${q(paths.terminalLog)}; chmod go-rwx ${q(input.fleetDir)} ${q(`${input.fleetDir}/agents`)} ${q(paths.dir)} ${q(paths.logs)} ${q(paths.terminalLog)} 2>/dev/null`,
    `cd ${q(`${input.fleetDir}/agents`)} || exit 70`,
  ];
  if (input.mode === "fresh") {
    // An existing session without a record is caught when new-session finds it.
    lines.push(`if [ -f ${q(paths.record)} ]; then echo @@fleet:exists; exit 0; fi`);
  } else {
    lines.push(replaceOwnSessionLine(session, record.name));
  }
  if (ports.script !== "") lines.push(ports.script);
  if (secretsBytes > 0) {
    // Until tmux has the launcher running, any exit takes the secrets file with it.
    lines.push(
      `trap ${q(`rm -f ${q(paths.secretsFile)}`)} EXIT`,
      `(umask 077 && head -c ${secretsBytes} > ${q(paths.secretsFile)}) || exit 72`,
    );
  } else {
    lines.push(`[ ! -e ${q(paths.secretsFile)} ] || rm -f ${q(paths.secretsFile)}`);
  }

  const command = input.type.launchCommand(spec, {
    workdir: record.workdir,
    agentDir: paths.dir,
    ...(bus ? { bus: bus.server } : {}),
  });
  const portEntries = [...ports.sources];
  const portWord = (source: PortSource): string =>
    source.kind === "fixed" ? String(source.port) : `"\${${source.variable}}"`;
  lines.push(
    ...(bus ? [`printf '%s' ${q(endpointScript())} > ${q(bus.endpoint)} || exit 71`] : []),
    `{ printf '%s' ${q(envFile(spec, paths, record.workdir, bus?.env))}`,
    ...portEntries.map(
      ([service, source]) =>
        `  printf '%s\\n' ${q(`export ${portVariable(service)}=`)}${portWord(source)}`,
    ),
    `} > ${q(paths.envFile)} || exit 71`,
    `printf '%s' ${q(launcher(paths, record.workdir, command))} > ${q(paths.launcher)} || exit 71`,
  );
  for (const service of spec.services) {
    const port = ports.sources.get(service.name) ? portVariable(service.name) : undefined;
    const text = serviceLauncher(paths, record.workdir, service.command, port);
    lines.push(`printf '%s' ${q(text)} > ${q(serviceScriptPath(paths, service.name))} || exit 71`);
  }
  lines.push(
    `{ :${portEntries.map(([service, source]) => `; printf '%s\\n' ${q(`${service} `)}${portWord(source)}`).join("")}; } > ${q(paths.portsFile)}`,
    `if ! fleet_err=$(tmux ${tmuxStart(input, paths)} 2>&1); then`,
    ...(input.mode === "fresh"
      ? ['  case $fleet_err in *"duplicate session"*) echo @@fleet:exists; exit 0;; esac']
      : []),
    "  printf '@@fleet:error tmux: %s\\n' \"$fleet_err\"; exit 73",
    "fi",
    // The launcher owns the secrets file now: it reads and removes it.
    ...(secretsBytes > 0 ? ["trap - EXIT"] : []),
  );

  // The record's ports are known only here, on the host: splice them into its JSON.
  // They stay outside the MAC (record-seal.ts), which covers everything else.
  const { ports: _previous, ...rest } = sealRecord(input.home, record);
  const recordHead = serializeRecord({ ...rest, ports: {} }).replace(/\{\}\}\n$/, "{");
  const portsJson = portEntries
    .map(([service, source]) => `${q(`${JSON.stringify(service)}:`)}${portWord(source)}`)
    .join("','");
  const recordWord = `${q(recordHead)}${portsJson}'}}'`;
  // Always through a temporary file: a reader must never see a half-written
  // record, which it would report as unreadable.
  const recordTmp = `${paths.record}.tmp`;
  lines.push(
    `printf '%s\\n' ${recordWord} > ${q(recordTmp)} && mv -f ${q(recordTmp)} ${q(paths.record)} || exit 75`,
    `printf '%s\\n' ${q(eventLine(input.event.type, input.event.details))} >> ${q(paths.events)}`,
    ...earlyExitCheck(
      windowTarget(session, AGENT_WINDOW),
      exitWindowMs(input.type),
      "fleet_err",
      paths.exitStatus,
    ),
  );

  if (input.message !== undefined && input.message !== "") {
    // A subshell: the agent is started and recorded whether or not its first message arrives.
    const delivery = deliveryCommands({
      session,
      paths,
      delivery: input.type.delivery,
      payload: { kind: "text", text: input.message },
    });
    lines.push("(", ...delivery.map((line) => `  ${line}`), ")");
  }
  lines.push(
    `printf '%s\\n' @@fleet:ports${portEntries.map(([service, source]) => ` ${q(`${service} `)}${portWord(source)}`).join("")}`,
  );

  return {
    script: lines.join("\n"),
    input: Buffer.concat([Buffer.from(secretsText), Buffer.from(input.message ?? "")]),
  };
}

/** The tmux command line (already shell-quoted words) that starts the session. */
function tmuxStart(input: LaunchInput, paths: AgentPaths): string {
  const { session, record } = input;
  const workdir = tmuxFormatEscape(record.workdir);
  const agentWindow = windowTarget(session, AGENT_WINDOW);
  const words: string[][] = [
    [
      "new-session",
      "-d",
      // Its pane's pid, for the early-exit check.
      "-P",
      "-F",
      "#{pane_pid}",
      "-s",
      session,
      "-n",
      AGENT_WINDOW,
      "-x",
      String(PANE_SIZE.width),
      "-y",
      String(PANE_SIZE.height),
      "-c",
      workdir,
      `sh ${q(paths.launcher)}`,
    ],
    ["set-option", "-w", "-t", agentWindow, "remain-on-exit", "on"],
    ["pipe-pane", "-o", "-t", agentWindow, pipeToLog(paths.terminalLog)],
    ["set-option", "-t", sessionTarget(session), "@fleet_agent", record.name],
    ["set-option", "-t", sessionTarget(session), "@fleet_fleet", record.fleet ?? ""],
  ];
  for (const service of record.spec.services) {
    words.push(
      [
        "new-window",
        "-d",
        "-t",
        sessionTarget(session),
        "-n",
        service.name,
        "-c",
        workdir,
        `sh ${q(serviceScriptPath(paths, service.name))}`,
      ],
      ["set-option", "-w", "-t", windowTarget(session, service.name), "remain-on-exit", "on"],
      [
        "pipe-pane",
        "-o",
        "-t",
        windowTarget(session, service.name),
        pipeToLog(serviceLogPath(paths, service.name)),
      ],
    );
  }
  return words.map((command) => command.map(q).join(" ")).join(" ';' ");
}

/** Where the agent's bus endpoint is, and how its CLI is to run it. */
function busEndpoint(paths: AgentPaths, socket: string) {
  const endpoint = `${paths.dir}/${ENDPOINT_FILE}`;
  const tokenFile = `${paths.dir}/${TOKEN_FILE}`;
  return {
    endpoint,
    tokenFile,
    server: { name: BUS_SERVER_NAME, command: "sh", args: [endpoint, socket, tokenFile] },
    env: { FLEET_BUS_SOCKET: socket, FLEET_BUS_ENDPOINT: endpoint },
  };
}

/** Carries the bus token with the secrets; the launcher moves it to a 0600 file. */
const BUS_TOKEN_VARIABLE = "FLEET_BUS_TOKEN";

function envFile(
  spec: AgentSpec,
  paths: AgentPaths,
  workdir: string,
  extra: Record<string, string> = {},
): string {
  return exportLines(
    {
      ...spec.env,
      ...extra,
      FLEET_AGENT: spec.name,
      FLEET_AGENT_DIR: paths.dir,
      // `fleet exec` finds the work dir here without reading the record first.
      FLEET_WORKDIR: workdir,
    },
    (key) =>
      new FleetError(
        "INVALID_ENV",
        `agent ${spec.name}: "${key}" is not a valid environment variable name`,
        { hint: "use letters, digits and _, not starting with a digit" },
      ),
  );
}

function secretsFile(secrets: Record<string, string>): string {
  return exportLines(
    secrets,
    (key) => new FleetError("INVALID_SECRET", `"${key}" is not a valid environment variable name`),
  );
}

/** `export KEY='value'` lines for sh, refusing names sh would not take. */
function exportLines(vars: Record<string, string>, invalid: (key: string) => FleetError): string {
  return Object.entries(vars)
    .map(([key, value]) => {
      if (!ENV_NAME_PATTERN.test(key)) throw invalid(key);
      return `export ${key}=${q(value)}\n`;
    })
    .join("");
}

function launcher(paths: AgentPaths, workdir: string, launchCommand: string): string {
  return [
    "# Written by fleet: the agent's launcher. Its environment is the base, its env file and",
    "# its secrets (from secrets.env, read once and removed), whatever the tmux server has.",
    ...cleanStartLines(),
    `. ${q(paths.envFile)}`,
    `if [ -f ${q(paths.secretsFile)} ]; then . ${q(paths.secretsFile)}; rm -f ${q(paths.secretsFile)}; fi`,
    // The bus token lives in a 0600 file the endpoint reads, not in the agent's environment.
    `if [ -n "\${${BUS_TOKEN_VARIABLE}:-}" ]; then (umask 077; printf '%s\\n' "$${BUS_TOKEN_VARIABLE}" > ${q(`${paths.dir}/${TOKEN_FILE}`)}); unset ${BUS_TOKEN_VARIABLE}; fi`,
    `cd ${q(workdir)} || exit 126`,
    // A waiting mark left by the last run is not this run's: it starts busy.
    `rm -f ${q(paths.exitStatus)} ${q(paths.waiting)}`,
    // A new shell, so the agent's process starts with its env and secrets in its
    // environment (what /proc/PID/environ shows), not just as shell variables. It
    // records its own exit status: tmux 3.3 loses some when panes exit together.
    `exec sh -c ${q(`trap ${q(`printf '%s\\n' "$?" > ${q(paths.exitStatus)}`)} EXIT; ${launchCommand}`)}`,
    "",
  ].join("\n");
}

function serviceLauncher(
  paths: AgentPaths,
  workdir: string,
  command: string,
  portVar: string | undefined,
): string {
  return [
    "# Written by fleet: a service of the agent. Services get the base and the agent's env, not its secrets.",
    ...cleanStartLines(),
    `. ${q(paths.envFile)}`,
    ...(portVar ? [`PORT=$${portVar}; export PORT`] : []),
    `cd ${q(workdir)} || exit 126`,
    `exec sh -c ${q(command)}`,
    "",
  ].join("\n");
}
