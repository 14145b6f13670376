/**
 * Reading the event logs of several agents of one host in one round trip, each
 * from a byte offset: what `fleet events` shows and follows. The host frames each
 * agent's bytes with their length, so nothing in a log (a line that looks like a
 * marker, say) can pass for another agent's events or for the script's own words.
 */
import { shellQuote as q } from "../contracts/transport.ts";
import type { Transport } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { agentPaths, assertAgentName } from "./agent-record.ts";

/** Most bytes read of one agent's log in one round trip. */
export const MAX_EVENT_BYTES = 1024 * 1024;

export interface ChunkRequest {
  name: string;
  /** Byte offset to read from; "tail" for the last MAX_EVENT_BYTES. */
  from: number | "tail";
}

export interface EventChunk {
  /** False when the agent's dir is gone (destroyed). */
  exists: boolean;
  /** The offset the bytes start at (0 again when the log shrank). */
  offset: number;
  bytes: Buffer;
}

export async function readEventChunks(
  transport: Transport,
  requests: readonly ChunkRequest[],
): Promise<Map<string, EventChunk>> {
  const lines = ["LC_ALL=C; export LC_ALL"];
  for (const { name, from } of requests) {
    assertAgentName(name);
    const paths = agentPaths(transport.fleetDir, name);
    const start = from === "tail" ? -1 : from;
    lines.push(
      `if [ -d ${q(paths.dir)} ]; then`,
      `  fleet_s=0; [ -f ${q(paths.events)} ] && fleet_s=$(wc -c < ${q(paths.events)})`,
      `  fleet_o=${start}`,
      `  if [ "$fleet_o" -lt 0 ]; then fleet_o=$((fleet_s - ${MAX_EVENT_BYTES})); [ "$fleet_o" -lt 0 ] && fleet_o=0; fi`,
      '  [ "$fleet_s" -lt "$fleet_o" ] && fleet_o=0',
      `  fleet_n=$((fleet_s - fleet_o)); [ "$fleet_n" -gt ${MAX_EVENT_BYTES} ] && fleet_n=${MAX_EVENT_BYTES}`,
      `  printf '@@fleet:chunk %s %s %s\\n' ${q(name)} "$fleet_o" "$fleet_n"`,
      `  if [ "$fleet_n" -gt 0 ]; then tail -c +$((fleet_o + 1)) ${q(paths.events)} | head -c "$fleet_n"; fi`,
      "  printf '\\n@@fleet:end\\n'",
      `else printf '@@fleet:gone %s\\n' ${q(name)}; fi`,
    );
  }
  lines.push("exit 0");
  const result = await transport.script(lines.join("\n"));
  if (result.code !== 0) {
    throw new FleetError("HOST_COMMAND_FAILED", `reading events failed: ${result.stderr.trim()}`, {
      fault: "system",
    });
  }
  return parseChunks(result.stdoutBytes, new Set(requests.map((r) => r.name)));
}

/**
 * Cuts the script's reply into chunks. A frame that does not end where its length
 * says (the log shrank while it was read) ends the parse: what came before it is
 * kept, and the next read starts those agents again.
 */
export function parseChunks(reply: Buffer, asked: ReadonlySet<string>): Map<string, EventChunk> {
  const chunks = new Map<string, EventChunk>();
  const end = Buffer.from("\n@@fleet:end\n");
  let at = 0;
  while (at < reply.length) {
    const newline = reply.indexOf(0x0a, at);
    if (newline < 0) break;
    const header = reply.subarray(at, newline).toString("utf8");
    at = newline + 1;
    const gone = /^@@fleet:gone (\S+)$/.exec(header);
    if (gone?.[1] !== undefined && asked.has(gone[1])) {
      chunks.set(gone[1], { exists: false, offset: 0, bytes: Buffer.alloc(0) });
      continue;
    }
    const frame = /^@@fleet:chunk (\S+) (\d{1,15}) (\d{1,15})$/.exec(header);
    if (frame?.[1] === undefined || !asked.has(frame[1])) break;
    const length = Number(frame[3]);
    if (length > MAX_EVENT_BYTES) break;
    const bytes = reply.subarray(at, at + length);
    if (!reply.subarray(at + length, at + length + end.length).equals(end)) break;
    chunks.set(frame[1], { exists: true, offset: Number(frame[2]), bytes: Buffer.from(bytes) });
    at += length + end.length;
  }
  return chunks;
}
