/**
 * The tools that copy, move, rename and look at agents: clone_agent,
 * migrate_agent, rename_agent, capture_screen. Each calls the action its CLI
 * command calls (fleet clone, migrate, rename, capture) and returns that
 * command's JSON shape.
 */
import { z } from "zod";
import { captureAgent } from "../core/actions/capture-agent.ts";
import { cloneAgent } from "../core/actions/clone-agent.ts";
import { migrateAgent } from "../core/actions/migrate-agent.ts";
import { renameAgent } from "../core/actions/rename-agent.ts";
import { safeText } from "../core/text/safe-text.ts";
import { cloneJson } from "../cli/commands/clone.ts";
import { type AnyFleetTool, defineTool } from "./tool-kit.ts";

const ref = z.string().min(1).describe("NAME, or NAME@HOST where names clash across hosts");
const name = z.string().min(1).describe("the new name");
const nullable = z.string().nullable();

const cloneAgentTool = defineTool({
  name: "clone_agent",
  title: "Clone an agent",
  description:
    "A new agent (owned by no fleet file) with the source's spec, on branch fleet/NEW at its HEAD with its uncommitted work copied as it is; with conversation, its claude or codex conversation too, which the clone resumes. The source is not changed.",
  input: z.strictObject({
    source: ref,
    name,
    host: z.string().optional().describe("a host fleet knows (default: the source's)"),
    conversation: z.boolean().optional().describe("copy the conversation too (claude, codex)"),
  }),
  output: z.object({
    cloned: z.object({
      source: z.object({ name: z.string(), host: z.string(), fleet: nullable }),
      name: z.string(),
      host: z.string(),
      state: z.string(),
      fleet: z.null(),
      workdir: nullable,
      branch: nullable,
      base: nullable,
      uncommitted: z.number(),
      conversation: z.number().nullable(),
    }),
  }),
  async run(args, { ctx }) {
    const result = await cloneAgent(args, ctx, process.env);
    const cloned = cloneJson(result);
    return {
      text: safeText(
        `Cloned ${cloned.source.name}@${cloned.source.host} to ${cloned.name}@${cloned.host} (${cloned.state}).`,
      ),
      structured: { cloned },
    };
  },
});

const migrateAgentTool = defineTool({
  name: "migrate_agent",
  title: "Move an agent to another host",
  description:
    "Stop the agent, copy it to the host under its name and branch with its uncommitted work (and conversation, where its type allows), then destroy the original once the copy runs, its work saved. A fleet file's agent is refused: change its host there and apply.",
  input: z.strictObject({ agent: ref, to: z.string().min(1).describe("the host to move to") }),
  output: z.object({
    migrated: z.object({
      name: z.string(),
      from: z.string(),
      to: z.string(),
      state: z.string(),
      workdir: nullable,
      branch: nullable,
      uncommitted: z.number(),
      saved: z.array(z.unknown()),
    }),
  }),
  annotations: { destructiveHint: true },
  async run(args, { ctx }) {
    const result = await migrateAgent({ ref: args.agent, to: args.to }, ctx, process.env);
    return {
      text: safeText(`Moved ${result.name} from ${result.from} to ${result.to}.`),
      structured: {
        migrated: {
          name: result.name,
          from: result.from,
          to: result.to,
          state: result.agent.state,
          workdir: result.agent.workdir ?? null,
          branch: result.branch,
          uncommitted: result.uncommitted,
          saved: result.saved,
        },
      },
    };
  },
});

const renameAgentTool = defineTool({
  name: "rename_agent",
  title: "Rename an agent",
  description:
    "The same agent under a new name on its host: work dir, record, branch fleet/OLD (to fleet/NEW unless keep_branch), session and conversation follow. A fleet file's agent is refused: rename it there.",
  input: z.strictObject({
    agent: ref,
    name,
    keep_branch: z.boolean().optional().describe("keep the branch's name"),
  }),
  output: z.object({
    renamed: z.object({
      from: z.string(),
      to: z.string(),
      host: z.string(),
      state: z.string(),
      workdir: z.string(),
      branch: z.object({ before: z.string(), after: z.string() }).nullable(),
    }),
  }),
  async run(args, { ctx }) {
    const renamed = await renameAgent(
      { ref: args.agent, name: args.name, keepBranch: args.keep_branch === true },
      ctx,
      process.env,
    );
    return {
      text: safeText(`Renamed ${renamed.from}@${renamed.host} to ${renamed.to}.`),
      structured: { renamed },
    };
  },
});

const captureScreenTool = defineTool({
  name: "capture_screen",
  title: "Capture an agent's screen",
  description:
    "What the agent's terminal (or one of its services') shows now, one string a row, escaped.",
  input: z.strictObject({
    agent: ref,
    service: z.string().optional().describe("one of the agent's services instead"),
  }),
  output: z.object({
    agent: z.string(),
    host: z.string(),
    service: z.string().optional(),
    cols: z.number(),
    rows: z.number(),
    cursor: z.object({ x: z.number(), y: z.number() }),
    dead: z.boolean(),
    lines: z.array(z.string()),
  }),
  annotations: { readOnlyHint: true },
  async run(args, { ctx }) {
    const { target, service, screen } = await captureAgent(
      args.agent,
      ctx,
      args.service === undefined ? {} : { service: args.service },
    );
    const lines = screen.lines.map((line) => safeText(line));
    return {
      text: lines.join("\n").trimEnd(),
      structured: {
        agent: target.agent.name,
        host: target.agent.host,
        ...(service === undefined ? {} : { service }),
        ...screen,
        lines,
      },
    };
  },
});

export const lifecycleTools: AnyFleetTool[] = [
  cloneAgentTool,
  migrateAgentTool,
  renameAgentTool,
  captureScreenTool,
];
