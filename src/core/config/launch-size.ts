/**
 * Whether an agent's launch fits on a command line. Its launch script goes to the
 * host as one argument (`sh -c SCRIPT` locally and through `docker exec`; over SSH
 * the remote login shell gets it quoted once more), and Linux refuses any single
 * argument over MAX_ARG_STRLEN (128 KiB) with E2BIG. The script carries the
 * agent's env (in its env file and its record), its command and args (launcher
 * and record), each service's command (its launcher and the record), its labels
 * and first message (the record). This estimates the script from those values,
 * quoted as launch.ts quotes them, so a file that could not launch is refused
 * naming its largest field, before anything is touched.
 */
import { shellJoin, shellQuote as q } from "../contracts/transport.ts";
import type { AgentSpec } from "../model.ts";
import type { FieldName } from "./layers.ts";

/** Linux's limit on one argument (including its terminating NUL). */
export const MAX_ARG_STRLEN = 128 * 1024;
/**
 * What the launch script holds besides the agent's values: paths in the fleet dir,
 * the tmux commands, ports, the agent type's own wrapper (claude's hook settings).
 */
const SCRIPT_OVERHEAD = 16 * 1024;

export interface LaunchSizeProblem {
  bytes: number;
  /** The field that contributes most, and its share. */
  largest: { field: FieldName; name: string; bytes: number };
}

const bytes = (text: string): number => Buffer.byteLength(text);
const kib = (n: number): string => `${Math.ceil(n / 1024)} KiB`;

export function launchSizeProblem(
  spec: AgentSpec,
  options: { quotedAgain: boolean },
): LaunchSizeProblem | undefined {
  const parts: { field: FieldName; name: string; text: string }[] = [];
  const envText = Object.entries(spec.env)
    .map(([key, value]) => `export ${key}=${q(value)}\n`)
    .join("");
  const command = [spec.command ?? "", shellJoin(spec.args)].join(" ");
  // In the launcher (quoted for `sh -c`), the launcher quoted into the script.
  parts.push({ field: "env", name: "env", text: q(envText) });
  parts.push({ field: "command", name: "command and args", text: q(`exec sh -c ${q(command)}`) });
  for (const service of spec.services) {
    parts.push({
      field: "services",
      name: `services.${service.name}.command`,
      text: q(`exec sh -c ${q(service.command)}`),
    });
  }
  // The record holds the whole spec as JSON, quoted into the script.
  const record = q(JSON.stringify(spec));
  let total = SCRIPT_OVERHEAD + bytes(record);
  for (const part of parts) total += bytes(part.text);
  if (options.quotedAgain)
    total = SCRIPT_OVERHEAD + bytes(q(parts.map((p) => p.text).join("") + record));
  if (total < MAX_ARG_STRLEN) return undefined;

  // Each field counts what it adds to the script: its own part and its share of the record.
  const shares: { field: FieldName; name: string; bytes: number }[] = [
    ...parts.map((part) => ({ field: part.field, name: part.name, bytes: bytes(part.text) })),
    ...Object.entries(spec.env).map(([key, value]) => ({
      field: "env" as const,
      name: `env.${key}`,
      bytes: 2 * bytes(q(value)),
    })),
    { field: "labels", name: "labels", bytes: bytes(JSON.stringify(spec.labels)) },
    { field: "message", name: "message", bytes: bytes(JSON.stringify(spec.message ?? "")) },
  ];
  const largest = shares.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return { bytes: total, largest };
}

export function launchSizeMessage(problem: LaunchSizeProblem): string {
  return `the agent's launch would need a ${kib(problem.bytes)} command line, over Linux's ${kib(MAX_ARG_STRLEN)} limit for one argument (MAX_ARG_STRLEN); ${problem.largest.name} alone adds ${kib(problem.largest.bytes)}`;
}
