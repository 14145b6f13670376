/**
 * `fleet notify --test`: the test message through every distinct channel the
 * rules name, at once and without claims (a test is not an event).
 */
import type { NotifyRule } from "../model.ts";
import { sendDesktop } from "./desktop.ts";
import { TEST_MESSAGE } from "./message-text.ts";
import { sendWebhook, webhookLabel, webhookUrl, type WebhookOptions } from "./webhook.ts";

export interface TestOutcome {
  channel: string;
  ok: boolean;
  error?: string;
}

export async function sendTestNotifications(
  rules: readonly NotifyRule[],
  env: NodeJS.ProcessEnv,
  options: WebhookOptions = {},
): Promise<TestOutcome[]> {
  const sends = new Map<string, () => Promise<TestOutcome>>();
  for (const rule of rules) {
    if (rule.desktop && !sends.has("desktop")) {
      sends.set("desktop", async () => {
        const result = await sendDesktop(TEST_MESSAGE, env);
        return result.ok
          ? { channel: "desktop", ok: true }
          : { channel: "desktop", ok: false, error: result.error };
      });
    }
    for (const target of rule.webhooks) {
      const label = webhookLabel(target);
      const resolved = webhookUrl(target, env);
      const id = "error" in resolved ? label : `${target.format}:${resolved.url}`;
      if (sends.has(id)) continue;
      sends.set(id, async () => {
        if ("error" in resolved) return { channel: label, ok: false, error: resolved.error };
        const result = await sendWebhook(resolved.url, target.format, TEST_MESSAGE, options);
        return result.ok
          ? { channel: label, ok: true }
          : { channel: label, ok: false, error: result.error };
      });
    }
  }
  return Promise.all([...sends.values()].map((send) => send()));
}
