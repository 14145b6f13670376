/**
 * Local discovery, the hot path of `fleet list`: one `tmux list-panes` spawned
 * while the records and activity markers are read in-process. The generic probe
 * (src/core/host/probe.ts) runs the same reads as one shell script, which remote
 * hosts need but which here would cost a shell, a cat and a stat per listing.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseRecord, sessionName, type AgentRecord } from "../../src/core/host/agent-record.ts";
import {
  agentPanes,
  PANE_FORMAT,
  sessionWindows,
  parsePane,
  toLiveAgent,
  type PaneInfo,
} from "../../src/core/host/probe.ts";
import { FleetError } from "../../src/core/errors.ts";
import { byText } from "../../src/core/sort.ts";
import { recordedLocalHost } from "../../src/core/state/local-hosts.ts";
import type { LiveAgent } from "../../src/core/model.ts";

export interface LocalDiscoverOptions {
  prefix: string;
  env: Record<string, string>;
}

/**
 * Every agent on this machine, each under the local host name its record gives
 * (`laptop`, `local`...): all local host names are this one machine, so no
 * agent is hidden because it was declared under another name.
 */
export async function discoverLocalAgents(
  fleetDir: string,
  options: LocalDiscoverOptions,
): Promise<LiveAgent[]> {
  const agentsDir = join(fleetDir, "agents");
  let names: string[];
  try {
    names = readdirSync(agentsDir);
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  // tmux runs while the records are read: synchronous reads of a few small files
  // cost far less than a thread-pool round trip each.
  const panesPromise = listPanes(options.env);
  const entries = names.map((name) => readAgentFiles(join(agentsDir, name)));
  const panes = await panesPromise;
  const ours = panes.filter((pane) => pane.session.startsWith(options.prefix));
  const bySession = agentPanes(ours);
  const windows = sessionWindows(ours);
  return entries
    .filter((entry): entry is AgentFiles => entry !== undefined)
    .map(({ record, activity, waiting }) =>
      toLiveAgent(
        record,
        bySession.get(sessionName(options.prefix, record.name)),
        activity,
        { host: recordedLocalHost(record.host), provider: "local" },
        waiting,
        windows.get(sessionName(options.prefix, record.name)),
      ),
    )
    .sort((a, b) => byText(a.name, b.name));
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
  record: AgentRecord;
  activity: number | undefined;
  waiting: boolean;
}

function readAgentFiles(dir: string): AgentFiles | undefined {
  let record: AgentRecord | undefined;
  try {
    record = parseRecord(readFileSync(join(dir, "agent.json"), "utf8"));
  } catch {
    return undefined;
  }
  if (!record) return undefined;
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
    record,
    activity: newest > 0 ? newest : undefined,
    waiting: existsSync(join(dir, "waiting")),
  };
}
