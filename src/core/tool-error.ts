/**
 * A FleetError as an MCP tool error, the one shape both of fleet's MCP servers
 * (`fleet mcp` and the agents' bus) answer with: code, message and hint in the
 * text, the whole error in `_meta["dev.fleet/error"]`. Not structuredContent: a
 * client checks that against the tool's output schema.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { toFleetError } from "./errors.ts";
import { safeLines } from "./text/safe-text.ts";

export const TOOL_ERROR_META = "dev.fleet/error";

export function toolError(error: unknown): CallToolResult {
  const fleetError = toFleetError(error);
  const lines = [`error [${fleetError.code}]: ${safeLines(fleetError.message)}`];
  if (fleetError.hint) lines.push(`hint: ${safeLines(fleetError.hint)}`);
  return {
    isError: true,
    content: [{ type: "text", text: lines.join("\n") }],
    _meta: { [TOOL_ERROR_META]: fleetError.toJSON() },
  };
}
