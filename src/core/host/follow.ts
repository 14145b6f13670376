/**
 * Following a file on an agent's host (`logs -f`, `transcript --follow`): every
 * interval, one script reads what was appended since the last read, over
 * whatever transport the host has (local, docker, ssh). It ends when the
 * agent's dir goes (the agent was destroyed) or the caller aborts. A file that
 * shrank (rotated, truncated) is read again from its start.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { shellQuote as q } from "../contracts/transport.ts";
import type { Transport } from "../contracts/transport.ts";
import { splitPayload, sections } from "./script-output.ts";

/** Most bytes taken in one read, so a burst cannot flood one round trip. */
const MAX_READ_BYTES = 1024 * 1024;

export interface FollowTarget {
  transport: Transport;
  /** The agent's dir: following stops when it is gone. */
  agentDir: string;
  /** The file, as one shell word (already quoted; may use "$HOME"). */
  file: string;
  /** Run in this dir first (relative transcript paths). */
  cwd?: string;
}

/** The file's size now, in bytes (0 when it does not exist yet): where following starts. */
export async function fileSize(target: FollowTarget): Promise<number> {
  const result = await target.transport.script(
    `${cdLine(target)}if [ -f ${target.file} ]; then wc -c < ${target.file}; else echo 0; fi`,
  );
  const size = Number(result.stdout.trim());
  return Number.isInteger(size) && size >= 0 ? size : 0;
}

/**
 * Chunks appended to the file from `offset` on, as they come. Ends when the
 * agent's dir is gone or `signal` aborts.
 */
export async function* followFile(
  target: FollowTarget,
  offset: number,
  options: { intervalMs?: number; signal?: AbortSignal } = {},
): AsyncGenerator<Buffer> {
  const interval = options.intervalMs ?? 500;
  let at = offset;
  while (!options.signal?.aborted) {
    const script = [
      `[ -d ${q(target.agentDir)} ] || { echo @@fleet:gone; exit 0; }`,
      cdLine(target).trimEnd(),
      `[ -f ${target.file} ] || { printf '@@fleet:size\\n0\\n'; exit 0; }`,
      `fleet_size=$(wc -c < ${target.file})`,
      `printf '@@fleet:size\\n%s\\n@@fleet:payload\\n' "$fleet_size"`,
      `if [ "$fleet_size" -ge ${at} ]; then tail -c +${at + 1} ${target.file} | head -c ${MAX_READ_BYTES}; fi`,
    ]
      .filter((line) => line !== "")
      .join("\n");
    const result = await target.transport.script(script);
    const { text, payload } = splitPayload(result.stdoutBytes);
    const parts = sections(text);
    if (parts.has("gone")) return;
    const size = Number(parts.get("size")?.[0] ?? "0");
    if (Number.isInteger(size) && size < at) {
      at = 0; // Truncated or replaced: start again from its beginning.
      continue;
    }
    if (payload !== undefined && payload.length > 0) {
      at += payload.length;
      yield payload;
      if (payload.length >= MAX_READ_BYTES) continue;
    }
    try {
      await sleep(interval, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      return; // Aborted while waiting.
    }
  }
}

/**
 * Splits a byte stream into whole lines (the last, unfinished one is kept for
 * the next chunk, so a multi-byte character or an escape sequence is never cut).
 */
export class LineSplitter {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    const data = Buffer.concat([this.pending, chunk]);
    const end = data.lastIndexOf(0x0a);
    if (end < 0) {
      this.pending = data;
      return [];
    }
    this.pending = data.subarray(end + 1);
    return data.subarray(0, end).toString("utf8").split("\n");
  }
}

const cdLine = (target: FollowTarget): string =>
  target.cwd === undefined ? "" : `cd ${q(target.cwd)} 2>/dev/null; `;
