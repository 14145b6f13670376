/**
 * The runtime's view of a host: its provider, its spec and the context to act
 * in. Every operation opens the host's transport through the provider, so the
 * same code runs locally, in a container and over SSH.
 */
import type { Provider, ProviderContext } from "../contracts/provider.ts";
import type { ExecOptions, ExecResult, Transport } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import type { HostSpec } from "../model.ts";

export interface HostHandle {
  provider: Provider;
  host: HostSpec;
  ctx: ProviderContext;
}

export interface OpenHost {
  transport: Transport;
  prefix: string;
}

export async function openHost(h: HostHandle): Promise<OpenHost> {
  return { transport: await h.provider.transport(h.host, h.ctx), prefix: h.ctx.env.prefix };
}

/**
 * Runs a script and fails with a FleetError naming what was being done when it
 * exits non-zero. Scripts print `@@fleet:error <message>` for failures they expect.
 */
export async function runScript(
  transport: Transport,
  what: string,
  script: string,
  options: ExecOptions = {},
): Promise<ExecResult> {
  const result = await transport.script(script, options);
  if (result.code !== 0) {
    const expected = /^@@fleet:error (.*)$/m.exec(result.stdout)?.[1];
    const detail = (expected ?? result.stderr.trim()) || `exit code ${result.code}`;
    throw new FleetError("HOST_COMMAND_FAILED", `${what} failed: ${detail}`, {
      fault: "system",
      details: { exitCode: result.code },
    });
  }
  return result;
}
