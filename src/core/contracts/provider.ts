/**
 * The provider contract, version 1. A provider is registered by name
 * (src/core/registry.ts) and implements hosts of one kind. Everything an agent
 * does on a host goes through the provider's Transport, so a new provider mostly
 * says how to reach a host and how to make, stop and remove one.
 */
import type { FleetEnv } from "../env.ts";
import type { IoHost } from "../io.ts";
import type { AgentSpec, HostSpec, LiveState, NetworkPolicy } from "../model.ts";
import type { Transport } from "./transport.ts";
import type { GcItem } from "../gc/gc-item.ts";

export const PROVIDER_CONTRACT_VERSION = 1;

export interface ProviderCapabilities {
  /** fleet creates and destroys the host itself (docker) rather than using one that exists (local, ssh). */
  manageHost: boolean;
  /** The host can be stopped and started, keeping its filesystem. */
  stopHost: boolean;
  snapshot: boolean;
  networkPolicy: boolean;
}

export interface ProviderContext {
  env: FleetEnv;
  io: IoHost;
  /**
   * The fleet a call acts for: a provider labels what it creates with it, so
   * the fleet file owns it. Null or absent for hosts made outside a fleet file.
   */
  fleet?: string | null;
}

/** Releases a lock taken with {@link Provider.lock}. */
export type ReleaseLock = () => Promise<void>;

export interface Provider {
  readonly contractVersion: typeof PROVIDER_CONTRACT_VERSION;
  readonly name: string;
  readonly capabilities: ProviderCapabilities;

  /**
   * Problems with a host's provider-specific fields, each `{ path, message }`
   * with `path` relative to the host (e.g. `image`). Pure: touches nothing.
   */
  validateHost(host: HostSpec): { path: string; message: string }[];

  /**
   * Live hosts and agents for the given hosts. An unreachable host must not
   * reject: it is reported in `errors` and the others are still returned.
   * Reads as little as possible: one listing per host, not one call per agent.
   */
  discover(hosts: HostSpec[], ctx: ProviderContext): Promise<LiveState>;

  /** A transport to the host's shell. The host must be running. */
  transport(host: HostSpec, ctx: ProviderContext): Promise<Transport>;

  /**
   * Takes the per-host mutation lock, waiting for another fleet process if
   * needed (and saying so through ctx.io). Held until the returned function runs.
   */
  lock(host: HostSpec, ctx: ProviderContext): Promise<ReleaseLock>;

  /**
   * Takes the same lock only if it is free at once, else resolves "busy" and
   * holds nothing. Optional: with it, apply and reconcile ask all their hosts at
   * once (one round trip in all, not one per host, src/core/apply/host-locks.ts)
   * and wait in order only when one is busy; without it, they lock one by one.
   */
  tryLock?(host: HostSpec, ctx: ProviderContext): Promise<ReleaseLock | "busy">;

  /**
   * Makes the agent's work dir on the host: a git worktree or clone on
   * `spec.workdir.branch` when the source is a git repo, a copy otherwise.
   * Returns its absolute path on the host. Reuses what is already there.
   */
  prepareWorkdir(
    host: HostSpec,
    spec: AgentSpec,
    agentDir: string,
    ctx: ProviderContext,
  ): Promise<string>;

  createHost(host: HostSpec, ctx: ProviderContext): Promise<void>;
  startHost(host: HostSpec, ctx: ProviderContext): Promise<void>;
  stopHost(host: HostSpec, ctx: ProviderContext): Promise<void>;
  destroyHost(host: HostSpec, ctx: ProviderContext): Promise<void>;
  applyNetworkPolicy(host: HostSpec, policy: NetworkPolicy, ctx: ProviderContext): Promise<void>;
  /** Commits the host to an image; returns its id. */
  snapshot(host: HostSpec, ctx: ProviderContext): Promise<string>;
  /**
   * Where agents on this host reach the agents' bus: the path of the bus's unix
   * socket as the host sees it (its own, a mount of it, or a forward of it), or
   * undefined when this host cannot reach the bus. Readying what that needs (an
   * SSH forward) is part of the call.
   */
  busSocket?(host: HostSpec, ctx: ProviderContext): Promise<string | undefined>;
  /**
   * A file of a stopped host, read without starting it (a stopped container's
   * filesystem), by its path in the host's fleet dir (`agents/NAME/events.jsonl`);
   * undefined when there is no such file. Only providers whose hosts
   * can be stopped have it. What it returns came from the host: check it before use.
   */
  readStoppedFile?(
    host: HostSpec,
    fleetPath: string,
    ctx: ProviderContext,
  ): Promise<Buffer | undefined>;
  /**
   * What this provider made for this controller outside any host that nothing
   * uses any more (docker: snapshot and intermediate images), for `fleet gc`.
   * Each item's `remove` checks again before it deletes. Nothing to judge (no
   * engine) is an empty list, not an error.
   */
  findGarbage?(options: ProviderGarbageOptions, ctx: ProviderContext): Promise<GcItem[]>;
}

export interface ProviderGarbageOptions {
  /** Snapshots nobody uses that are older than this may go; absent, every snapshot stays. */
  snapshotsOlderThanMs?: number;
  now: number;
}
