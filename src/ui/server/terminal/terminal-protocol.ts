/**
 * The messages between the dashboard page and the terminal bridge, over one
 * WebSocket per watched agent. The page sends JSON text frames only; the
 * bridge sends JSON text frames for state and binary frames for the pane's
 * output, raw bytes as the agent wrote them.
 */
import { z } from "zod";

/** A frame from the page larger than this closes the socket (1009). */
export const MAX_PAGE_FRAME_BYTES = 64 * 1024;
/** Characters of one input message; the page splits a larger paste. */
export const MAX_INPUT_CHARS = 16 * 1024;
/** tmux itself takes up to 10000; nothing a browser window shows is near this. */
export const MAX_COLS = 1000;
export const MAX_ROWS = 500;

export const pageMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("take") }),
  z.strictObject({ type: z.literal("release") }),
  z.strictObject({ type: z.literal("input"), data: z.string().min(1).max(MAX_INPUT_CHARS) }),
  z.strictObject({
    type: z.literal("resize"),
    cols: z.int().min(2).max(MAX_COLS),
    rows: z.int().min(2).max(MAX_ROWS),
  }),
]);

export type PageMessage = z.infer<typeof pageMessageSchema>;

export interface ViewerIdentity {
  id: string;
  name: string;
}

export interface ControlState {
  /** Who may type and resize now; null when nobody holds control. */
  holder: ViewerIdentity | null;
  /** Sockets watching this agent, the holder included. */
  watchers: number;
}

export type BridgeMessage =
  /** The pane as it is, sent first to each viewer; output follows as binary frames. */
  | {
      type: "screen";
      cols: number;
      rows: number;
      /** `capture-pane -p -e`: the visible rows with their colours, one per line, "\n" between. */
      data: string;
      /** Zero-based, as tmux reports it. */
      cursor: { x: number; y: number };
    }
  /** The pane's size changed (the one in control resized it, or a terminal attached). */
  | { type: "size"; cols: number; rows: number }
  /** Sent to each viewer on a change of holder or watchers; `holding` says whether it is this viewer. */
  | ({ type: "control"; holding: boolean } & ControlState)
  | { type: "error"; code: ErrorCode; message: string }
  /** The terminal is over (the agent exited or was stopped); the socket closes next. */
  | { type: "ended"; reason: string };

export type ErrorCode =
  /** Input or resize from a viewer not in control: nothing was sent to the agent. */
  | "READ_ONLY"
  /** take from a viewer whose link does not allow control. */
  | "CONTROL_NOT_ALLOWED"
  /** take while another viewer holds control. */
  | "CONTROL_HELD"
  /** A frame that is not a valid page message. */
  | "BAD_MESSAGE"
  /** A viewer that could not be connected (FleetError codes: AGENT_NOT_FOUND, ...). */
  | (string & {});

/** Parses one text frame from the page; undefined when it is not a valid message. */
export function parsePageMessage(text: string): PageMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = pageMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
