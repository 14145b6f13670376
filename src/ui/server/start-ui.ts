/**
 * Puts `fleet ui` together: the server, the terminal hub, and the notifier the
 * live list feeds (the fleet file's `notify:` rules, and the page's browser
 * notifications). What the server has to say goes to stderr; stdout carries
 * only the link.
 */
import type { FleetEnv } from "../../core/env.ts";
import { safeLines } from "../../core/text/safe-text.ts";
import { serveUi, type UiServer } from "./serve-ui.ts";

export interface StartUiOptions {
  env: FleetEnv;
  processEnv: NodeJS.ProcessEnv;
  port: number;
  listen: string;
  fleetFile: string | undefined;
  cwd: string;
  intervalMs: number;
  debug: boolean;
}

export async function startUi(options: StartUiOptions): Promise<UiServer> {
  const log = (level: "debug" | "info" | "warn" | "error", line: string): void => {
    if (level === "debug" && !options.debug) return;
    const prefix = level === "error" ? "error: " : level === "warn" ? "warning: " : "";
    process.stderr.write(`fleet ui: ${prefix}${safeLines(line)}\n`);
  };
  return serveUi({ ...options, log });
}
