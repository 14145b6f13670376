/**
 * Puts `fleet ui` together: the server, the terminal hub, and the notifier the
 * live list feeds, with the fleet file's `notify:` rules (read again when the
 * file changes). Every event also goes to the open pages, for their browser
 * notifications. What the server has to say goes to stderr; stdout carries
 * only the link.
 */
import { statSync } from "node:fs";
import type { DesiredState } from "../../core/model.ts";
import { toFleetError } from "../../core/errors.ts";
import { silentIoHost } from "../../core/io.ts";
import { safeText, safeLines } from "../../core/text/safe-text.ts";
import { createNotifier, loadNotifyDesired, messageOf, rulesOf } from "../../core/notify/index.ts";
import { type ServeUiOptions, serveUi, type UiServer } from "./serve-ui.ts";
import { createTerminalHub } from "./terminal/terminal-hub.ts";

/** What serveUi takes, less what startUi puts together itself. */
export type StartUiOptions = Omit<ServeUiOptions, "log" | "onRound" | "notifier" | "terminals"> & {
  debug: boolean;
};

/** The fleet file's desired state for its rules, loaded again when its mtime moves. */
function rulesSource(file: string | undefined, log: (line: string) => void) {
  let loadedAt = -1;
  let desired: DesiredState | undefined;
  return async (): Promise<DesiredState | undefined> => {
    if (file === undefined) return undefined;
    const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (mtime === loadedAt) return desired;
    loadedAt = mtime;
    try {
      desired = await loadNotifyDesired(file);
    } catch (error) {
      log(`the fleet file's notify rules could not be read: ${toFleetError(error).message}`);
    }
    return desired;
  };
}

export async function startUi(options: StartUiOptions): Promise<UiServer> {
  const log = (level: "debug" | "info" | "warn" | "error", line: string): void => {
    if (level === "debug" && !options.debug) return;
    const prefix = level === "error" ? "error: " : level === "warn" ? "warning: " : "";
    process.stderr.write(`fleet ui: ${prefix}${safeLines(line)}\n`);
  };
  const rules = rulesSource(options.fleetFile, (line) => log("warn", line));
  let desired = await rules();
  // The pages' hub exists once the server does; events before that have no page to go to.
  const pages: { publish?: (event: Parameters<typeof messageOf>[0]) => void } = {};
  const notifier = createNotifier({
    ctx: {
      env: options.env,
      io: {
        notify: (m) => log(m.level === "warn" || m.level === "error" ? "warn" : "debug", m.message),
        confirm: () => Promise.resolve(false),
      },
    },
    env: options.processEnv,
    rules: (agent) => rulesOf(desired)(agent),
    onEvent: (event) => pages.publish?.(event),
  });
  const server = await serveUi({
    ...options,
    log,
    notifier,
    onRound: async (agents) => {
      desired = await rules();
      await notifier.observe(agents);
    },
    terminals: (deps) =>
      createTerminalHub({
        env: deps.env,
        io: silentIoHost,
      }),
  });
  pages.publish = (event) => {
    const message = messageOf(event);
    server.deps.events.publish({
      kind: event.type,
      host: safeText(event.agent.host),
      agent: safeText(event.agent.name),
      title: message.title,
      body: message.body,
      at: event.at,
    });
  };
  return server;
}
