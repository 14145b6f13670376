/**
 * How fleet's tools meet the SDK. Each tool is a zod input schema, a zod output
 * schema and a function over fleet's actions. The SDK lists them (JSON Schema made
 * from the zod ones); calls come through one handler of ours, so that every
 * failure, a bad argument included, is a tool error carrying fleet's error code
 * and hint (the SDK's own handler would answer a schema violation with its own
 * words and no code), and every result is checked against its output schema.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  type ServerNotification,
  type ServerRequest,
  type ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import type { ProviderContext } from "../core/contracts/provider.ts";
import type { FleetEnv } from "../core/env.ts";
import { FleetError, usageError } from "../core/errors.ts";
import { safeLines } from "../core/text/safe-text.ts";
import { callIoHost, type McpIoHost } from "./io-host.ts";
import { toolError } from "../core/tool-error.ts";

/** Re-exported: the management server's tools and tests use it from here. */
export { toolError };

export type CallExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What a tool's function gets besides its arguments. */
export interface ToolCall {
  /** fleet's context for this call: its IoHost also tells the calling client. */
  ctx: ProviderContext;
  /** Aborted when the client cancels the call. */
  signal: AbortSignal;
}

export interface ToolOutput<O> {
  /** A short text for people and models, escaped where it holds what hosts reported. */
  text: string;
  structured: O;
  /** The call did its work but that work failed (an apply with failed changes). */
  isError?: boolean;
}

export interface FleetTool<I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations?: ToolAnnotations;
  run(args: z.output<I>, call: ToolCall): Promise<ToolOutput<z.output<O>>>;
}

export type AnyFleetTool = FleetTool<z.ZodObject, z.ZodObject>;

/** Types one tool, then forgets its types so tools can share a list. */
export const defineTool = <I extends z.ZodObject, O extends z.ZodObject>(
  tool: FleetTool<I, O>,
): AnyFleetTool => tool;

export interface ToolHost {
  env: FleetEnv;
  io: McpIoHost;
  debug: boolean;
}

/** How often a long call tells a client that asked for progress that it still works. */
const HEARTBEAT_MS = 10_000;

function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.map(String).join(".");
      return where === "" ? issue.message : `${where}: ${issue.message}`;
    })
    .join("; ");
}

async function callTool(
  tool: AnyFleetTool,
  args: unknown,
  extra: CallExtra,
  host: ToolHost,
): Promise<CallToolResult> {
  const parsed = tool.input.safeParse(args ?? {});
  if (!parsed.success) {
    return toolError(
      usageError(
        `invalid arguments for ${tool.name}: ${issuesText(parsed.error)}`,
        "see the tool's inputSchema (tools/list)",
      ),
    );
  }
  const send = (notification: ServerNotification): void => {
    extra.sendNotification(notification).catch(() => undefined);
  };
  const io = callIoHost(
    host.io,
    (level, message) =>
      send({
        method: "notifications/message",
        params: { level, logger: "fleet", data: safeLines(message.message) },
      }),
    host.debug,
  );
  const token = extra._meta?.progressToken;
  let beats = 0;
  const heartbeat =
    token === undefined
      ? undefined
      : setInterval(() => {
          beats += 1;
          send({
            method: "notifications/progress",
            params: { progressToken: token, progress: beats, message: `${tool.name}: working` },
          });
        }, HEARTBEAT_MS);
  heartbeat?.unref();
  try {
    const out = await tool.run(parsed.data, { ctx: { env: host.env, io }, signal: extra.signal });
    const checked = tool.output.safeParse(out.structured);
    if (!checked.success) {
      throw new FleetError(
        "INTERNAL",
        `${tool.name} made a result its output schema refuses: ${issuesText(checked.error)}`,
        { fault: "system" },
      );
    }
    return {
      content: [{ type: "text", text: out.text }],
      structuredContent: checked.data,
      ...(out.isError === true ? { isError: true } : {}),
    };
  } catch (error) {
    return toolError(error);
  } finally {
    clearInterval(heartbeat);
  }
}

/** Registers the tools with the server and answers their calls (see the top of this file). */
export function installTools(server: McpServer, tools: readonly AnyFleetTool[], host: ToolHost) {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        ...(tool.annotations ? { annotations: tool.annotations } : {}),
      },
      (args: unknown, extra: CallExtra) => callTool(tool, args, extra, host),
    );
  }
  // Replaces the handler registerTool installed (setRequestHandler replaces by method).
  server.server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const tool = byName.get(request.params.name);
    if (!tool) {
      return toolError(
        usageError(
          `unknown tool "${request.params.name}"`,
          `fleet's tools: ${[...byName.keys()].join(", ")}`,
        ),
      );
    }
    return callTool(tool, request.params.arguments, extra, host);
  });
}
