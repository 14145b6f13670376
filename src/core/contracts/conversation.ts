/**
 * An agent's conversation as read from its CLI's own records (Claude Code's
 * session files, Codex's rollouts, OpenCode's database), in one shape for every
 * agent type. This is the `fleet transcript --format jsonl` schema
 * (docs/cli.md): change it only compatibly.
 */

/** Tokens, as the model reported them. The four counts are disjoint. */
export interface TokenUsage {
  /** Input tokens neither read from nor written to the prompt cache. */
  input: number;
  /** Output tokens (reasoning included). */
  output: number;
  /** Input tokens read from the prompt cache. */
  cacheRead: number;
  /** Input tokens written to the prompt cache. */
  cacheWrite: number;
}

/** A tool the assistant called: its name and the input it gave. */
export interface ToolCall {
  name: string;
  input: unknown;
}

/**
 * One turn of the conversation. `user`: what the user (or fleet) typed;
 * `assistant`: what the model answered; `tool`: a tool the model called, with
 * its result as `text` once known ("" before).
 */
export interface Turn {
  /** When it was recorded (ISO 8601), or null when the record says not. */
  at: string | null;
  role: "user" | "assistant" | "tool";
  text: string;
  /** Only on `tool` turns. */
  tool?: ToolCall;
  /** The usage of the model response this turn came from, on that response's first turn. */
  usage?: TokenUsage;
}

/** What an agent type's records parse to. */
export interface Conversation {
  /** Oldest first. */
  turns: Turn[];
  /** Sum over every model response in the records, each counted once. */
  usage: TokenUsage;
  /** Model responses counted in `usage`. */
  responses: number;
  /** Lines or rows that could not be read and were skipped. */
  skipped: number;
}
