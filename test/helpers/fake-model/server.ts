/**
 * A fake model server for the real-agent tests: one loopback HTTP server that
 * speaks the three APIs the agent CLIs use (Anthropic Messages, OpenAI Responses,
 * OpenAI chat completions), answers with scripted replies (replies.ts) and logs
 * every request, so a test can prove what reached the model. `HEAD /` and any
 * other path answer 200 (`{}`): the CLIs probe a few endpoints at start-up.
 */
import { appendFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicFacts, anthropicReply, anthropicShellCall } from "./anthropic.ts";
import { chatFacts, chatReply, chatShellCall } from "./chat-completions.ts";
import { chooseReply, isTitleRequest, usageFor, type Reply, type RequestFacts } from "./replies.ts";
import { responsesFacts, responsesReply, responsesShellCall } from "./responses.ts";

export type ApiName = "anthropic" | "responses" | "chat";

export interface LoggedRequest {
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  api: ApiName | "other";
  /** turn: a user's message answered; title: a title request; tool-result: the turn after a tool ran. */
  kind: "turn" | "title" | "tool-result" | "other";
  lastUserText?: string;
  userTexts?: string[];
  /** The names of the tools the request offered. */
  tools?: string[];
  reply?: Reply;
  usage?: { input: number; output: number };
}

export interface FakeModelOptions {
  /** How long a `[[slow]]` reply takes to stream (default 3000 ms). */
  slowMs?: number;
  /** Also append each logged request to this file, one JSON object a line. */
  logFile?: string;
}

export interface FakeModel {
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: LoggedRequest[];
  close(): Promise<void>;
}

const API_PATHS: Record<string, ApiName> = {
  "/v1/messages": "anthropic",
  "/v1/responses": "responses",
  "/v1/chat/completions": "chat",
  "/chat/completions": "chat",
  "/responses": "responses",
};

const ADAPTERS = {
  anthropic: { facts: anthropicFacts, reply: anthropicReply, shellCall: anthropicShellCall },
  responses: { facts: responsesFacts, reply: responsesReply, shellCall: responsesShellCall },
  chat: { facts: chatFacts, reply: chatReply, shellCall: chatShellCall },
} satisfies Record<ApiName, unknown>;

export async function startFakeModel(options: FakeModelOptions = {}): Promise<FakeModel> {
  const requests: LoggedRequest[] = [];
  const slowMs = options.slowMs ?? 3000;
  const log = (entry: LoggedRequest) => {
    requests.push(entry);
    if (options.logFile) appendFileSync(options.logFile, `${JSON.stringify(entry)}\n`);
  };
  const server = createServer((req, res) => {
    handle(req, res, { slowMs, log, seq: requests.length + 1 }).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: String(error) }));
    });
  });
  await listen(server);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  context: { slowMs: number; log: (entry: LoggedRequest) => void; seq: number },
): Promise<void> {
  const method = req.method ?? "GET";
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const raw = await readBody(req);
  const api = method === "POST" ? API_PATHS[path] : undefined;
  if (api === undefined) {
    context.log({ seq: context.seq, method, path, api: "other", kind: "other" });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(method === "HEAD" ? undefined : "{}");
    return;
  }
  const body = parseObject(raw);
  const adapter = ADAPTERS[api];
  const facts: RequestFacts = adapter.facts(body);
  const reply = chooseReply(facts, { slowMs: context.slowMs, shellCall: adapter.shellCall });
  const usage = usageFor(facts, reply);
  context.log({
    seq: context.seq,
    method,
    path,
    api,
    kind: isTitleRequest(facts) ? "title" : facts.afterToolResult ? "tool-result" : "turn",
    lastUserText: facts.lastUserText,
    userTexts: facts.userTexts,
    tools: facts.toolNames,
    reply,
    usage,
  });
  await adapter.reply(res, body, reply, usage, context.seq);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (chunk: Buffer) => parts.push(chunk));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
}
