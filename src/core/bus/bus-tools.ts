/**
 * The bus's MCP tools, served to each connection as the caller its token names:
 * send_message, get_messages, mark_read, discover_agents and set_status. The
 * management server (`fleet mcp`) serves the same tools acting as the operator.
 * Errors are tool errors with fleet's code and hint, never a dropped connection.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { toolError } from "../tool-error.ts";
import { BROADCAST, type BusService, type Caller } from "./bus-service.ts";
import {
  OPERATOR,
  PRIORITIES,
  busAgentSchema,
  busMessageSchema,
  type BusMessage,
} from "./message.ts";
import { retentionFrom } from "./retention.ts";

const messageShape = busMessageSchema();
const agentShape = busAgentSchema();

const publicMessage = ({ seq: _seq, ...message }: BusMessage) => message;

/** A tool's answer: the structured value, and the same as JSON text for clients that read text. */
function answer(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value) }], structuredContent: value };
}

/** A tool error as fleet's management server makes them (code and hint in the text, the error in _meta). */
const failure = toolError;

async function guarded(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    return failure(error);
  }
}

export function registerBusTools(server: McpServer, bus: BusService, caller: Caller): void {
  const operator = caller.kind === "operator";
  server.registerTool(
    "send_message",
    {
      description: operator
        ? `Send a message on the agents' bus, as the operator: to an agent (NAME or NAME@HOST) or to "${BROADCAST}" agents (of one fleet with \`fleet\`). Stored durably before this returns; a stopped agent is woken.`
        : `Send a message to another agent of your fleet (NAME or NAME@HOST), to "${BROADCAST}" agents of your fleet, or to "${OPERATOR}" (the person running the fleet). Stored durably before this returns; a stopped agent is woken. Give your own \`id\` to make a retry safe.`,
      inputSchema: {
        to: z.string().min(1).describe(`NAME, NAME@HOST, "${BROADCAST}" or "${OPERATOR}"`),
        body: z.string().min(1).describe("the message text"),
        priority: z.enum(PRIORITIES).optional().describe("high, normal (default) or low"),
        id: z
          .string()
          .optional()
          .describe("your own id for it: sending the same id again is a no-op"),
        ...(operator
          ? {
              fleet: z
                .string()
                .optional()
                .describe(`with to="${BROADCAST}": only this fleet's agents`),
            }
          : {}),
      },
      outputSchema: { messages: z.array(messageShape) },
    },
    (args) =>
      guarded(async () => {
        const input = args as {
          to: string;
          body: string;
          priority?: "high" | "normal" | "low";
          id?: string;
          fleet?: string;
        };
        const stored = await bus.send(caller, input);
        return answer({ messages: stored.map(publicMessage) });
      }),
  );
  server.registerTool(
    "get_messages",
    {
      description:
        "Your messages, unread first, then by priority (high first), then oldest first. Reading them does not mark them read: call mark_read with their ids once handled.",
      inputSchema: {
        unreadOnly: z.boolean().optional().describe("only unread ones (default false)"),
        limit: z
          .number()
          .int()
          .min(1)
          .max(500)
          .optional()
          .describe("at most this many (default 50)"),
      },
      outputSchema: { messages: z.array(messageShape), unread: z.number() },
    },
    ({ unreadOnly, limit }) =>
      guarded(async () => {
        const { messages, unread } = await bus.getMessages(caller, {
          unreadOnly: unreadOnly ?? false,
          limit: limit ?? 50,
        });
        return answer({ messages: messages.map(publicMessage), unread });
      }),
  );
  server.registerTool(
    "mark_read",
    {
      description:
        "Mark your messages read, by id. Ids that are not yours are reported as unknown.",
      inputSchema: { ids: z.array(z.string()).min(1).max(500) },
      outputSchema: { marked: z.array(z.string()), unknown: z.array(z.string()) },
    },
    ({ ids }) => guarded(async () => answer(await bus.markRead(caller, ids))),
  );
  server.registerTool(
    "discover_agents",
    {
      description: operator
        ? "Every agent on the bus: name, host, address, fleet, labels, state and what it says it is working on."
        : "The agents of your fleet: name, host, address, labels, state and what each says it is working on.",
      inputSchema: {},
      outputSchema: { agents: z.array(agentShape) },
    },
    () => guarded(async () => answer({ agents: await bus.discover(caller) })),
  );
  if (operator) {
    server.registerTool(
      "prune_messages",
      {
        description:
          "Drop messages read longer ago than olderThan, then, while a fleet's mailbox is over maxSize, its oldest (read ones first).",
        inputSchema: {
          olderThan: z
            .string()
            .optional()
            .describe("a duration, e.g. 7d (default FLEET_BUS_RETENTION or 7d)"),
          maxSize: z
            .string()
            .optional()
            .describe("a size, e.g. 64MiB (default FLEET_BUS_MAX_SIZE or 64MiB)"),
        },
        outputSchema: {
          dropped: z.number(),
          droppedUnread: z.number(),
          files: z.array(z.string()),
        },
      },
      ({ olderThan, maxSize }) =>
        guarded(async () => {
          const retention = retentionFrom(process.env, { olderThan, maxSize });
          const result = await bus.store.prune({
            readBefore: new Date(Date.now() - retention.retentionMs).toISOString(),
            maxBytes: retention.maxBytes,
          });
          return answer({ ...result });
        }),
    );
  } else {
    server.registerTool(
      "set_status",
      {
        description:
          "Say what you are working on (one line); discover_agents shows it to the others.",
        inputSchema: { workingOn: z.string().max(200) },
        outputSchema: { workingOn: z.string() },
      },
      ({ workingOn }) =>
        guarded(() => {
          bus.setWorkingOn(caller, workingOn);
          return Promise.resolve(answer({ workingOn }));
        }),
    );
  }
}
