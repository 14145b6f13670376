/**
 * What the fake model answers, decided from the request alone so that every
 * API gives the same scripted behaviour:
 * - a title request (the CLIs ask for a conversation title as JSON) gets JSON;
 * - a turn whose newest input is a tool result gets a short closing text;
 * - a user message containing `[[tool]]` gets a shell tool call that needs approval,
 *   `[[slowtool]]` the same call made to take 3 s;
 * - one containing `[[slow]]` gets a text reply streamed slowly;
 * - anything else gets `ok: <the message's first line>`.
 */

/** The command of the scripted tool call: it writes a file, so every CLI asks first. */
export const TOOL_COMMAND = "touch fleet-tool-ran";
/** The same, taking 3 s: long enough to see what the agent shows while it runs. */
export const SLOW_TOOL_COMMAND = "sleep 3 && touch fleet-tool-ran";
export const TOOL_DONE_TEXT = "the tool ran";
export const TITLE_JSON = '{"title":"Fake conversation","isNewTopic":true}';

export type Reply =
  { kind: "text"; text: string; chunkDelayMs: number } | { kind: "tool"; command: string };

/** What every API adapter extracts from a request before the reply is chosen. */
export interface RequestFacts {
  /** Text of the newest user message (tool results excluded), or "" if none. */
  lastUserText: string;
  /** Every user message's text, oldest first (what the model was shown). */
  userTexts: string[];
  /** The newest input is a tool's result. */
  afterToolResult: boolean;
  /** The request offers tools to the model. */
  hasTools: boolean;
  /** System prompt / instructions text. */
  system: string;
}

export interface ReplyOptions {
  /** Total time a `[[slow]]` reply takes to stream. */
  slowMs: number;
}

export function isTitleRequest(facts: RequestFacts): boolean {
  if (/^Generate a concise/i.test(facts.lastUserText.trim())) return true;
  return !facts.hasTools && /\btitle\b/i.test(`${facts.system}\n${facts.lastUserText}`);
}

export function chooseReply(facts: RequestFacts, options: ReplyOptions): Reply {
  if (isTitleRequest(facts)) return { kind: "text", text: TITLE_JSON, chunkDelayMs: 0 };
  if (facts.afterToolResult) return { kind: "text", text: TOOL_DONE_TEXT, chunkDelayMs: 0 };
  if (facts.lastUserText.includes("[[slowtool]]") && facts.hasTools) {
    return { kind: "tool", command: SLOW_TOOL_COMMAND };
  }
  if (facts.lastUserText.includes("[[tool]]") && facts.hasTools) {
    return { kind: "tool", command: TOOL_COMMAND };
  }
  const firstLine = facts.lastUserText.trim().split("\n")[0] ?? "";
  const text = `ok: ${firstLine.slice(0, 80)}`;
  if (facts.lastUserText.includes("[[slow]]")) {
    return { kind: "text", text, chunkDelayMs: Math.round(options.slowMs / SLOW_CHUNKS) };
  }
  return { kind: "text", text, chunkDelayMs: 0 };
}

const SLOW_CHUNKS = 10;

/** Splits a reply into the pieces streamed as deltas (SLOW_CHUNKS of them when slow). */
export function chunks(text: string, slow: boolean): string[] {
  // Not slow: one delta. A TUI redraws a reply streamed in pieces by changed
  // cells only, and the terminal transcript would hold it in fragments.
  const count = slow ? SLOW_CHUNKS : 1;
  const size = Math.max(1, Math.ceil(text.length / count));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length > 0 ? pieces : [""];
}

/** Deterministic token counts, so a test can sum what the server reported. */
export function usageFor(facts: RequestFacts, reply: Reply): { input: number; output: number } {
  const inputChars = facts.system.length + facts.userTexts.join("").length;
  const outputChars = reply.kind === "text" ? reply.text.length : reply.command.length;
  return { input: 10 + Math.ceil(inputChars / 4), output: 1 + Math.ceil(outputChars / 4) };
}

/**
 * Text of a content value in any of the three APIs' shapes (string or parts),
 * without the context the CLIs wrap in tags of their own (`<system-reminder>`,
 * `<environment_context>`, ...): only what a user typed.
 */
export function contentText(content: unknown): string {
  const parts = typeof content === "string" ? [content] : Array.isArray(content) ? content : [];
  return parts
    .map((part: unknown) => {
      if (typeof part === "string") return part;
      if (part && typeof part === "object" && "text" in part && typeof part.text === "string")
        return part.text;
      return "";
    })
    .filter((text) => !WRAPPED_CONTEXT.test(text))
    .join("");
}

const WRAPPED_CONTEXT = /^\s*<([a-z_-]+)>[\s\S]*<\/\1>\s*$/;

/** What the three APIs' requests share: the user's texts, tools offered, the model. */
export function sharedFacts(
  body: Record<string, unknown>,
  users: readonly { content?: unknown }[],
): Pick<RequestFacts, "lastUserText" | "userTexts" | "hasTools"> {
  return {
    lastUserText: contentText(users.at(-1)?.content),
    userTexts: users.map((m) => contentText(m.content)).filter((text) => text !== ""),
    hasTools: Array.isArray(body.tools) && body.tools.length > 0,
  };
}

export const modelOf = (body: Record<string, unknown>): string =>
  typeof body.model === "string" ? body.model : "fake-model";
