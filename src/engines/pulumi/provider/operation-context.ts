/**
 * What every provider operation needs: a fleet context from the plugin's own
 * environment, and the host's lock. `fleet apply --engine pulumi` already holds
 * the locks of every host it involves around the whole stack operation and says
 * so with FLEET_HOST_LOCKS_HELD; run by a plain `pulumi up`, each operation
 * takes its host's lock itself, so it still never overlaps a native apply.
 */
import { appendFile } from "node:fs/promises";
import type { ProviderContext } from "../../../core/contracts/provider.ts";
import { fleetEnv } from "../../../core/env.ts";
import type { IoHost } from "../../../core/io.ts";
import type { HostSpec } from "../../../core/model.ts";
import type { SavedWork } from "../../../core/host/saved-work.ts";
import { getProvider } from "../../../core/registry.ts";

export const HOST_LOCKS_HELD_ENV = "FLEET_HOST_LOCKS_HELD";
/** A file the driving fleet process gives, to learn what the provider saved. */
export const REPORT_FILE_ENV = "FLEET_PULUMI_REPORT";

/** The plugin's stdout is the engine's channel: everything said goes to stderr. */
const stderrIo: IoHost = {
  notify: (message) => {
    if (message.level === "warn" || message.level === "error") {
      process.stderr.write(`fleet: ${message.message}\n`);
    }
  },
  confirm: () => Promise.resolve(false),
};

export function operationContext(fleet: string | null): ProviderContext {
  return { env: fleetEnv(process.env), io: stderrIo, fleet };
}

export async function withHostLock<T>(
  host: HostSpec,
  ctx: ProviderContext,
  work: () => Promise<T>,
): Promise<T> {
  if (process.env[HOST_LOCKS_HELD_ENV] === "1") return work();
  const release = await (await getProvider(host.provider)).lock(host, ctx);
  try {
    return await work();
  } finally {
    await release();
  }
}

/** Tells the driving fleet process (when there is one) where work was saved. */
export async function reportSaved(address: string, saved: readonly SavedWork[]): Promise<void> {
  const file = process.env[REPORT_FILE_ENV];
  if (saved.length === 0) return;
  for (const work of saved) process.stderr.write(`fleet: ${address}: ${work.description}\n`);
  if (file === undefined || file === "") return;
  await appendFile(file, JSON.stringify({ address, saved }) + "\n", { mode: 0o600 });
}
