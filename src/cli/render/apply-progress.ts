/**
 * Live apply progress for a terminal, as Pulumi and Terraform show it: one line
 * per change in flight with the time it has taken so far, redrawn in place.
 * Fed by the native engine's `apply.change.*` IoHost events; finished changes
 * leave the live lines and are printed once, above them, by the IoHost.
 */
import { sanitize } from "../../core/plan/describe.ts";

interface InFlight {
  /** `agents.api: creating...` as the engine said it. */
  label: string;
  startedAt: number;
}

export class ApplyProgress {
  private readonly inFlight = new Map<string, InFlight>();

  /** Takes an apply event; true when it changed what is in flight. */
  take(
    code: string,
    message: string,
    data: Record<string, unknown> | undefined,
    now: number,
  ): boolean {
    const address = typeof data?.address === "string" ? data.address : undefined;
    if (address === undefined || !code.startsWith("apply.change.")) return false;
    if (code === "apply.change.start") {
      this.inFlight.set(address, { label: message.replace(/\.\.\.$/, ""), startedAt: now });
      return true;
    }
    return this.inFlight.delete(address);
  }

  get active(): boolean {
    return this.inFlight.size > 0;
  }

  /** The live lines, oldest change first, each cut to `width` columns. */
  lines(now: number, width: number): string[] {
    return [...this.inFlight.values()].map(({ label, startedAt }) => {
      const line = `  ${sanitize(label)}... ${elapsed(now - startedAt)}`;
      return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
    });
  }
}

/** `4s`, `1m05s`: whole seconds, as they tick. */
export function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}
