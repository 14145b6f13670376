/**
 * The plugin contract, version 1: what a `fleet-provider-*` or `fleet-agent-*`
 * npm package exports by default. A manifest names the providers and agent types
 * the package adds, each with a loader fleet calls only when that name is used.
 * Loaders get the SDK below: fleet's own helpers for the parts every provider
 * shares (reading agents over a transport, host locks, work dirs), so a plugin
 * needs no copy of fleet at run time; it imports this module's types only
 * (`import type { PluginManifest } from "fleet/plugin"`). See docs/plugins.md.
 */
import type { FleetEnv } from "../env.ts";
import type { FleetError, FleetErrorOptions } from "../errors.ts";
import type { HostAgents, DiscoverOptions } from "../host/discover-agents.ts";
import type { IoHost } from "../io.ts";
import type { AgentSpec } from "../model.ts";
import type { AgentType } from "./agent-type.ts";
import type { Provider, ProviderContext, ReleaseLock } from "./provider.ts";
import type { ExecOptions, ExecResult, Transport } from "./transport.ts";

export const PLUGIN_CONTRACT_VERSION = 1;

export type { AgentType, LaunchContext } from "./agent-type.ts";
export type { Provider, ProviderCapabilities, ProviderContext, ReleaseLock } from "./provider.ts";
export type { ExecOptions, ExecResult, InteractiveCommand, Transport } from "./transport.ts";
export type { AgentSpec, HostSpec, LiveAgent, LiveHost, LiveState, HostError } from "../model.ts";
export type { FleetEnv } from "../env.ts";
export type { IoHost } from "../io.ts";

/** Loads one provider or agent type; called at most once per fleet process, on first use. */
export type PluginLoader<T> = (sdk: PluginSdk) => T | Promise<T>;

export interface PluginManifest {
  /** The plugin contract this package was written for: {@link PLUGIN_CONTRACT_VERSION}. */
  contractVersion: number;
  /** Providers by the name fleet files use in `provider:`. */
  providers?: Record<string, PluginLoader<Provider>>;
  /** Agent types by the name fleet files use in `agent:`. */
  agentTypes?: Record<string, PluginLoader<AgentType>>;
}

/** Gives a manifest its type, for plugins written in TypeScript (identity at run time). */
export const definePlugin = (manifest: PluginManifest): PluginManifest => manifest;

/** What fleet hands a plugin's loaders. Stable within one plugin contract version. */
export interface PluginSdk {
  /** The contract versions this fleet implements. */
  readonly contracts: { plugin: number; provider: number; agentType: number };
  /** fleet's error type: a code, a message and a hint, printed without a stack trace. */
  error(code: string, message: string, options?: FleetErrorOptions): FleetError;
  /** Quotes one word, or joins argv, for a POSIX shell. */
  shellQuote(word: string): string;
  shellJoin(argv: readonly string[]): string;
  /** The hash fleet compares a host's spec by: label what you make with it. */
  specHash(value: unknown): string;
  /** Runs a program on this machine (no shell); never rejects for a non-zero exit. */
  run(
    command: string,
    args: string[],
    options?: Omit<ExecOptions, "env"> & { env?: NodeJS.ProcessEnv },
  ): Promise<ExecResult>;
  /** fleet's agents on a running host, read in one `transport.script` round trip. */
  discoverAgents(transport: Transport, options: DiscoverOptions): Promise<HostAgents>;
  /** An agent's work dir on the host (a git clone of its source, a copy, or empty). */
  prepareWorkdir(
    transport: Transport,
    spec: AgentSpec,
    agentDir: string,
    env: FleetEnv,
  ): Promise<string>;
  /**
   * A mutation lock held on this machine under FLEET_HOME/locks/, for hosts that
   * may not exist yet when the lock is taken (containers being made or removed).
   */
  controllerLock(key: string, ctx: ProviderContext): Promise<ReleaseLock>;
  tryControllerLock(key: string, ctx: ProviderContext): Promise<ReleaseLock | "busy">;
  /** A lock in the host's own fleet dir, through its transport (hosts that exist). */
  hostLock(transport: Transport, options: { host: string; io: IoHost }): Promise<ReleaseLock>;
  /** createHost..snapshot of a provider whose hosts exist on their own: each refuses clearly. */
  unmanagedHostOperations(
    kind: string,
    hint: string,
  ): Pick<
    Provider,
    "createHost" | "startHost" | "stopHost" | "destroyHost" | "applyNetworkPolicy" | "snapshot"
  >;
}
