/**
 * A notification rule as the fleet file writes it (`notify:`, merged over
 * defaults and templates) made into the rule senders apply: every event unless
 * `on` narrows it, no desktop notification unless asked for, webhooks in the
 * Slack format unless `ntfy` is asked for.
 */
import type { NotifyEventType, NotifyRule, WebhookTarget } from "../model.ts";
import { NOTIFY_EVENTS, type NotifyConfig } from "../config/schema.ts";

export const ALL_NOTIFY_EVENTS: readonly NotifyEventType[] = NOTIFY_EVENTS;

export function notifyRule(config: NotifyConfig): NotifyRule {
  return {
    on: config.on === undefined ? [...ALL_NOTIFY_EVENTS] : [...new Set(config.on)],
    desktop: config.desktop ?? false,
    webhooks: (config.webhooks ?? []).map((hook): WebhookTarget =>
      "url" in hook
        ? { url: hook.url, format: hook.format ?? "slack" }
        : { urlFrom: hook.urlFrom, format: hook.format ?? "slack" },
    ),
  };
}

/** The rule `fleet notify` uses without a fleet file: a desktop notification for everything. */
export const DESKTOP_RULE: NotifyRule = { on: [...ALL_NOTIFY_EVENTS], desktop: true, webhooks: [] };

/** True when the rule sends anything at all for this event type. */
export const ruleSends = (rule: NotifyRule | undefined, type: NotifyEventType): boolean =>
  rule !== undefined && rule.on.includes(type) && (rule.desktop || rule.webhooks.length > 0);
