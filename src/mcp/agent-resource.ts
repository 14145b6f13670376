/**
 * The resource `fleet://agents`: every agent on every known host, as
 * `fleet list --format json` prints it. A client may subscribe to it; while one
 * is subscribed, the server reads live state every few seconds (the same read
 * as list_agents: one listing per host) and sends
 * `notifications/resources/updated` when an agent appeared, went away or changed
 * state. Nothing is read while no one is subscribed.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ErrorCode,
  McpError,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { ProviderContext } from "../core/contracts/provider.ts";
import { type AgentListing, listAgents, untrustedState } from "../core/actions/list-agents.ts";
import { toFleetError } from "../core/errors.ts";
import { parseAgentFilter } from "../core/state/agent-filter.ts";
import { agentJson } from "../cli/render/agent-json.ts";
import { stateWord } from "./agent-tools.ts";

export const AGENTS_URI = "fleet://agents";

/** How often live state is read while someone is subscribed. */
export const DEFAULT_POLL_MS = 3000;

/** What a change notice is about: each agent's (and each unreadable host's) state. */
export function agentsSignature(listing: AgentListing): string {
  const agents = listing.agents.map((a) => `${a.name}@${a.host}=${stateWord(a)}`);
  const errors = listing.errors.map((e) => `${e.agent ?? ""}@${e.host}!${e.error.code}`);
  return [...agents, ...errors].sort().join("\n");
}

function listingJson(listing: AgentListing): Record<string, unknown> {
  const now = Date.now();
  return {
    format_version: "1.0",
    agents: listing.agents.map((a) => agentJson(a, now)),
    errors: listing.errors.map((e) =>
      e.agent === undefined ? e : { ...e, state: untrustedState(e) },
    ),
  };
}

export interface AgentResource {
  /** Stops polling; for when the session closes. */
  close(): void;
}

export function installAgentResource(
  server: McpServer,
  ctx: ProviderContext,
  pollMs = DEFAULT_POLL_MS,
): AgentResource {
  const read = () => listAgents(ctx, parseAgentFilter({}));
  server.registerResource(
    "agents",
    AGENTS_URI,
    {
      title: "fleet agents",
      description:
        "Every agent on every known host with its state, as `fleet list --format json`. Subscribe to hear when an agent changes state.",
      mimeType: "application/json",
    },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: "application/json",
          text: JSON.stringify(listingJson(await read()), null, 2),
        },
      ],
    }),
  );

  let subscribed = false;
  let timer: NodeJS.Timeout | undefined;
  let last: string | undefined;
  let reading = false;

  const poll = async (): Promise<void> => {
    if (reading) return;
    reading = true;
    try {
      const signature = agentsSignature(await read());
      if (last !== undefined && signature !== last && subscribed) {
        await server.server.sendResourceUpdated({ uri: AGENTS_URI });
      }
      last = signature;
    } catch (error) {
      ctx.io.notify({
        level: "warn",
        code: "mcp.poll-failed",
        message: `reading the agents for ${AGENTS_URI} failed: ${toFleetError(error).message}`,
      });
    } finally {
      reading = false;
    }
  };
  const stop = (): void => {
    subscribed = false;
    clearInterval(timer);
    timer = undefined;
    last = undefined;
  };

  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    if (request.params.uri !== AGENTS_URI) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `no resource ${request.params.uri} to subscribe to`,
      );
    }
    if (!subscribed) {
      subscribed = true;
      // The state the client subscribed at is the baseline: a change from it is news.
      await poll();
      timer = setInterval(() => void poll(), pollMs);
      timer.unref();
    }
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    if (request.params.uri === AGENTS_URI) stop();
    return {};
  });
  return { close: stop };
}
