/**
 * What the fake model answers, decided from the request alone so that every
 * API gives the same scripted behaviour:
 * - a title request (the CLIs ask for a conversation title as JSON) gets JSON;
 * - a turn whose newest input is a tool result gets a short closing text;
 * - a user message containing `[[tool]]` gets a shell tool call that needs approval,
 *   `[[slowtool]]` the same call made to take 3 s (each API's own shell tool:
 *   Claude's `Bash`, Codex's `exec_command`, OpenCode's `bash`);
 * - one containing `[[bus-send TO BODY...]]` (e.g. `[[bus-send peer hello from
 *   claude]]`) gets a call of the agents' bus tool `send_message` with input
 *   `{"to": TO, "body": BODY}`: TO is the first word after `bus-send`, BODY the
 *   rest up to `]]`, trimmed (spaces and new lines kept inside, no `]]`). The
 *   tool is the one the request offers under a name of BUS_SEND_TOOLS (Claude
 *   Code: `mcp__fleet-bus__send_message`; Codex: `send_message` in the namespace
 *   `mcp__fleet_bus`; OpenCode: `fleet-bus_send_message`). When it offers none, the reply is the text
 *   `BUS_TOOL_MISSING: ...` listing the tools it did offer, so a test fails saying so;
 * - one containing `[[slow]]` gets a text reply streamed slowly;
 * - anything else gets `ok: <the message's first line>`.
 */

/** The command of the scripted tool call: it writes a file, so every CLI asks first. */
export const TOOL_COMMAND = "touch fleet-tool-ran";
/** The same, taking 3 s: long enough to see what the agent shows while it runs. */
export const SLOW_TOOL_COMMAND = "sleep 3 && touch fleet-tool-ran";
export const TOOL_DONE_TEXT = "the tool ran";
export const TITLE_JSON = '{"title":"Fake conversation","isNewTopic":true}';

/** Prefix of the text reply to `[[bus-send ...]]` when the request offers no bus tool. */
export const BUS_TOOL_MISSING = "BUS_TOOL_MISSING";
/**
 * The names the agents' bus `send_message` tool is offered under: Claude Code's
 * `mcp__<server>__<tool>`; Codex 0.171 groups each MCP server's tools in a
 * Responses `namespace` (`mcp__fleet_bus`, its `-` made `_`), listed here as
 * `NAMESPACE/NAME` (see toolNames); OpenCode 1.18's `<server>_<tool>`.
 */
export const BUS_SEND_TOOLS = [
  "mcp__fleet-bus__send_message",
  "mcp__fleet_bus/send_message",
  "fleet-bus_send_message",
];

/** A call of a tool the request offers: its name there (and namespace, if in one), its input (JSON). */
export interface ToolCall {
  name: string;
  namespace?: string;
  input: Record<string, unknown>;
}

/** The call of an offered tool named as toolNames lists it (`NAME` or `NAMESPACE/NAME`). */
export function callOf(offered: string, input: Record<string, unknown>): ToolCall {
  const slash = offered.indexOf("/");
  return slash < 0
    ? { name: offered, input }
    : { namespace: offered.slice(0, slash), name: offered.slice(slash + 1), input };
}

export type Reply =
  { kind: "text"; text: string; chunkDelayMs: number } | ({ kind: "tool" } & ToolCall);

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
  /** The names of the tools offered, in the request's order. */
  toolNames: string[];
  /** System prompt / instructions text. */
  system: string;
}

export interface ReplyOptions {
  /** Total time a `[[slow]]` reply takes to stream. */
  slowMs: number;
  /** The API's shell tool, called with a command (each CLI has its own name and input). */
  shellCall: (command: string) => ToolCall;
}

/** `[[bus-send TO BODY...]]` in a user's message: TO and BODY, or undefined. */
export function busSendMarker(text: string): { to: string; body: string } | undefined {
  const match = /\[\[bus-send\s+(\S+)\s+([\s\S]*?)\]\]/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const body = match[2].trim();
  return body === "" ? undefined : { to: match[1], body };
}

export function isTitleRequest(facts: RequestFacts): boolean {
  if (/^Generate a concise/i.test(facts.lastUserText.trim())) return true;
  return !facts.hasTools && /\btitle\b/i.test(`${facts.system}\n${facts.lastUserText}`);
}

export function chooseReply(facts: RequestFacts, options: ReplyOptions): Reply {
  if (isTitleRequest(facts)) return { kind: "text", text: TITLE_JSON, chunkDelayMs: 0 };
  if (facts.afterToolResult) return { kind: "text", text: TOOL_DONE_TEXT, chunkDelayMs: 0 };
  const busSend = busSendMarker(facts.lastUserText);
  if (busSend) {
    const name = facts.toolNames.find((tool) => BUS_SEND_TOOLS.includes(tool));
    if (name) return { kind: "tool", ...callOf(name, { to: busSend.to, body: busSend.body }) };
    const offered = facts.toolNames.length > 0 ? facts.toolNames.join(", ") : "none";
    const text = `${BUS_TOOL_MISSING}: no ${BUS_SEND_TOOLS.join(" or ")} was offered; tools offered: ${offered}`;
    return { kind: "text", text, chunkDelayMs: 0 };
  }
  if (facts.lastUserText.includes("[[slowtool]]") && facts.hasTools) {
    return { kind: "tool", ...options.shellCall(SLOW_TOOL_COMMAND) };
  }
  if (facts.lastUserText.includes("[[tool]]") && facts.hasTools) {
    return { kind: "tool", ...options.shellCall(TOOL_COMMAND) };
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
  const outputChars =
    reply.kind === "text"
      ? reply.text.length
      : reply.name.length + JSON.stringify(reply.input).length;
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
): Pick<RequestFacts, "lastUserText" | "userTexts" | "hasTools" | "toolNames"> {
  return {
    lastUserText: contentText(users.at(-1)?.content),
    userTexts: users.map((m) => contentText(m.content)).filter((text) => text !== ""),
    hasTools: Array.isArray(body.tools) && body.tools.length > 0,
    toolNames: toolNames(body.tools),
  };
}

/**
 * Names of the tools a request offers, in any of the APIs' shapes: `name`
 * (Anthropic, Responses), `function.name` (chat completions); the tools a
 * Responses `{type: "namespace", name, tools}` entry groups as `NAMESPACE/NAME`.
 */
export function toolNames(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool: unknown): string[] => {
    if (!tool || typeof tool !== "object") return [];
    const entry = tool as {
      type?: unknown;
      name?: unknown;
      function?: { name?: unknown };
      tools?: unknown;
    };
    if (entry.type === "namespace" && typeof entry.name === "string") {
      const namespace = entry.name;
      return toolNames(entry.tools).map((name) => `${namespace}/${name}`);
    }
    if (typeof entry.name === "string") return [entry.name];
    if (typeof entry.function?.name === "string") return [entry.function.name];
    return [];
  });
}

export const modelOf = (body: Record<string, unknown>): string =>
  typeof body.model === "string" ? body.model : "fake-model";
