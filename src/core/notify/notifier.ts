/**
 * The notifier the long-running senders share (`fleet reconcile --every`,
 * `fleet notify`, `fleet ui`): fed successive observations of the live agents,
 * it derives events (events.ts) and sends each through the channels of the
 * agent's rule, claiming every (event, channel) first (claims.ts) so that no
 * event goes out twice, whichever processes watch. It never throws for a
 * channel's failure: that is reported through the IoHost and the returned
 * report. It knows nothing of HTTP servers: `onEvent` hands events to one.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import type { LiveAgent, NotifyRule } from "../model.ts";
import { readBaseline, writeBaseline } from "./baseline.ts";
import { claimOnce, pruneClaims } from "./claims.ts";
import { sendDesktop, notifySendPath } from "./desktop.ts";
import {
  agentIdentity,
  deriveEvents,
  observed,
  type NotifyEvent,
  type ObservedAgent,
} from "./events.ts";
import { messageOf, type NotifyMessage } from "./message-text.ts";
import { sendWebhook, webhookLabel, webhookUrl, type WebhookOptions } from "./webhook.ts";

export type RuleLookup = (agent: NotifyEvent["agent"]) => NotifyRule | undefined;

export interface NotifierOptions {
  /** FLEET_HOME (claims, baseline) and the IoHost that hears what was sent. */
  ctx: ProviderContext;
  /** The sender's environment: `urlFrom` variables and the PATH notify-send is looked up on. */
  env?: NodeJS.ProcessEnv;
  rules: RuleLookup;
  /** Every event this notifier derives or is given, once per process, whatever the rules. */
  onEvent?: (event: NotifyEvent, rule: NotifyRule | undefined) => void;
  webhook?: WebhookOptions;
  /** Keep a baseline under FLEET_HOME (the default); off for a notifier that only emits. */
  baseline?: boolean;
}

export interface ChannelOutcome {
  /** `desktop`, `$VAR` or a redacted URL: safe to show. */
  channel: string;
  /** sent; skipped: another process (or an earlier run) claimed it; failed. */
  status: "sent" | "skipped" | "failed";
  error?: string;
}

export interface EmitReport {
  event: NotifyEvent;
  channels: ChannelOutcome[];
}

export interface Notifier {
  /** One observation: the events since the previous one, each sent. */
  observe(agents: readonly LiveAgent[]): Promise<EmitReport[]>;
  /** Sends one event (a handoff, a reconcile stop) by its agent's rule. */
  emit(event: NotifyEvent): Promise<EmitReport>;
}

/** An agent absent this long (destroyed, or its host unreachable) is forgotten. */
const FORGET_AFTER_MS = 10 * 60_000;
const PRUNE_EVERY_MS = 3600_000;

export function createNotifier(options: NotifierOptions): Notifier {
  const { ctx } = options;
  const env = options.env ?? process.env;
  const home = ctx.env.home;
  const keepBaseline = options.baseline !== false;
  const known = new Map<string, { agent: ObservedAgent; seenAt: number }>();
  let started = false;
  let prunedAt = 0;
  const warned = new Set<string>();

  const warnOnce = (key: string, message: string): void => {
    if (warned.has(key)) return;
    warned.add(key);
    ctx.io.notify({ level: "warn", code: "notify.channel", message });
  };

  async function send(
    event: NotifyEvent,
    channel: { key: string; label: string },
    deliver: () => Promise<{ ok: true } | { ok: false; error: string }>,
  ): Promise<ChannelOutcome> {
    if (!(await claimOnce(home, event.key, channel.key, { type: event.type, at: event.at }))) {
      return { channel: channel.label, status: "skipped" };
    }
    const result = await deliver();
    if (result.ok) {
      ctx.io.notify({
        level: "info",
        code: "notify.sent",
        message: `notified ${event.type} of ${event.agent.name} via ${channel.label}`,
        data: { type: event.type, agent: event.agent.name, channel: channel.label },
      });
      return { channel: channel.label, status: "sent" };
    }
    ctx.io.notify({
      level: "warn",
      code: "notify.failed",
      message: `could not notify ${event.type} of ${event.agent.name} via ${channel.label}: ${result.error}`,
    });
    return { channel: channel.label, status: "failed", error: result.error };
  }

  async function emit(event: NotifyEvent): Promise<EmitReport> {
    const rule = options.rules(event.agent);
    try {
      options.onEvent?.(event, rule);
    } catch (error) {
      ctx.io.notify({
        level: "warn",
        code: "notify.callback",
        message: `notification callback failed: ${String(error)}`,
      });
    }
    if (rule === undefined || !rule.on.includes(event.type)) return { event, channels: [] };
    const message = messageOf(event);
    const sends: Promise<ChannelOutcome>[] = [];
    if (rule.desktop) sends.push(desktop(event, message));
    for (const target of rule.webhooks) {
      const label = webhookLabel(target);
      const resolved = webhookUrl(target, env);
      if ("error" in resolved) {
        warnOnce(`webhook:${label}`, `${resolved.error}: notifications to it are not sent`);
        sends.push(Promise.resolve({ channel: label, status: "failed", error: resolved.error }));
        continue;
      }
      sends.push(
        send(event, { key: `webhook:${resolved.url}`, label }, () =>
          sendWebhook(resolved.url, target.format, message, options.webhook),
        ),
      );
    }
    return { event, channels: await Promise.all(sends) };
  }

  function desktop(event: NotifyEvent, message: NotifyMessage): Promise<ChannelOutcome> {
    // Not claimed when absent here: another watcher, on a desktop, may send it.
    if (notifySendPath(env) === undefined) {
      warnOnce("desktop", "notify-send is not on PATH: desktop notifications are skipped");
      return Promise.resolve({
        channel: "desktop",
        status: "failed",
        error: "notify-send is not on PATH",
      });
    }
    return send(event, { key: "desktop", label: "desktop" }, () => sendDesktop(message, env));
  }

  async function observe(agents: readonly LiveAgent[]): Promise<EmitReport[]> {
    const now = Date.now();
    let previous: ObservedAgent[] | undefined;
    if (started) {
      previous = [...known.values()].map((entry) => entry.agent);
    } else {
      // The first observation compares with the last one any notifier kept, if recent.
      started = true;
      previous = keepBaseline ? await readBaseline(home, now) : undefined;
      for (const agent of previous ?? []) known.set(agentIdentity(agent), { agent, seenAt: now });
    }
    const current = agents.map(observed);
    const events = deriveEvents(previous, current);
    for (const agent of current) known.set(agentIdentity(agent), { agent, seenAt: now });
    for (const [id, entry] of known) if (now - entry.seenAt > FORGET_AFTER_MS) known.delete(id);
    if (keepBaseline) {
      const remembered = [...known.values()].map((entry) => entry.agent);
      await writeBaseline(home, remembered, now).catch(() => undefined);
    }
    if (now - prunedAt > PRUNE_EVERY_MS) {
      prunedAt = now;
      await pruneClaims(home).catch(() => 0);
    }
    const reports: EmitReport[] = [];
    for (const event of events) reports.push(await emit(event));
    return reports;
  }

  return { observe, emit };
}
