/**
 * The shapes the management server's tools return as `structuredContent`, as
 * zod schemas: the SDK publishes them as each tool's `outputSchema`, and the
 * server checks every result against them before it is sent. They are the
 * shapes of fleet's own `--format json` outputs (docs/cli.md).
 */
import { z } from "zod";

const serviceSchema = z.object({
  name: z.string(),
  port: z.number().nullable(),
  state: z.string(),
  exitCode: z.number().optional(),
});

/** One agent, as in `fleet list --format json` (src/cli/render/agent-json.ts). */
export const agentSchema = z.object({
  name: z.string(),
  host: z.string(),
  provider: z.string(),
  fleet: z.string().nullable().describe("the fleet file that owns it; null: made by create"),
  type: z.string(),
  state: z.enum(["RUNNING", "WAITING", "STOPPED", "DONE", "MISSING"]),
  exitCode: z.number().nullable(),
  waitingFor: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  stoppedAt: z.string().nullable(),
  idleSeconds: z.number().nullable(),
  idleTimeoutSeconds: z.number().nullable(),
  attached: z.boolean(),
  labels: z.record(z.string(), z.string()),
  workdir: z.string().nullable(),
  ports: z.record(z.string(), z.number()),
  services: z.array(serviceSchema),
  secrets: z.array(z.string()).describe("names only; values are never shown"),
});

export const errorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  fault: z.enum(["user", "system"]),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** A host that could not be read, or an agent whose record cannot be trusted. */
export const hostErrorSchema = z.object({
  host: z.string(),
  provider: z.string(),
  agent: z.string().optional(),
  state: z.enum(["TAMPERED", "UNREADABLE"]).optional(),
  error: errorSchema,
});

export const agentListSchema = z.object({
  format_version: z.literal("1.0"),
  agents: z.array(agentSchema),
  errors: z.array(hostErrorSchema),
  warnings: z.array(z.string()).describe("filters that name no known host or fleet"),
});

export const startStopSchema = z.object({
  matched: z.number().describe("agents the names or selectors picked"),
  changed: z.array(z.string()).describe("the agents this call stopped or started"),
});

/** Where an agent's work went before it was deleted (src/core/host/saved-work.ts). */
const savedWorkSchema = z.object({
  kind: z.enum(["branch", "bundle", "archive"]),
  location: z.string(),
  description: z.string(),
});

export const destroySchema = z.object({
  destroyed: z.array(
    z.object({ agent: z.string(), host: z.string(), saved: z.array(savedWorkSchema) }),
  ),
  removedHosts: z.array(
    z.object({ host: z.string(), provider: z.string(), snapshot: z.string().optional() }),
  ),
  fileOwned: z
    .array(z.string())
    .describe("agents a fleet file owns: its next apply creates them again"),
});

export const sentSchema = z.object({
  agent: z.string(),
  host: z.string(),
  chars: z.number().optional(),
  keys: z.array(z.string()).optional(),
  started: z.boolean().describe("it was stopped, and was started to take the message"),
});

const turnSchema = z.object({
  at: z.string().nullable(),
  role: z.enum(["user", "assistant", "tool"]),
  text: z.string(),
  tool: z.object({ name: z.string(), input: z.unknown() }).optional(),
  usage: z
    .object({
      input: z.number(),
      output: z.number(),
      cacheRead: z.number(),
      cacheWrite: z.number(),
    })
    .optional(),
});

export const transcriptSchema = z.object({
  agent: z.string(),
  host: z.string(),
  source: z.enum(["records", "terminal"]),
  turns: z.array(turnSchema).optional().describe("source records: the conversation"),
  transcript: z.string().optional().describe("source terminal: what it printed"),
  service: z.string().optional(),
  recordsUnreadable: z.string().optional(),
});

export const waitSchema = z.object({ reached: z.string(), agent: agentSchema });

export const execSchema = z.object({
  exitCode: z.number(),
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.boolean().describe("output past the limit was dropped"),
  timedOut: z.boolean(),
});

export const planSchema = z.object({
  planId: z.string().describe("give it to `apply`; good once, until expiresAt"),
  expiresAt: z.string(),
  hasChanges: z.boolean(),
  plan: z
    .record(z.string(), z.unknown())
    .describe("fleet's JSON plan document (docs/plan-format.md)"),
});

const outcomeSchema = z.object({
  address: z.string(),
  action: z.string(),
  status: z.enum(["done", "failed", "skipped", "cancelled"]),
  durationMs: z.number(),
  error: errorSchema.optional(),
  saved: z.array(savedWorkSchema),
  skippedBecause: z.string().optional(),
});

export const applySchema = z.object({
  format_version: z.literal("1.0"),
  fleet: z.string(),
  changed: z.boolean(),
  ok: z.boolean(),
  outcomes: z.array(outcomeSchema),
  hostErrors: z.array(
    hostErrorSchema
      .omit({ state: true })
      .extend({ unplanned: z.array(z.string()).describe("what was not planned there") }),
  ),
});
