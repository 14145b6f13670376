/**
 * The bus's mailboxes: one append-only JSONL file per fleet (agents made with
 * `fleet create` share one), replayed into memory at start. Only the bus daemon
 * writes them, so the order of the file is the order the bus took messages in;
 * anyone may read them (`fleet messages`). A line that does not parse (a write
 * torn by a crash) is skipped and counted, never fatal.
 */
import { readdir, readFile, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { writePrivateFile } from "../private-files.ts";
import { AppendLog } from "./append-log.ts";
import {
  busRecordSchemas,
  inboxOrder,
  messageKey,
  type BusMessage,
  type BusRecord,
  type MessageRecord,
} from "./message.ts";

/** The mailbox file name of agents that belong to no fleet file. */
export const ADHOC_GROUP = "_adhoc";
const MAILBOX_SUFFIX = ".jsonl";

export interface LoadedMailboxes {
  skippedLines: number;
}

type StoredMessage = BusMessage & { group: string };

export class MailboxStore {
  private readonly messages = new Map<string, StoredMessage>();
  private readonly byRecipient = new Map<string, Set<string>>();
  /** The unread ones only: what an agent polling its mail asks for, kept small by reading. */
  private readonly unreadByRecipient = new Map<string, Set<string>>();
  private readonly logs = new Map<string, AppendLog>();
  private seq = 0;

  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Reads the mailboxes (those `wanted`, when given); nothing is opened for writing yet. */
  static async open(
    dir: string,
    wanted: (file: string) => boolean = () => true,
  ): Promise<{ store: MailboxStore } & LoadedMailboxes> {
    const store = new MailboxStore(dir);
    let skippedLines = 0;
    for (const file of (await listMailboxes(dir)).filter(wanted)) {
      const group = file.slice(0, -MAILBOX_SUFFIX.length);
      const { records, skipped } = await readMailbox(join(dir, file));
      skippedLines += skipped;
      for (const record of records) store.apply(group, record);
    }
    return { store, skippedLines };
  }

  /**
   * Stores messages (each acknowledged only once fsynced). A message whose
   * (id, to) is already stored is not stored again: the one stored is returned,
   * so a sender that retries after a lost answer gets the same result.
   */
  async send(group: string, records: readonly MessageRecord[]): Promise<BusMessage[]> {
    const fresh = records.filter((record) => !this.messages.has(messageKey(record.id, record.to)));
    const unique = [...new Map(fresh.map((r) => [messageKey(r.id, r.to), r])).values()];
    await (await this.log(group)).append(unique.map((record) => JSON.stringify(record)));
    for (const record of unique) this.apply(group, record);
    return records.map((record) => this.get(record.id, record.to)).filter((m) => m !== undefined);
  }

  get(id: string, to: string): BusMessage | undefined {
    const found = this.messages.get(messageKey(id, to));
    if (!found) return undefined;
    const { group: _group, ...message } = found;
    return message;
  }

  /** A recipient's messages (of one mailbox, when given), unread first, then by priority, then in order. */
  inbox(
    to: string,
    options: { unreadOnly?: boolean; limit?: number; group?: string } = {},
  ): BusMessage[] {
    const found: BusMessage[] = [];
    const keys = (options.unreadOnly ? this.unreadByRecipient : this.byRecipient).get(to);
    for (const key of keys ?? []) {
      const message = this.messages.get(key);
      if (!message) continue;
      if (options.group !== undefined && message.group !== options.group) continue;
      const { group: _group, ...rest } = message;
      found.push(rest);
    }
    found.sort(inboxOrder);
    return options.limit === undefined ? found : found.slice(0, options.limit);
  }

  unreadCount(to: string, group?: string): number {
    let count = 0;
    for (const key of this.unreadByRecipient.get(to) ?? []) {
      const message = this.messages.get(key);
      if (message && (group === undefined || message.group === group)) count++;
    }
    return count;
  }

  /** The mailbox a stored message is in. */
  groupOf(id: string, to: string): string | undefined {
    return this.messages.get(messageKey(id, to))?.group;
  }

  /** Every stored message, in the order the bus took them. */
  all(): BusMessage[] {
    return [...this.messages.values()]
      .map(({ group: _group, ...rest }) => rest)
      .sort((a, b) => a.seq - b.seq);
  }

  /** Records that these were handed to their recipient (first time only). */
  async markDelivered(to: string, ids: readonly string[]): Promise<void> {
    await this.mark("delivered", to, ids);
  }

  /** Marks messages read; returns the ids that were the recipient's (others are ignored). */
  async markRead(to: string, ids: readonly string[]): Promise<string[]> {
    return this.mark("read", to, ids);
  }

  private async mark(kind: "delivered" | "read", to: string, ids: readonly string[]) {
    const time = new Date().toISOString();
    const byGroup = new Map<string, BusRecord[]>();
    const known: string[] = [];
    for (const id of new Set(ids)) {
      const message = this.messages.get(messageKey(id, to));
      if (!message) continue;
      known.push(id);
      const already = kind === "read" ? message.readAt : message.deliveredAt;
      if (already !== undefined) continue;
      const list = byGroup.get(message.group) ?? [];
      list.push({ t: kind, id, to, time });
      byGroup.set(message.group, list);
    }
    for (const [group, records] of byGroup) {
      await (await this.log(group)).append(records.map((record) => JSON.stringify(record)));
      for (const record of records) this.apply(group, record);
    }
    return known;
  }

  /**
   * Drops messages read before `readBefore`, then, while a mailbox file is over
   * `maxBytes`, its oldest messages (read ones first); rewrites each changed file
   * whole (write, fsync, rename). Returns how many were dropped.
   */
  async prune(options: { readBefore?: string; maxBytes?: number }): Promise<PruneResult> {
    const result: PruneResult = { dropped: 0, droppedUnread: 0, files: [] };
    const groups = new Set([...this.messages.values()].map((m) => m.group));
    for (const group of groups) {
      const kept = [...this.messages.values()]
        .filter((m) => m.group === group)
        .sort((a, b) => a.seq - b.seq);
      const before = kept.length;
      let survivors = kept.filter(
        (m) => !(options.readBefore && m.readAt !== undefined && m.readAt < options.readBefore),
      );
      if (options.maxBytes !== undefined) survivors = capToBytes(survivors, options.maxBytes);
      if (survivors.length === before) continue;
      const survivorSet = new Set(survivors);
      const dropped = kept.filter((m) => !survivorSet.has(m));
      result.dropped += dropped.length;
      result.droppedUnread += dropped.filter((m) => m.readAt === undefined).length;
      await this.rewrite(group, survivors);
      for (const message of dropped) {
        const key = messageKey(message.id, message.to);
        this.messages.delete(key);
        this.byRecipient.get(message.to)?.delete(key);
        this.unreadByRecipient.get(message.to)?.delete(key);
      }
      result.files.push(group);
    }
    return result;
  }

  private async rewrite(group: string, messages: readonly StoredMessage[]): Promise<void> {
    const path = join(this.dir, group + MAILBOX_SUFFIX);
    const temp = `${path}.compact`;
    await writePrivateFile(temp, messages.flatMap(recordLines).join(""));
    const log = await AppendLog.open(temp);
    await log.append([]);
    await log.close();
    await rename(temp, path);
    await this.logs.get(group)?.reopen();
  }

  async close(): Promise<void> {
    for (const log of this.logs.values()) await log.close();
    this.logs.clear();
  }

  private async log(group: string): Promise<AppendLog> {
    let log = this.logs.get(group);
    if (!log) {
      log = await AppendLog.open(join(this.dir, group + MAILBOX_SUFFIX));
      this.logs.set(group, log);
    }
    return log;
  }

  private apply(group: string, record: BusRecord): void {
    const key = messageKey(record.id, record.to);
    if (record.t === "msg") {
      if (this.messages.has(key)) return;
      const { t: _t, ...rest } = record;
      this.messages.set(key, { ...rest, seq: this.seq++, group });
      addTo(this.byRecipient, record.to, key);
      addTo(this.unreadByRecipient, record.to, key);
      return;
    }
    const message = this.messages.get(key);
    if (!message) return;
    if (record.t === "delivered") message.deliveredAt ??= record.time;
    else {
      message.readAt ??= record.time;
      message.deliveredAt ??= record.time;
      this.unreadByRecipient.get(record.to)?.delete(key);
    }
  }
}

function addTo(index: Map<string, Set<string>>, to: string, key: string): void {
  const keys = index.get(to) ?? new Set<string>();
  keys.add(key);
  index.set(to, keys);
}

export interface PruneResult {
  dropped: number;
  /** Of those, how many had not been read (only a size cap drops these). */
  droppedUnread: number;
  /** The mailboxes rewritten. */
  files: string[];
}

function recordLines(message: BusMessage & { group?: string }): string[] {
  const { seq: _seq, group: _group, deliveredAt, readAt, ...fields } = message;
  const lines = [JSON.stringify({ t: "msg", ...fields })];
  const base = { id: message.id, to: message.to };
  if (deliveredAt) lines.push(JSON.stringify({ t: "delivered", ...base, time: deliveredAt }));
  if (readAt) lines.push(JSON.stringify({ t: "read", ...base, time: readAt }));
  return lines.map((line) => line + "\n");
}

/** Keeps the newest messages that fit in maxBytes, dropping read ones before unread ones. */
function capToBytes(messages: StoredMessage[], maxBytes: number): StoredMessage[] {
  const size = (m: BusMessage) => recordLines(m).reduce((n, l) => n + Buffer.byteLength(l), 0);
  let total = messages.reduce((n, m) => n + size(m), 0);
  const dropped = new Set<StoredMessage>();
  for (const pass of ["read", "any"] as const) {
    for (const message of messages) {
      if (total <= maxBytes) break;
      if (dropped.has(message) || (pass === "read" && message.readAt === undefined)) continue;
      dropped.add(message);
      total -= size(message);
    }
  }
  return messages.filter((m) => !dropped.has(m));
}

async function listMailboxes(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith(MAILBOX_SUFFIX)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** Reads one mailbox file; also used by `fleet messages`, which reads without the daemon. */
export async function readMailbox(
  path: string,
): Promise<{ records: BusRecord[]; skipped: number }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { records: [], skipped: 0 };
    throw error;
  }
  return parseMailbox(text);
}

export function parseMailbox(text: string): { records: BusRecord[]; skipped: number } {
  const records: BusRecord[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    const record = busRecordSchemas().record.safeParse(parsed);
    if (record.success) records.push(record.data);
    else skipped++;
  }
  return { records, skipped };
}

export async function mailboxSize(dir: string, group: string): Promise<number> {
  try {
    return (await stat(join(dir, group + MAILBOX_SUFFIX))).size;
  } catch {
    return 0;
  }
}

export const mailboxFiles = listMailboxes;
