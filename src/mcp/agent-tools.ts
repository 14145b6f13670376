/**
 * The tools that make, list and remove agents: list_agents, create_agent,
 * start_agent, stop_agent, destroy_agent. Each calls the action its CLI command
 * calls (src/core/actions/) and returns that command's JSON shape.
 */
import { z } from "zod";
import { createAdHocAgent } from "../core/actions/create-agent.ts";
import { destroyNamedAgents } from "../core/actions/destroy-agent.ts";
import { listAgents, untrustedState } from "../core/actions/list-agents.ts";
import { type StartStopResult, startAgents, stopAgents } from "../core/actions/start-stop.ts";
import type { LiveAgent } from "../core/model.ts";
import { ENV_NAME_PATTERN } from "../core/names.ts";
import { AGENT_STATES, parseAgentFilter } from "../core/state/agent-filter.ts";
import { safeText } from "../core/text/safe-text.ts";
import { savedWorkLines } from "../cli/render/apply-summary.ts";
import { agentJson } from "../cli/render/agent-json.ts";
import { agentListSchema, agentSchema, destroySchema, startStopSchema } from "./schemas.ts";
import { type AnyFleetTool, defineTool } from "./tool-kit.ts";

const ref = z.string().min(1).describe("NAME, or NAME@HOST where names clash across hosts");
const selector = z
  .array(z.string())
  .optional()
  .describe("label selectors: key=value, key!=value, key (all must match)");
const targets = z.strictObject({
  agents: z.array(ref).optional().describe("the agents, by name"),
  selector: selector.describe("or: the agents whose labels match (not both)"),
});

/** `RUNNING`, `DONE(1)`, `WAITING(input)`: a state as `fleet list` shows it. */
export function stateWord(agent: LiveAgent): string {
  if (agent.state === "DONE" && agent.exitCode !== undefined) return `DONE(${agent.exitCode})`;
  if (agent.state === "WAITING" && agent.waitingFor !== undefined)
    return `WAITING(${agent.waitingFor})`;
  return agent.state;
}

const agentLine = (agent: LiveAgent): string =>
  safeText(`${agent.name}@${agent.host} ${stateWord(agent)} ${agent.spec.agent}`) +
  (agent.fleet === null ? "" : safeText(` (fleet ${agent.fleet})`));

const listAgentsTool = defineTool({
  name: "list_agents",
  title: "List agents",
  description:
    "Every agent on every host fleet knows, with its state (RUNNING, WAITING, STOPPED, DONE, MISSING). Hosts that could not be read are listed in errors.",
  input: z.strictObject({
    host: z.string().optional().describe("only agents on this host"),
    state: z.enum(AGENT_STATES).optional().describe("only agents in this state"),
    fleet: z
      .string()
      .optional()
      .describe("only agents of this fleet (`-` for those made by create_agent)"),
    selector,
  }),
  output: agentListSchema,
  annotations: { readOnlyHint: true },
  async run(args, { ctx }) {
    const { selector: labels, ...rest } = args;
    const listing = await listAgents(ctx, parseAgentFilter({ ...rest, labels: labels ?? [] }));
    const now = Date.now();
    const errors = listing.errors.map((e) =>
      e.agent === undefined ? e : { ...e, state: untrustedState(e) },
    );
    const lines = listing.agents.map(agentLine);
    if (lines.length === 0) lines.push("No agents.");
    for (const e of listing.errors) lines.push(safeText(`${e.host}: ${e.error.message}`));
    for (const warning of listing.warnings) lines.push(safeText(`warning: ${warning}`));
    return {
      text: lines.join("\n"),
      structured: {
        format_version: "1.0" as const,
        agents: listing.agents.map((a) => agentJson(a, now)),
        errors,
        warnings: listing.warnings,
      },
    };
  },
});

const createAgentTool = defineTool({
  name: "create_agent",
  title: "Create an agent",
  description:
    "Start one agent owned by no fleet file (like `fleet create NAME --no-connect`). Type command runs `command` (default: the server's shell); claude, codex and opencode run those CLIs with `args`. Secrets are read from the server's environment.",
  input: z.strictObject({
    name: z.string().min(1).describe("the agent's name"),
    agent: z.string().optional().describe("agent type: command, claude, codex, opencode"),
    template: z.string().optional().describe("a built-in template or one of the fleet file's"),
    host: z.string().optional().describe("a host fleet knows (default: local)"),
    command: z.string().optional().describe("the command line, for type command"),
    args: z.array(z.string()).optional().describe("passed to the agent's CLI"),
    workdir: z
      .string()
      .optional()
      .describe("work dir source: a git repo (worktree on fleet/NAME) or a directory"),
    env: z
      .record(z.string().regex(ENV_NAME_PATTERN), z.string())
      .optional()
      .describe("environment variables"),
    secrets: z
      .array(z.string().regex(ENV_NAME_PATTERN))
      .optional()
      .describe("names of the server's environment variables passed on, never shown"),
    message: z.string().optional().describe("first message, sent once the agent is ready"),
    file: z
      .string()
      .optional()
      .describe("fleet file whose templates and hosts may be used (default: the one here)"),
    snapshot: z.string().optional().describe("start a new docker host from this snapshot image"),
  }),
  output: z.object({ agent: agentSchema }),
  async run(args, { ctx }) {
    const { agent } = await createAdHocAgent(args, ctx, { cwd: process.cwd(), env: process.env });
    return {
      text: safeText(`Created agent ${agent.name} on ${agent.host} (${stateWord(agent)}).`),
      structured: { agent: agentJson(agent) },
    };
  },
});

function startStopText(result: StartStopResult, verb: string, already: string): string {
  if (result.matched === 0) return "No agents matched.";
  if (result.changed.length === 0) return `Nothing to do: ${already}.`;
  return safeText(`${verb} ${result.changed.join(", ")}.`);
}

const stopAgentTool = defineTool({
  name: "stop_agent",
  title: "Stop agents",
  description:
    "Stop agents (by name, or by label selector); their work dirs are kept and start_agent (or a message) brings them back.",
  input: targets,
  output: startStopSchema,
  annotations: { destructiveHint: false, idempotentHint: true },
  async run(args, { ctx }) {
    const result = await stopAgents(
      args.agents ?? [],
      args.selector ?? [],
      ctx,
      "stopped by an MCP client (fleet mcp)",
    );
    return { text: startStopText(result, "Stopped", "already stopped"), structured: result };
  },
});

const startAgentTool = defineTool({
  name: "start_agent",
  title: "Start agents",
  description:
    "Start stopped (or finished, or missing) agents again, by name or label selector; a stopped docker host is started first.",
  input: targets,
  output: startStopSchema,
  annotations: { idempotentHint: true },
  async run(args, { ctx }) {
    const result = await startAgents(args.agents ?? [], args.selector ?? [], ctx);
    return { text: startStopText(result, "Started", "already running"), structured: result };
  },
});

const destroyAgentTool = defineTool({
  name: "destroy_agent",
  title: "Destroy agents",
  description:
    "Destroy agents by name or label selector. Unsaved work is saved first (a branch, bundle or archive under FLEET_HOME/saved). The call is the confirmation: nothing asks again.",
  input: targets,
  output: destroySchema,
  annotations: { destructiveHint: true },
  async run(args, { ctx }) {
    const outcome = await destroyNamedAgents(args.agents ?? [], args.selector ?? [], ctx, () =>
      Promise.resolve(true),
    );
    if (outcome.status !== "destroyed") {
      return {
        text: "No agents matched.",
        structured: { destroyed: [], removedHosts: [], fileOwned: [] },
      };
    }
    const { destroyed, removedHosts, fileOwned } = outcome;
    const lines: string[] = [];
    for (const result of destroyed) {
      lines.push(safeText(`Destroyed ${result.agent}@${result.host}.`));
      lines.push(...savedWorkLines(`${result.agent}@${result.host}`, result.saved));
    }
    for (const host of removedHosts) lines.push(safeText(`Removed host ${host.host}.`));
    if (fileOwned.length > 0) {
      lines.push(
        safeText(
          `${fileOwned.join(", ")}: owned by a fleet file, whose next apply makes them again.`,
        ),
      );
    }
    return { text: lines.join("\n"), structured: { destroyed, removedHosts, fileOwned } };
  },
});

export const agentTools: readonly AnyFleetTool[] = [
  listAgentsTool,
  createAgentTool,
  startAgentTool,
  stopAgentTool,
  destroyAgentTool,
];
