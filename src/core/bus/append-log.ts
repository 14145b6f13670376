/**
 * An append-only JSONL file written with group commit: records appended while a
 * write is in flight go out together in the next one, and every append resolves
 * only after its bytes are fsynced. So the bus acknowledges a message only once
 * it would survive a kill -9 or a power cut, at one fsync per batch, not per
 * message.
 */
import { open, type FileHandle } from "node:fs/promises";
import { PRIVATE_FILE_MODE } from "../private-files.ts";

interface Pending {
  text: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class AppendLog {
  private pending: Pending[] = [];
  private flushing = false;

  readonly path: string;
  private handle: FileHandle;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.handle = handle;
  }

  /** Opens (creating 0600) for appending; a torn last line from a crash is ended first. */
  static async open(path: string): Promise<AppendLog> {
    const handle = await open(path, "a+", PRIVATE_FILE_MODE);
    const { size } = await handle.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await handle.appendFile("\n");
    }
    return new AppendLog(path, handle);
  }

  /** Resolves once the lines are on disk. */
  append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.push({ text: lines.map((line) => line + "\n").join(""), resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.handle.appendFile(batch.map((entry) => entry.text).join(""));
        await this.handle.datasync();
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.flushing = false;
  }

  /** Waits for what is in flight, then closes. */
  async close(): Promise<void> {
    while (this.flushing || this.pending.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await this.handle.close();
  }

  /** Swaps to a file that replaced this one (after compaction). */
  async reopen(): Promise<void> {
    await this.close();
    this.handle = await open(this.path, "a+", PRIVATE_FILE_MODE);
  }
}
