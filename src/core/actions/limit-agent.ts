/**
 * `fleet limit AGENT --idle-timeout D | --idle disabled`: the idle timeout an
 * unowned agent is recorded with, the one `fleet reconcile` (without -f) judges it by.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { tryParseDuration } from "../config/units.ts";
import { usageError } from "../errors.ts";
import type { LiveAgent } from "../model.ts";
import { editUnownedAgent } from "./edit-unowned-agent.ts";

export interface LimitOptions {
  idleTimeout?: string;
  idle?: string;
}

export interface LimitResult {
  agent: LiveAgent;
  /** Milliseconds, null when idle shutdown is disabled. */
  before: number | null;
  after: number | null;
}

/** The timeout asked for (ms), or null for `--idle disabled`; a usage error otherwise. */
export function parseLimit(options: LimitOptions): number | null {
  const { idleTimeout, idle } = options;
  if (idleTimeout !== undefined && idle !== undefined) {
    throw usageError("give --idle-timeout or --idle disabled, not both");
  }
  if (idle !== undefined) {
    if (idle !== "disabled") {
      throw usageError(
        `--idle takes "disabled", not ${JSON.stringify(idle)}`,
        "to turn idle shutdown back on, give a timeout: --idle-timeout 15m",
      );
    }
    return null;
  }
  if (idleTimeout === undefined) {
    throw usageError(
      "say what to limit: --idle-timeout DURATION, or --idle disabled",
      "fleet limit scratch --idle-timeout 2h",
    );
  }
  const ms = tryParseDuration(idleTimeout);
  if (ms === undefined || typeof idleTimeout !== "string" || !/[a-z]/i.test(idleTimeout)) {
    throw usageError(
      `invalid duration ${JSON.stringify(idleTimeout)} for --idle-timeout`,
      "write a number with a unit: 30s, 15m, 2h, 1h30m",
    );
  }
  if (ms < 1000) throw usageError("--idle-timeout must be at least 1s");
  return ms;
}

export async function limitAgent(
  ref: string,
  options: LimitOptions,
  ctx: ProviderContext,
): Promise<LimitResult> {
  const after = parseLimit(options);
  const result = await editUnownedAgent(ref, ctx, "idleTimeout", (spec) => ({
    spec: { ...spec, idleTimeout: after },
    outcome: spec.idleTimeout,
    changed: spec.idleTimeout !== after,
  }));
  return { agent: result.agent, before: result.outcome, after };
}
