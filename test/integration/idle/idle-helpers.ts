/** Shared by the idle and reconcile integration tests. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEvents, type AgentEvent } from "../../../src/core/host/events.ts";
import type { Sandbox } from "../../helpers/sandbox.ts";

/** Each agent's state, by name, from `fleet list --json`. */
export async function states(sb: Sandbox): Promise<Record<string, string>> {
  const result = await sb.fleet(["list", "--json"]);
  // Exit 1 with a document is a host that could not be read: the others are listed.
  if (result.code !== 0 && !result.stdout.startsWith("{"))
    throw new Error(`fleet list failed: ${result.stderr}`);
  const { agents } = JSON.parse(result.stdout) as { agents: { name: string; state: string }[] };
  return Object.fromEntries(agents.map((a) => [a.name, a.state]));
}

/** The agent's events as recorded on the (local) host. */
export async function events(sb: Sandbox, name: string): Promise<AgentEvent[]> {
  const text = await readFile(join(sb.home, "agents", name, "events.jsonl"), "utf8").catch(
    () => "",
  );
  return parseEvents(text);
}

export async function stopEvents(sb: Sandbox, name: string): Promise<AgentEvent[]> {
  return (await events(sb, name)).filter((event) => event.type === "stopped");
}

/** Resolves at epoch ms `time` (at once if it has passed). */
export function until(time: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));
}

/** Writes a fleet file named `fleet.yaml` in the sandbox; returns its path. */
export async function fleetFile(sb: Sandbox, text: string, name = "fleet.yaml"): Promise<string> {
  const path = join(sb.dir, name);
  await writeFile(path, text);
  return path;
}

/** A command agent that prints nothing and reads nothing. */
export const SILENT = '"sleep 600"';
/** A command agent that prints a line every second. */
export const CHATTY = '"while true; do echo tick; sleep 1; done"';
/** A silent command agent that reports activity through its activity file. */
export const TOUCHER =
  '"while true; do touch \\"$FLEET_AGENT_DIR/activity/agent\\"; sleep 1; done"';
