/**
 * Local discovery, the hot path of `fleet list`: one `tmux list-panes` spawned
 * while the records and activity markers are read in-process. The generic probe
 * (src/core/host/probe.ts) runs the same reads as one shell script, which remote
 * hosts need but which here would cost a shell, a cat and a stat per listing.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sessionName } from "../../src/core/host/agent-record.ts";
import { checkRecords, type HostAgents } from "../../src/core/host/discover-agents.ts";
import {
  agentPanes,
  PANE_FORMAT,
  sessionWindows,
  parsePane,
  lostExitStatus,
  parseExitStatus,
  toLiveAgent,
  waitingReason,
  withRecordedExit,
  type PaneInfo,
  type WaitingMark,
} from "../../src/core/host/probe.ts";
import { FleetError } from "../../src/core/errors.ts";
import { byText } from "../../src/core/sort.ts";
import { recordedLocalHost } from "../../src/core/state/local-hosts.ts";

export interface LocalDiscoverOptions {
  prefix: string;
  env: Record<string, string>;
  /** FLEET_HOME: its key verifies the records. */
  home: string;
}

/**
 * Every agent on this machine, each under the local host name its record gives
 * (`laptop`, `local`...): all local host names are this one machine, so no
 * agent is hidden because it was declared under another name.
 */
export async function discoverLocalAgents(
  fleetDir: string,
  options: LocalDiscoverOptions,
): Promise<HostAgents> {
  const agentsDir = join(fleetDir, "agents");
  let names: string[];
  try {
    names = readdirSync(agentsDir);
  } catch {
    return { agents: [], errors: [] };
  }
  if (names.length === 0) return { agents: [], errors: [] };
  // tmux runs while the records are read and their seals checked: synchronous
  // reads of a few small files cost far less than a thread-pool round trip each.
  const panesPromise = listPanes(options.env);
  // Awaited below; this only keeps a failure from being reported as unhandled
  // should reading or checking the records throw first.
  panesPromise.catch(() => undefined);
  const entries = names
    .map((name) => readAgentFiles(agentsDir, name))
    .filter((entry) => entry !== undefined);
  const { trusted, errors } = checkRecords(
    entries.map((entry) => ({ dir: entry.dir, text: entry.text })),
    // Every local host name is this machine: a record sealed for any of them is
    // this machine's; one that cannot be trusted is reported on `local`.
    { host: "local", provider: "local", home: options.home, anyHost: true },
  );
  const panes = (await panesPromise).map(withZombieStatus);
  const files = new Map(entries.map((entry) => [entry.dir, entry]));
  const ours = panes.filter((pane) => pane.session.startsWith(options.prefix));
  const bySession = agentPanes(ours);
  const windows = sessionWindows(ours);
  const agents = trusted
    .map((record) =>
      toLiveAgent(
        record,
        paneWithLauncherExit(
          bySession.get(sessionName(options.prefix, record.name)),
          join(agentsDir, record.name, "exit-status"),
        ),
        files.get(record.name)?.activity,
        { host: recordedLocalHost(record.host), provider: "local" },
        files.get(record.name)?.waiting,
        windows.get(sessionName(options.prefix, record.name)),
      ),
    )
    .sort((a, b) => byText(a.name, b.name));
  return { agents, errors };
}

function listPanes(env: Record<string, string>): Promise<PaneInfo[]> {
  return new Promise((resolve, reject) => {
    execFile("tmux", ["-u", "list-panes", "-a", "-F", PANE_FORMAT], { env }, (error, stdout) => {
      if (error?.code === "ENOENT") {
        reject(
          new FleetError("TMUX_MISSING", "tmux is not installed on this machine", {
            fault: "system",
            hint: "install tmux (e.g. apt-get install tmux): fleet runs every agent in tmux",
          }),
        );
      } else if (error)
        resolve([]); // No server running: no live sessions.
      else
        resolve(
          stdout
            .split("\n")
            .filter(Boolean)
            .map(parsePane)
            .filter((p) => p !== undefined),
        );
    });
  });
}

interface AgentFiles {
  dir: string;
  /** The record's first line; "" when it cannot be read (reported, not skipped). */
  text: string;
  activity: number | undefined;
  /** The waiting mark, when there is one. */
  waiting: WaitingMark | undefined;
}

function readAgentFiles(agentsDir: string, name: string): AgentFiles | undefined {
  const dir = join(agentsDir, name);
  let text: string;
  try {
    text = readFileSync(join(dir, "agent.json"), "utf8").split("\n", 1)[0] ?? "";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No record (yet): not an agent. Anything else is a record that cannot be read.
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    text = "";
  }
  let newest = 0;
  try {
    for (const marker of readdirSync(join(dir, "activity"))) {
      const mtime =
        statSync(join(dir, "activity", marker), { throwIfNoEntry: false })?.mtimeMs ?? 0;
      newest = Math.max(newest, Math.floor(mtime / 1000) * 1000);
    }
  } catch {
    // No activity markers yet.
  }
  return {
    dir: name,
    text,
    activity: newest > 0 ? newest : undefined,
    waiting: readWaitingMark(join(dir, "waiting")),
  };
}

function readWaitingMark(file: string): WaitingMark | undefined {
  try {
    const reason = waitingReason(readFileSync(file, "utf8").split("\n", 1)[0] ?? "");
    // Whole seconds, as remote hosts report it (stat %Y): one wait has one time everywhere.
    const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
    return mtime === undefined || mtime < 1000
      ? { reason }
      : { reason, since: Math.floor(mtime / 1000) * 1000 };
  } catch {
    return undefined;
  }
}

/** Reads the launcher's exit status only for a dead pane whose status tmux lost. */
function paneWithLauncherExit(pane: PaneInfo | undefined, file: string): PaneInfo | undefined {
  if (!lostExitStatus(pane)) return pane;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return pane;
  }
  return withRecordedExit(pane, parseExitStatus(text));
}

/**
 * tmux 3.3a sometimes never reaps a pane's process (several exiting at once): the
 * pane is dead, its status empty for good, the process a zombie. The kernel still
 * holds the status the zombie will be reaped with (/proc/PID/stat, field 52, in
 * waitpid's encoding), so a pane on this machine gets its status from there.
 */
function withZombieStatus(pane: PaneInfo): PaneInfo {
  if (!lostExitStatus(pane) || pane.pid === undefined) return pane;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pane.pid}/stat`, "utf8");
  } catch {
    return pane;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const code = Number(fields[49]);
  if (fields[0] !== "Z" || !Number.isInteger(code) || code < 0) return pane;
  const signal = code & 0x7f;
  return signal === 0 ? { ...pane, exitCode: (code >> 8) & 0xff } : { ...pane, signal };
}
