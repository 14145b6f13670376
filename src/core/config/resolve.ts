/**
 * From a validated fleet file to the desired state: templates and defaults
 * applied (agent over template over defaults), durations and sizes in numbers,
 * paths absolute, `{name}` substituted. Problems met on the way (unknown
 * templates, cycles) are recorded, not thrown; rules.ts checks the result.
 */
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { DEFAULT_HOST } from "../model.ts";
import type {
  AgentSpec,
  DesiredState,
  HostSpec,
  NetworkPolicy,
  NotifyRule,
  ResourceLimits,
} from "../model.ts";
import { notifyRule } from "../notify/rule.ts";
import { EMPTY_LAYER, layerOf, mergeLayers } from "./layers.ts";
import type { FieldName, Layer } from "./layers.ts";
import type { ConfigPath, Finding } from "./problems.ts";
import type { FleetConfig, HostConfig } from "./schema.ts";
import { templateResolver } from "./templates.ts";
import { tryParseDuration, tryParseSize } from "./units.ts";

export const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60_000;
export const DEFAULT_BRANCH = "fleet/{name}";

export interface ResolveContext {
  /** Absolute path of the fleet file. */
  file: string;
  /** Relative paths in the file are relative to this (the file's directory). */
  baseDir: string;
  /** For `~` in paths; defaults to the user's home directory. */
  home?: string;
}

/** Where each field of a resolved agent was set, for placing problems found later. */
export interface AgentOrigins {
  /** The agent's own key: `agents.<name>`. */
  self: ConfigPath;
  fields: Partial<Record<FieldName, ConfigPath>>;
}

export interface Resolution {
  desired: DesiredState;
  /** By agent name. */
  origins: Map<string, AgentOrigins>;
  findings: Finding[];
}

export function resolveFleet(config: FleetConfig, ctx: ResolveContext): Resolution {
  const findings: Finding[] = [];
  const templates = templateResolver(config.templates ?? {}, findings);
  templates.checkAll();
  const defaults = config.defaults ?? {};
  const defaultsLayer = layerOf(defaults, ["defaults"]);
  const agents: AgentSpec[] = [];
  const origins = new Map<string, AgentOrigins>();
  const notify: Record<string, NotifyRule> = {};

  for (const [name, agent] of Object.entries(config.agents ?? {})) {
    const self = ["agents", name];
    let templateLayer: Layer | undefined = EMPTY_LAYER;
    if (agent.template !== undefined) {
      templateLayer = templates.layer(agent.template, [...self, "template"]);
    }
    if (!templateLayer) continue;
    const merged = mergeLayers(
      mergeLayers(defaultsLayer, withFallbackOrigins(templateLayer, [...self, "template"])),
      layerOf(agent, self),
    );
    const host = agent.host ?? defaults.host ?? DEFAULT_HOST.name;
    agents.push(agentSpec(name, host, agent.template, merged, config.name, ctx));
    // Kept out of the spec: a rule never updates or replaces the agent.
    if (merged.fields.notify !== undefined) notify[name] = notifyRule(merged.fields.notify);
    origins.set(name, { self, fields: merged.origins });
  }

  const hosts = Object.entries(config.hosts ?? {}).map(([name, host]) => hostSpec(name, host, ctx));
  if (!hosts.some((host) => host.name === DEFAULT_HOST.name)) {
    hosts.unshift({ ...DEFAULT_HOST, config: {} });
  }
  const desired: DesiredState = { fleet: config.name, source: ctx.file, hosts, agents };
  if (Object.keys(notify).length > 0) desired.notify = notify;
  return { desired, origins, findings };
}

/** Fields a built-in template set have no line of their own: point at the reference to it. */
function withFallbackOrigins(layer: Layer, reference: ConfigPath): Layer {
  const origins = { ...layer.origins };
  for (const name of Object.keys(layer.fields) as FieldName[]) origins[name] ??= reference;
  return { fields: layer.fields, origins };
}

function agentSpec(
  name: string,
  host: string,
  template: string | undefined,
  layer: Layer,
  fleet: string,
  ctx: ResolveContext,
): AgentSpec {
  const f = layer.fields;
  // `command:` alone implies the `command` agent type.
  const type = f.agent ?? (f.command !== undefined ? "command" : "");
  const spec: AgentSpec = {
    name,
    host,
    agent: type,
    args: f.args ?? [],
    env: f.env ?? {},
    secrets: f.secrets ?? [],
    services: (f.services ?? []).map((service) => ({
      name: service.name,
      command: service.command,
      port: service.port ?? null,
    })),
    labels: f.labels ?? {},
    idleTimeout:
      f.idle === "disabled"
        ? null
        : f.idleTimeout === undefined
          ? DEFAULT_IDLE_TIMEOUT_MS
          : (tryParseDuration(f.idleTimeout) ?? DEFAULT_IDLE_TIMEOUT_MS),
  };
  if (f.command !== undefined) spec.command = f.command;
  if (f.workdir !== undefined) {
    const workdir = typeof f.workdir === "string" ? { from: f.workdir } : f.workdir;
    spec.workdir = {
      from: resolvePath(workdir.from, ctx),
      branch: expandBranch(workdir.branch ?? DEFAULT_BRANCH, name, fleet),
    };
  }
  if (f.message !== undefined) spec.message = f.message;
  if (template !== undefined) spec.template = template;
  if (f.network !== undefined) spec.network = networkPolicy(f.network);
  if (f.resources !== undefined) spec.resources = resourceLimits(f.resources);
  if (f.snapshot !== undefined) spec.snapshot = f.snapshot;
  return spec;
}

/** `{name}` is the agent's name, `{fleet}` the fleet's. */
export function expandBranch(branch: string, name: string, fleet: string): string {
  return branch.replaceAll("{name}", name).replaceAll("{fleet}", fleet);
}

function hostSpec(name: string, host: HostConfig, ctx: ResolveContext): HostSpec {
  const { provider, network, resources, build, identityFile, ...rest } = host;
  const config: Record<string, unknown> = { ...rest };
  if (build !== undefined) {
    const spec = typeof build === "string" ? { context: build } : build;
    const context = resolvePath(spec.context ?? ".", ctx);
    config.build = { context, dockerfile: resolve(context, spec.dockerfile ?? "Dockerfile") };
  }
  if (identityFile !== undefined) config.identityFile = resolvePath(identityFile, ctx);
  const spec: HostSpec = { name, provider, config };
  if (network !== undefined) spec.network = networkPolicy(network);
  if (resources !== undefined) spec.resources = resourceLimits(resources);
  return spec;
}

function networkPolicy(network: NonNullable<HostConfig["network"]>): NetworkPolicy {
  return network.egress === "allowlist"
    ? { egress: "allowlist", cidrs: network.cidrs ?? [] }
    : { egress: network.egress };
}

function resourceLimits(resources: NonNullable<HostConfig["resources"]>): ResourceLimits {
  const limits: ResourceLimits = {};
  if (resources.cpus !== undefined) limits.cpus = resources.cpus;
  if (resources.memory !== undefined) {
    const bytes = tryParseSize(resources.memory);
    if (bytes !== undefined) limits.memory = bytes;
  }
  if (resources.pids !== undefined) limits.pids = resources.pids;
  return limits;
}

/** `~` is the controller user's home; other relative paths are relative to the fleet file. */
export function resolvePath(path: string, ctx: ResolveContext): string {
  const home = ctx.home ?? homedir();
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return isAbsolute(path) ? resolve(path) : resolve(ctx.baseDir, path);
}
