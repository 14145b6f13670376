/**
 * The agents' bus, for the client running the team: the same tools the agents
 * have, acting as the operator (their address is "operator"), named bus_* so
 * they do not clash with send_message, which types into an agent's terminal.
 * Each call goes to the bus daemon (started when it is not running) as the
 * operator; one connection per server, made again if the daemon restarted.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { z } from "zod";
import { callBusTool, connectBus } from "../core/bus/client.ts";
import type { FleetEnv } from "../core/env.ts";
import { PRIORITIES, busAgentSchema, busMessageSchema } from "../core/bus/message.ts";
import { safeText } from "../core/text/safe-text.ts";
import { type AnyFleetTool, defineTool } from "./tool-kit.ts";

const message = busMessageSchema();
const agentOnBus = busAgentSchema();

export function busTools(): AnyFleetTool[] {
  let client: Promise<Client> | undefined;
  const call = async (env: FleetEnv, name: string, args: Record<string, unknown>) => {
    client ??= connectBus(env);
    try {
      return await callBusTool(await client, name, args);
    } catch (error) {
      // A daemon that went away (restarted, killed): connect again once.
      if (
        !(error instanceof Error) ||
        !/closed|not connected|ECONNRESET|EPIPE/i.test(error.message)
      )
        throw error;
      client = connectBus(env);
      return callBusTool(await client, name, args);
    }
  };
  return [
    defineTool({
      name: "bus_send_message",
      title: "Send a message on the agents' bus",
      description:
        'Send a message to an agent\'s bus mailbox as the operator: to NAME, NAME@HOST, or "all" (of one fleet with `fleet`). Stored durably before this returns; a stopped agent is woken, and an agent CLI is told "N new messages: call get_messages" at its prompt. Give your own `id` to make a retry safe.',
      input: z.strictObject({
        to: z.string().min(1),
        body: z.string().min(1),
        priority: z.enum(PRIORITIES).optional(),
        id: z.string().optional(),
        fleet: z.string().optional(),
      }),
      output: z.object({ messages: z.array(message) }),
      async run(args, { ctx }) {
        const result = z
          .object({ messages: z.array(message) })
          .parse(await call(ctx.env, "send_message", args));
        return { text: `Stored ${result.messages.length} message(s).`, structured: result };
      },
    }),
    defineTool({
      name: "bus_get_messages",
      title: "Read the operator's bus mail",
      description:
        "Messages agents sent to the operator, unread first, then by priority, then oldest first. Call bus_mark_read once handled.",
      input: z.strictObject({
        unreadOnly: z.boolean().optional(),
        limit: z.number().int().min(1).max(500).optional(),
      }),
      output: z.object({ messages: z.array(message), unread: z.number() }),
      async run(args, { ctx }) {
        const result = z
          .object({ messages: z.array(message), unread: z.number() })
          .parse(await call(ctx.env, "get_messages", args));
        const lines = result.messages.map(
          (m) => `${m.id} from ${m.from}: ${m.body.split("\n")[0] ?? ""}`,
        );
        return {
          text: safeText([`${result.unread} unread.`, ...lines].join("\n")),
          structured: result,
        };
      },
    }),
    defineTool({
      name: "bus_mark_read",
      title: "Mark the operator's bus mail read",
      description: "Mark messages to the operator read, by id.",
      input: z.strictObject({ ids: z.array(z.string()).min(1).max(500) }),
      output: z.object({ marked: z.array(z.string()), unknown: z.array(z.string()) }),
      async run(args, { ctx }) {
        const result = z
          .object({ marked: z.array(z.string()), unknown: z.array(z.string()) })
          .parse(await call(ctx.env, "mark_read", args));
        return { text: `Marked ${result.marked.length} read.`, structured: result };
      },
    }),
    defineTool({
      name: "bus_discover_agents",
      title: "Agents on the bus",
      description:
        "Every agent on the bus: address, fleet, labels, state, and what it says it is working on.",
      input: z.strictObject({}),
      output: z.object({ agents: z.array(agentOnBus) }),
      async run(_args, { ctx }) {
        const result = z
          .object({ agents: z.array(agentOnBus) })
          .parse(await call(ctx.env, "discover_agents", {}));
        const lines = result.agents.map(
          (a) => `${a.address} ${a.state}${a.workingOn ? `: ${a.workingOn}` : ""}`,
        );
        return { text: safeText(lines.join("\n") || "No agents on the bus."), structured: result };
      },
    }),
  ];
}
