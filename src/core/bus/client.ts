/**
 * fleet's own way onto the bus: connect to the daemon (started when it is not
 * running) as the operator or with an agent's token, as an MCP client over the
 * socket.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { FleetEnv } from "../env.ts";
import { FleetError } from "../errors.ts";
import { TOOL_ERROR_META } from "../tool-error.ts";
import { ensureBusDaemon, tryConnect } from "./daemon-start.ts";
import { operatorToken } from "./members.ts";
import { socketPath } from "./paths.ts";
import { SocketTransport } from "./socket-transport.ts";

export { busRunning, ensureBusDaemon } from "./daemon-start.ts";

/** An MCP client on the bus: as the operator, or as the agent whose token is given. */
export async function connectBus(
  env: FleetEnv,
  options: { token?: string; start?: boolean; processEnv?: NodeJS.ProcessEnv } = {},
): Promise<Client> {
  if (options.start !== false) {
    await ensureBusDaemon(env, options.processEnv ? { processEnv: options.processEnv } : {});
  }
  const token = options.token ?? (await operatorToken(env));
  const socket = await tryConnect(socketPath(env));
  if (!socket) {
    throw new FleetError("BUS_UNAVAILABLE", "the bus daemon is not running", {
      hint: "`fleet bus serve` runs it; anything that needs it starts it",
    });
  }
  socket.write(token + "\n");
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const client = new Client({ name: "fleet", version: "1" });
  await client.connect(new SocketTransport(socket));
  return client;
}

/** Calls a bus tool; its structured answer, or its tool error as a FleetError. */
export async function callBusTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError === true) {
    const content = result.content as { type: string; text?: string }[];
    const text = content.find((item) => item.type === "text")?.text ?? "";
    const error = (result._meta?.[TOOL_ERROR_META] ?? {}) as {
      code?: string;
      message?: string;
      hint?: string;
    };
    throw new FleetError(error.code ?? "BUS_ERROR", error.message ?? text, {
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    });
  }
  return (result.structuredContent ?? {}) as Record<string, unknown>;
}
