/**
 * POSTing a notification to a webhook: Slack-compatible JSON (`{"text": ...}`)
 * or ntfy-compatible plain text (the body, with Title, Priority and Tags
 * headers). A time limit on each attempt and a few attempts at most; a failure
 * is returned, never thrown, so a slow or broken webhook cannot stop a watcher.
 * The URL may carry a secret (Slack's do): only redactUrl's form is ever shown.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { WebhookTarget } from "../model.ts";
import type { NotifyMessage } from "./message-text.ts";

export interface WebhookOptions {
  /** Per attempt. */
  timeoutMs?: number;
  attempts?: number;
  /** Before the second attempt; doubled for each one after. */
  retryDelayMs?: number;
}

export type WebhookResult =
  { ok: true; status: number; attempts: number } | { ok: false; error: string; attempts: number };

const DEFAULTS = { timeoutMs: 5000, attempts: 3, retryDelayMs: 500 } as const;

/** `https://hooks.slack.com/…`: scheme and host, never the path or query that hold tokens. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return "(an invalid URL)";
  }
}

/** The target's URL, from the file or from the sender's environment; an error says which, never the value. */
export function webhookUrl(
  target: WebhookTarget,
  env: NodeJS.ProcessEnv,
): { url: string } | { error: string } {
  const url = "url" in target ? target.url : env[target.urlFrom];
  if (url === undefined || url === "") {
    return { error: `webhook variable ${"urlFrom" in target ? target.urlFrom : "?"} is not set` };
  }
  if (!/^https?:\/\/[^\s/?#]+/i.test(url) || !URL.canParse(url)) {
    return {
      error: `webhook ${"urlFrom" in target ? `variable ${target.urlFrom}` : "url"} is not an http(s) URL`,
    };
  }
  return { url };
}

/** A name for the target that is safe to print: the variable's name, or the redacted URL. */
export const webhookLabel = (target: WebhookTarget): string =>
  "urlFrom" in target ? `$${target.urlFrom}` : redactUrl(target.url);

/** Slack reads `<...>` as links and mentions (`<!channel>`): text from hosts must not make one. */
const slackEscape = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** HTTP header values are bytes: non-ASCII is sent RFC 2047-encoded, which ntfy decodes. */
function headerValue(text: string): string {
  if (!/[^\x20-\x7e]/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}

export function webhookRequest(
  format: WebhookTarget["format"],
  message: NotifyMessage,
): { headers: Record<string, string>; body: string } {
  if (format === "ntfy") {
    return {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        title: headerValue(message.title),
        priority: String(message.priority),
        tags: headerValue(message.tags.join(",")),
      },
      body: message.body,
    };
  }
  return {
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: slackEscape(`*${message.title}*\n${message.body}`) }),
  };
}

const retryable = (status: number): boolean => status === 429 || status >= 500;

export async function sendWebhook(
  url: string,
  format: WebhookTarget["format"],
  message: NotifyMessage,
  options: WebhookOptions = {},
): Promise<WebhookResult> {
  const { timeoutMs, attempts, retryDelayMs } = { ...DEFAULTS, ...options };
  const { headers, body } = webhookRequest(format, message);
  let error = "not sent";
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) await sleep(retryDelayMs * 2 ** (attempt - 2));
    try {
      const response = await fetch(url, {
        method: "POST",
        headers,
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The body is not needed; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true, status: response.status, attempts: attempt };
      error = `HTTP ${response.status}`;
      if (!retryable(response.status)) return { ok: false, error, attempts: attempt };
    } catch (caught) {
      // undici's messages can hold the URL: say only what kind of failure it was.
      error =
        caught instanceof Error && caught.name === "TimeoutError"
          ? `no answer within ${timeoutMs} ms`
          : "could not connect";
    }
  }
  return { ok: false, error, attempts };
}
