/**
 * tmux control mode's output stream (`tmux -C`), parsed: a line protocol of
 * `%`-notifications and `%begin`/`%end` (or `%error`) blocks that hold a
 * command's output. Everything is kept as bytes until it is known to be a whole
 * line, so a UTF-8 character split across reads is never broken; pane output
 * stays bytes all the way to the caller.
 *
 * The stream comes from a host, which is untrusted: a line longer than
 * {@link MAX_LINE_BYTES} or a reply larger than {@link MAX_REPLY_BYTES} ends the
 * stream instead of growing without bound.
 */

/** tmux writes pane output in chunks of a few KiB (escaped, up to four times that). */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Capture of a whole screen with its escapes fits many times over. */
export const MAX_REPLY_BYTES = 8 * 1024 * 1024;

export interface ControlReply {
  /** False for `%error`. */
  ok: boolean;
  /** The block's lines, UTF-8 decoded (a line is whole, so no character is split). */
  lines: string[];
  /**
   * Whether this client sent the command (flag 1). The command a client was
   * started with (`tmux -C attach-session`) is answered with flag 0, and may
   * come after replies to commands written early on stdin.
   */
  fromClient: boolean;
}

export interface ControlModeEvents {
  /** `%output %PANE DATA`, DATA decoded to the bytes the pane wrote. */
  output(pane: string, data: Buffer): void;
  reply(reply: ControlReply): void;
  /** Any other notification: `%session-changed $1 name` is ("session-changed", "$1 name"). */
  notification(name: string, args: string): void;
  /** `%exit [reason]`, or the stream broke a limit (reason says which). */
  exit(reason: string | undefined): void;
}

const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const PERCENT = 0x25;

interface OpenBlock {
  guard: string;
  lines: Buffer[];
  bytes: number;
}

export class ControlModeParser {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private block: OpenBlock | undefined;
  private exited = false;
  private readonly events: ControlModeEvents;

  constructor(events: ControlModeEvents) {
    this.events = events;
  }

  /** Feeds bytes as they arrive; events fire synchronously, in stream order. */
  push(chunk: Buffer): void {
    let start = 0;
    while (!this.exited) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end === -1) break;
      const piece = chunk.subarray(start, end);
      let line = piece;
      if (this.pending.length > 0) {
        line = Buffer.concat([...this.pending, piece]);
        this.pending = [];
        this.pendingBytes = 0;
      }
      start = end + 1;
      if (line.length > MAX_LINE_BYTES) {
        this.finish("tmux sent a line longer than fleet accepts");
        return;
      }
      this.line(line);
    }
    if (this.exited || start >= chunk.length) return;
    const rest = chunk.subarray(start);
    this.pendingBytes += rest.length;
    if (this.pendingBytes > MAX_LINE_BYTES) {
      this.finish("tmux sent a line longer than fleet accepts");
      return;
    }
    // Copied: the caller's buffer may be reused once push returns.
    this.pending.push(Buffer.from(rest));
  }

  /** The stream ended: a block still open is dropped, and the exit reported once. */
  end(reason?: string): void {
    this.finish(reason);
  }

  private finish(reason: string | undefined): void {
    if (this.exited) return;
    this.exited = true;
    this.block = undefined;
    this.pending = [];
    this.events.exit(reason);
  }

  private line(line: Buffer): void {
    if (this.block) {
      this.blockLine(this.block, line);
      return;
    }
    // Outside a block every line is a notification; anything else is not tmux's.
    if (line[0] !== PERCENT) return;
    const space = line.indexOf(0x20);
    const name = line.subarray(1, space === -1 ? line.length : space).toString("latin1");
    const rest = space === -1 ? Buffer.alloc(0) : line.subarray(space + 1);
    if (name === "output") {
      const gap = rest.indexOf(0x20);
      const pane = rest.subarray(0, gap === -1 ? rest.length : gap).toString("latin1");
      this.events.output(pane, gap === -1 ? Buffer.alloc(0) : decodeOutput(rest.subarray(gap + 1)));
    } else if (name === "begin") {
      // The guard is "TIME NUMBER FLAGS"; only the same guard ends the block,
      // so a line of output that reads "%end ..." does not.
      this.block = { guard: rest.toString("latin1"), lines: [], bytes: 0 };
    } else if (name === "exit") {
      this.finish(rest.length > 0 ? rest.toString("utf8") : undefined);
    } else {
      this.events.notification(name, rest.toString("utf8"));
    }
  }

  private blockLine(block: OpenBlock, line: Buffer): void {
    if (line[0] === PERCENT) {
      const text = line.toString("latin1");
      const ok = text === `%end ${block.guard}`;
      if (ok || text === `%error ${block.guard}`) {
        this.block = undefined;
        this.events.reply({
          ok,
          lines: block.lines.map((l) => l.toString("utf8")),
          fromClient: (Number(block.guard.split(" ")[2]) & 1) === 1,
        });
        return;
      }
    }
    block.bytes += line.length + 1;
    if (block.bytes > MAX_REPLY_BYTES) {
      this.finish("tmux sent a reply larger than fleet accepts");
      return;
    }
    block.lines.push(line);
  }
}

const isOctal = (byte: number | undefined): boolean =>
  byte !== undefined && byte >= 0x30 && byte <= 0x37;

/**
 * `%output` data: tmux writes bytes below 0x20 and the backslash as `\ooo`
 * (three octal digits) and every other byte as itself, UTF-8 included.
 */
export function decodeOutput(escaped: Buffer): Buffer {
  if (!escaped.includes(BACKSLASH)) return Buffer.from(escaped);
  const out = Buffer.allocUnsafe(escaped.length);
  let size = 0;
  for (let i = 0; i < escaped.length; i++) {
    const byte = escaped[i] ?? 0;
    const [a, b, c] = [escaped[i + 1], escaped[i + 2], escaped[i + 3]];
    if (byte === BACKSLASH && isOctal(a) && isOctal(b) && isOctal(c)) {
      out[size++] = (((a ?? 0) - 0x30) * 64 + ((b ?? 0) - 0x30) * 8 + ((c ?? 0) - 0x30)) & 0xff;
      i += 3;
    } else {
      out[size++] = byte;
    }
  }
  return out.subarray(0, size);
}
