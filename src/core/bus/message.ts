/**
 * The bus's records, one JSON object a line in a fleet's mailbox file. A message
 * is kept once per recipient: its key is (id, to), so a broadcast is one record
 * per agent, all with the same id. Delivery and reading are later records that
 * name the key; nothing is ever rewritten in place (only `prune` compacts).
 */
import { z } from "zod";
import { once } from "../once.ts";

export const PRIORITIES = ["high", "normal", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The operator's address: the person (or AI client) running the fleet. */
export const OPERATOR = "operator";

/** Longest body the bus takes, in characters: a message is a note, not a file. */
export const MAX_BODY_CHARS = 64 * 1024;

/** Ids a sender may choose (for idempotent retries): short, plain. */
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/;

/** The mailbox file's records, built on first use (zod is not loaded until then). */
export const busRecordSchemas = once(() => {
  const address = z.string().min(1).max(200);
  const message = z.object({
    t: z.literal("msg"),
    id: z.string().regex(MESSAGE_ID_PATTERN),
    from: address,
    to: address,
    priority: z.enum(PRIORITIES),
    time: z.string(),
    body: z.string().max(MAX_BODY_CHARS),
  });
  const state = z.object({
    t: z.enum(["delivered", "read"]),
    id: z.string().regex(MESSAGE_ID_PATTERN),
    to: address,
    time: z.string(),
  });
  return { message, state, record: z.discriminatedUnion("t", [message, state]) };
});

type RecordSchemas = ReturnType<typeof busRecordSchemas>;
export type MessageRecord = z.infer<RecordSchemas["message"]>;
export type StateRecord = z.infer<RecordSchemas["state"]>;
export type BusRecord = z.infer<RecordSchemas["record"]>;

/** A message as the bus reports it: its record and where it is in its life. */
export interface BusMessage extends Omit<MessageRecord, "t"> {
  /** Its place in the mailbox file: the order the bus took messages in. */
  seq: number;
  deliveredAt?: string;
  readAt?: string;
}

export const messageKey = (id: string, to: string): string => `${id}\u0000${to}`;

const PRIORITY_ORDER: Record<Priority, number> = { high: 0, normal: 1, low: 2 };

/** Unread first, then by priority (high first), then in the order the bus took them. */
export function inboxOrder(a: BusMessage, b: BusMessage): number {
  const unread = Number(a.readAt !== undefined) - Number(b.readAt !== undefined);
  if (unread !== 0) return unread;
  const priority = PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority];
  if (priority !== 0) return priority;
  return a.seq - b.seq;
}

/** A message as the bus's tools return it. */
export const busMessageSchema = once(() =>
  z.object({
    id: z.string(),
    from: z.string(),
    to: z.string(),
    priority: z.enum(PRIORITIES),
    time: z.string(),
    body: z.string(),
    deliveredAt: z.string().optional(),
    readAt: z.string().optional(),
  }),
);

/** An agent as discover_agents returns it. */
export const busAgentSchema = once(() =>
  z.object({
    name: z.string(),
    host: z.string(),
    address: z.string(),
    fleet: z.string().nullable(),
    labels: z.record(z.string(), z.string()),
    state: z.string(),
    workingOn: z.string().optional(),
  }),
);
