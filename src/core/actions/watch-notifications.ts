/**
 * `fleet notify`: watch every agent this controller knows and send the
 * notifications their rules ask for (a fleet file's `notify:`, or without one a
 * desktop notification for everything), every interval until aborted, or once.
 * Also `--test`: a test message through the rules' channels.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ProviderContext } from "../contracts/provider.ts";
import type { DesiredState, NotifyRule } from "../model.ts";
import {
  allRules,
  createNotifier,
  DESKTOP_RULE,
  notifyRule,
  loadNotifyDesired,
  notifyFleetFile,
  rulesOf,
  sendTestNotifications,
  type EmitReport,
  type TestOutcome,
} from "../notify/index.ts";
import { currentSettings } from "../settings/current.ts";
import { readLive } from "./agent-target.ts";

export interface WatchNotificationsOptions {
  ctx: ProviderContext;
  /** The sender's environment (urlFrom variables, PATH). */
  env: NodeJS.ProcessEnv;
  /** The fleet file (-f); else fleet.yaml/fleet.ts in `cwd`; else the desktop rule for all. */
  file?: string;
  cwd: string;
  everyMs: number;
  /** One observation, compared with the last one any notifier kept. */
  once: boolean;
  signal?: AbortSignal;
  /** Each observation's notifications, as they are sent. */
  onReports?: (reports: EmitReport[]) => void;
}

/** The rules source a watcher uses, and its file (for saying so). */
export async function watcherRules(
  file: string | undefined,
  cwd: string,
): Promise<{ file: string | undefined; desired: DesiredState | undefined; fallback?: NotifyRule }> {
  const found = notifyFleetFile(file, cwd);
  const desired = await loadNotifyDesired(found);
  // Without a fleet file: the configured targets (fleet config notify), else the desktop.
  const configured = currentSettings().values.notify;
  return found === undefined
    ? {
        file: undefined,
        desired: undefined,
        fallback: configured === undefined ? DESKTOP_RULE : notifyRule(configured),
      }
    : { file: found, desired };
}

export async function watchNotifications(options: WatchNotificationsOptions): Promise<void> {
  const { ctx } = options;
  const found = await watcherRules(options.file, options.cwd);
  const { file, fallback } = found;
  let { desired } = found;
  if (desired !== undefined && Object.keys(desired.notify ?? {}).length === 0) {
    ctx.io.notify({
      level: "warn",
      code: "notify.no-rules",
      message: `${file ?? "the fleet file"} sets no notify: rules, so nothing will be sent (docs/notifications.md)`,
    });
  }
  let rules = rulesOf(desired, fallback);
  const notifier = createNotifier({ ctx, env: options.env, rules: (agent) => rules(agent) });
  while (options.signal?.aborted !== true) {
    const tick = Date.now();
    if (file !== undefined) {
      // The file may be mid-edit: keep the rules that last loaded.
      try {
        desired = await loadNotifyDesired(file);
        rules = rulesOf(desired, fallback);
      } catch (error) {
        ctx.io.notify({
          level: "warn",
          code: "notify.rules",
          message: `notification rules not reloaded: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
    try {
      const { live } = await readLive(ctx);
      options.onReports?.(await notifier.observe(live.agents));
    } catch (error) {
      // A host down, a full disk: one failed look must not end the watch.
      ctx.io.notify({
        level: "error",
        code: "notify.watch-failed",
        message: `could not look at the agents: ${error instanceof Error ? error.message : String(error)}`,
      });
      if (options.once) throw error;
    }
    if (options.once) return;
    const wait = Math.max(0, tick + options.everyMs - Date.now());
    await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/** `fleet notify --test`: which channels there are, and whether each took the test message. */
export async function testNotifications(
  options: Pick<WatchNotificationsOptions, "env" | "file" | "cwd">,
): Promise<{ file: string | undefined; outcomes: TestOutcome[] }> {
  const { file, desired, fallback } = await watcherRules(options.file, options.cwd);
  return { file, outcomes: await sendTestNotifications(allRules(desired, fallback), options.env) };
}
