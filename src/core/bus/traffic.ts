/**
 * The bus's traffic for the operator (`fleet messages`), read straight from the
 * mailbox files: it needs no daemon, and it never writes. Following reads what
 * was appended since the last look; a file that shrank (pruned) is read again
 * from the start, without showing a message twice.
 */
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import type { FleetEnv } from "../env.ts";
import { messageKey, type BusMessage } from "./message.ts";
import { mailboxDir } from "./paths.ts";
import { ADHOC_GROUP, mailboxFiles, MailboxStore, parseMailbox } from "./store.ts";

export interface TrafficFilter {
  /** NAME or NAME@HOST: messages from or to it. */
  agent?: string;
  /** A fleet's name (`_adhoc`: agents made with `fleet create`). */
  fleet?: string;
  unreadOnly?: boolean;
}

const FOLLOW_POLL_MS = 300;

function matches(message: BusMessage, filter: TrafficFilter): boolean {
  if (filter.unreadOnly && message.readAt !== undefined) return false;
  if (filter.agent === undefined) return true;
  const agent = filter.agent;
  const is = (address: string): boolean =>
    agent.includes("@") ? address === agent : address.split("@")[0] === agent;
  return is(message.from) || is(message.to);
}

const wantedFile = (file: string, filter: TrafficFilter): boolean =>
  filter.fleet === undefined || file === `${filter.fleet || ADHOC_GROUP}.jsonl`;

export async function readTraffic(env: FleetEnv, filter: TrafficFilter): Promise<BusMessage[]> {
  const { store } = await MailboxStore.open(mailboxDir(env), (file) => wantedFile(file, filter));
  return store.all().filter((message) => matches(message, filter));
}

/** Shows what is there, then each new message as it is stored, until the process ends. */
export async function followTraffic(
  env: FleetEnv,
  filter: TrafficFilter,
  show: (message: BusMessage) => void,
): Promise<never> {
  const shown = new Set<string>();
  const offsets = new Map<string, number>();
  const dir = mailboxDir(env);
  for (;;) {
    const files = (await mailboxFiles(dir)).filter((file) => wantedFile(file, filter));
    for (const file of files) {
      const path = join(dir, file);
      const size = await stat(path).then(
        (s) => s.size,
        () => 0,
      );
      let from = offsets.get(file) ?? 0;
      if (size < from) from = 0;
      if (size === from) continue;
      const handle = await open(path, "r");
      const bytes = Buffer.alloc(size - from);
      await handle.read(bytes, 0, bytes.length, from);
      await handle.close();
      // Only whole lines: a line being written is read next time.
      const end = bytes.lastIndexOf(0x0a) + 1;
      offsets.set(file, from + end);
      const { records } = parseMailbox(bytes.subarray(0, end).toString("utf8"));
      for (const record of records) {
        if (record.t !== "msg") continue;
        const key = messageKey(record.id, record.to);
        if (shown.has(key)) continue;
        const { t: _t, ...fields } = record;
        const message: BusMessage = { ...fields, seq: 0 };
        if (!matches(message, filter)) continue;
        shown.add(key);
        show(message);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
}
