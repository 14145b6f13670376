/**
 * Desktop notifications through `notify-send` (libnotify), found on the
 * sender's PATH. Run without a shell, with `--` before the text so a title can
 * never be read as an option, and with a time limit. Absent: nothing is sent,
 * and the caller says so once.
 */
import { execFile, type ExecFileException } from "node:child_process";
import { whichBinary } from "../doctor/find-binary.ts";
import type { NotifyMessage } from "./message-text.ts";

const TIMEOUT_MS = 5000;

export type DesktopResult = { ok: true } | { ok: false; absent: boolean; error: string };

export function notifySendPath(env: NodeJS.ProcessEnv): string | undefined {
  return whichBinary("notify-send", env.PATH ?? "");
}

export function sendDesktop(
  message: NotifyMessage,
  env: NodeJS.ProcessEnv,
): Promise<DesktopResult> {
  const path = notifySendPath(env);
  if (path === undefined) {
    return Promise.resolve({ ok: false, absent: true, error: "notify-send is not on PATH" });
  }
  const urgency = message.priority >= 4 ? "critical" : message.priority <= 2 ? "low" : "normal";
  const args = ["--app-name=fleet", `--urgency=${urgency}`, "--", message.title, message.body];
  return new Promise((resolve) => {
    execFile(path, args, { env, timeout: TIMEOUT_MS }, (error) => {
      resolve(
        error
          ? { ok: false, absent: false, error: `notify-send failed (${exitWords(error)})` }
          : { ok: true },
      );
    });
  });
}

function exitWords(error: ExecFileException): string {
  if (error.killed === true) return `no answer within ${TIMEOUT_MS} ms`;
  return typeof error.code === "number" ? `exit code ${error.code}` : "could not run";
}
