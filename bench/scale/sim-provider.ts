/**
 * A simulated provider, for the scale benchmark only: it lives under bench/,
 * which is neither in package.json "files" nor in the product's bundle, and is
 * registered by bench/scale/fleet-sim.ts alone.
 *
 * Its hosts behave like remote ones (ssh) as discovery sees them: each host
 * answers the real probe script after one simulated round trip, with the output
 * the bench prepared for it (sealed records and tmux pane lines), and the real
 * discoverAgents parses and verifies it. Taking a host's lock costs one round
 * trip too. Anything else a host is asked fails loudly: the benchmark never
 * changes anything, and a command that tried to would not be measuring what it
 * says.
 *
 * Configured by the environment: FLEET_SIM_DIR holds `<host>.probe` files,
 * FLEET_SIM_LATENCY_MS is the round trip, and FLEET_SIM_STATS, when set, is a
 * file each fleet process appends one JSON line of call counts to as it exits.
 */
import { appendFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  PROVIDER_CONTRACT_VERSION,
  type Provider,
  type ProviderContext,
  type ReleaseLock,
} from "../../src/core/contracts/provider.ts";
import { unmanagedHostOperations } from "../../src/core/contracts/unmanaged-host.ts";
import type { ExecResult, Transport } from "../../src/core/contracts/transport.ts";
import { toFleetError } from "../../src/core/errors.ts";
import { discoverAgents } from "../../src/core/host/discover-agents.ts";
import { probeScript } from "../../src/core/host/probe.ts";
import type { HostSpec, LiveState } from "../../src/core/model.ts";

export const SIM_FLEET_DIR = "/sim/fleet";
const PROBE = probeScript(SIM_FLEET_DIR);

/** What the provider was asked in this process, for the bench to check concurrency. */
export interface SimStats {
  argv: string[];
  discoverCalls: number;
  /** Hosts passed to each discover call. */
  hostsPerCall: number[];
  probes: number;
  maxProbesInFlight: number;
  locks: number;
  maxLocksInFlight: number;
}

const stats: SimStats = {
  argv: process.argv.slice(2),
  discoverCalls: 0,
  hostsPerCall: [],
  probes: 0,
  maxProbesInFlight: 0,
  locks: 0,
  maxLocksInFlight: 0,
};
let probesInFlight = 0;
let locksInFlight = 0;

const statsFile = process.env.FLEET_SIM_STATS;
if (statsFile !== undefined && statsFile !== "") {
  process.on("exit", () => appendFileSync(statsFile, JSON.stringify(stats) + "\n"));
}

function simDir(): string {
  const dir = process.env.FLEET_SIM_DIR;
  if (dir === undefined || dir === "") throw new Error("sim provider: FLEET_SIM_DIR is not set");
  return dir;
}

const latencyMs = (): number => Number(process.env.FLEET_SIM_LATENCY_MS ?? "50");

const result = (code: number, stdout: string, stderr = ""): ExecResult => ({
  code,
  stdout,
  stderr,
  stdoutBytes: Buffer.from(stdout),
});

/** One host's shell, one round trip away; it knows only the probe. */
class SimTransport implements Transport {
  readonly fleetDir = SIM_FLEET_DIR;
  private readonly host: string;
  constructor(host: string) {
    this.host = host;
  }

  async script(script: string): Promise<ExecResult> {
    if (script !== PROBE) return this.refuse(script);
    stats.probes++;
    probesInFlight++;
    stats.maxProbesInFlight = Math.max(stats.maxProbesInFlight, probesInFlight);
    try {
      // The host reads its files while the answer travels: one round trip in all.
      const [stdout] = await Promise.all([
        readFile(join(simDir(), `${this.host}.probe`), "utf8").catch(() => ""),
        sleep(latencyMs()),
      ]);
      return result(0, stdout);
    } finally {
      probesInFlight--;
    }
  }

  exec(argv: string[]): Promise<ExecResult> {
    return this.refuse(argv.join(" "));
  }

  interactive(): never {
    throw new Error(`sim provider: host ${this.host} has no terminal`);
  }

  private async refuse(what: string): Promise<ExecResult> {
    await sleep(latencyMs());
    return result(1, "", `sim host ${this.host} only answers discovery: ${what.slice(0, 80)}`);
  }
}

async function discover(hosts: HostSpec[], ctx: ProviderContext): Promise<LiveState> {
  stats.discoverCalls++;
  stats.hostsPerCall.push(hosts.length);
  const state: LiveState = { hosts: [], agents: [], errors: [] };
  // As the ssh provider does: every host at once, each one round trip.
  await Promise.all(
    hosts.map(async (host) => {
      try {
        const found = await discoverAgents(new SimTransport(host.name), {
          host: host.name,
          provider: "sim",
          prefix: ctx.env.prefix,
          home: ctx.env.home,
        });
        state.hosts.push({ name: host.name, provider: "sim", fleet: null, state: "running" });
        state.agents.push(...found.agents);
        state.errors.push(...found.errors);
      } catch (error) {
        state.errors.push({
          host: host.name,
          provider: "sim",
          error: toFleetError(error).toJSON(),
        });
      }
    }),
  );
  return state;
}

/** One round trip to start the host's lock holder. */
async function takeLock(): Promise<ReleaseLock> {
  stats.locks++;
  locksInFlight++;
  stats.maxLocksInFlight = Math.max(stats.maxLocksInFlight, locksInFlight);
  try {
    await sleep(latencyMs());
  } finally {
    locksInFlight--;
  }
  // Releasing closes the holder's stdin: nothing to wait for.
  return () => Promise.resolve();
}

const simProvider: Provider = {
  contractVersion: PROVIDER_CONTRACT_VERSION,
  name: "sim",
  capabilities: { manageHost: false, stopHost: false, snapshot: false, networkPolicy: false },
  validateHost: () => [],
  discover,
  transport: (host) => Promise.resolve(new SimTransport(host.name)),
  // No other fleet process holds a sim host's lock: waiting for it or trying it is the same.
  lock: takeLock,
  tryLock: takeLock,
  prepareWorkdir: (host) =>
    Promise.reject(new Error(`sim provider: host ${host.name} cannot make a work dir`)),
  ...unmanagedHostOperations("a simulated host (provider sim)", "the sim is for benchmarks only"),
};
export default simProvider;
