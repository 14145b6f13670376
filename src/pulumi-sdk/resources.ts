/**
 * fleet's resources with friendly arguments: a Host takes a fleet file's host
 * fields, an Agent a fleet file's agent fields and the Host it runs on. Every
 * field may be a `pulumi.Input` (another resource's output, such as a
 * container's name or port). Each is resolved by fleet's own resolver once its
 * inputs are known, then registered as the same `fleet:index:*` resource the
 * inline program of `fleet apply --engine pulumi` declares.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AgentInput, HostInput, TemplateInput } from "../core/config/schema.ts";
import { usageError } from "../core/errors.ts";
import { DEFAULT_HOST, type AgentSpec, type HostSpec } from "../core/model.ts";
import * as engine from "../engines/pulumi/resources.ts";
import {
  resolveAgent,
  resolveAgentNow,
  resolveHost,
  resolveHostNow,
  type LoadOptions,
} from "./resolve.ts";

type Primitive = string | number | boolean | null | undefined;

/** A value, or a `pulumi.Input` of it, at any depth (an object of outputs, a list of promises...). */
export type DeepInput<T> =
  | pulumi.Input<T>
  | (T extends Primitive
      ? never
      : T extends readonly (infer U)[]
        ? DeepInput<U>[]
        : { [K in keyof T]: DeepInput<T[K]> });

type DeepInputs<T> = { [K in keyof T]: DeepInput<T[K]> };

/** A host's fields as under `hosts.NAME` in a fleet file, plus who owns it. */
export type HostArgs = DeepInputs<HostInput> & {
  /** The fleet that owns the host and what is made on it. */
  fleet: pulumi.Input<string>;
  /** The host's name in fleet (`fleet list`, `NAME@HOST`). Default: the resource's name. */
  name?: pulumi.Input<string>;
  /** Relative `build` and `identityFile` paths resolve against this. Default: the working directory. */
  baseDir?: string;
};

/** An agent's fields as under `agents.NAME` in a fleet file, with its host as a resource. */
export type AgentArgs = DeepInputs<Omit<AgentInput, "host">> & {
  /** The host it runs on: a Host, or one `declareFleet` returned. Default: this machine (`local`). */
  host?: Host | engine.Host;
  /** The owning fleet. Default: its host's fleet; required on this machine's implicit host. */
  fleet?: pulumi.Input<string>;
  /** The agent's name in fleet. Default: the resource's name. */
  name?: string;
  /** Templates `template` may name besides the built-in ones, as under `templates:` in a fleet file. */
  templates?: Record<string, TemplateInput>;
  /** A relative `workdir` resolves against this. Default: the working directory. */
  baseDir?: string;
};

export interface NetworkPolicyArgs {
  /** The host whose own `network` policy this enforces. */
  host: Host;
}

interface Placement {
  spec: pulumi.Output<HostSpec>;
  /** The spec, when the host's arguments hold no output or promise. */
  known: HostSpec | undefined;
  fleet: pulumi.Input<string> | undefined;
  /** What agents on the host are declared after: the host, and its network policy. */
  after: pulumi.Resource[];
}

/** Hosts `declareFleet` made, with what an Agent placed on one needs. */
const declaredHosts = new WeakMap<engine.Host, Placement>();

/** A spec known now, as an output (typed as the spec: output's unwrapped type of a record differs). */
const knownSpec = (spec: HostSpec): pulumi.Output<HostSpec> =>
  pulumi.output(spec as unknown) as pulumi.Output<HostSpec>;

/** Called by declareFleet for each host it declares, so that SDK Agents can run there too. */
export function rememberDeclaredHost(
  host: engine.Host,
  spec: HostSpec,
  fleet: string,
  policy: engine.NetworkPolicy | undefined,
): void {
  declaredHosts.set(host, {
    spec: knownSpec(spec),
    known: spec,
    fleet,
    after: policy === undefined ? [host] : [host, policy],
  });
}

/** Options a resource made alongside another (a host's policy) shares with it. */
function sharedOptions(opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  const { parent, provider, protect, version, pluginDownloadURL, retainOnDelete } = opts;
  const shared = { parent, provider, protect, version, pluginDownloadURL, retainOnDelete };
  return Object.fromEntries(Object.entries(shared).filter(([, value]) => value !== undefined));
}

/** Whether a value holds no output or promise, at any depth: it can be resolved right away. */
export function isPlain(value: unknown): boolean {
  if (pulumi.Output.isInstance(value) || pulumi.Resource.isInstance(value)) return false;
  if (typeof value !== "object" || value === null) return true;
  if (typeof (value as { then?: unknown }).then === "function") return false;
  return Object.values(value).every(isPlain);
}

function property<T, K extends keyof T>(value: pulumi.Output<T>, key: K): pulumi.Output<T[K]> {
  return value.apply((v) => v[key]);
}

/**
 * A host spec as separate outputs: an object even while some of its fields are
 * unknown (a container's port during preview), as the provider's check wants.
 */
function hostSpecInputs(spec: pulumi.Output<HostSpec>) {
  return {
    name: property(spec, "name"),
    provider: property(spec, "provider"),
    config: property(spec, "config"),
    network: property(spec, "network"),
    resources: property(spec, "resources"),
  };
}

function loadOptions(baseDir: string | undefined): LoadOptions {
  return baseDir === undefined ? {} : { baseDir };
}

/**
 * A machine agents run on (`fleet:index:Host`): this machine under a name of
 * your choosing, a Docker host fleet makes, or an SSH machine. With `network`,
 * its policy is declared too (`networkPolicy`), and agents on the host wait for it.
 */
export class Host extends engine.Host {
  /** The host as fleet resolved it from the arguments (known before the provider runs). */
  readonly spec: pulumi.Output<HostSpec>;
  /** The fleet that owns it, as given. */
  readonly owner: pulumi.Input<string>;
  /** Enforces `network`, when the host has one. */
  networkPolicy: NetworkPolicy | undefined;
  /** The resource's own name (its URN's last part). */
  readonly resourceName: string;
  /** The resolved spec, when every argument was a plain value. */
  readonly knownSpec: HostSpec | undefined;

  constructor(name: string, args: HostArgs, opts: pulumi.CustomResourceOptions = {}) {
    const { fleet, name: hostName, baseDir, ...fields } = args;
    const options = loadOptions(baseDir);
    // Plain arguments are checked now, so a typo throws here, naming this resource.
    const known =
      typeof fleet === "string" && isPlain(hostName ?? name) && isPlain(fields)
        ? resolveHostNow(
            { fleet, name: (hostName ?? name) as string, input: fields as HostInput },
            options,
          )
        : undefined;
    const spec = pulumi
      .all([pulumi.output(fleet), pulumi.output(hostName ?? name), pulumi.output(fields)])
      .apply(([owner, named, input]) =>
        resolveHost({ fleet: owner, name: named, input: input }, options),
      );
    const { network: _network, ...inputs } = hostSpecInputs(spec);
    super(name, { ...inputs, fleet }, opts);
    this.spec = spec;
    this.owner = fleet;
    this.resourceName = name;
    this.knownSpec = known;
    this.networkPolicy = undefined;
    if (fields.network !== undefined) {
      this.networkPolicy = new NetworkPolicy(name, { host: this }, sharedOptions(opts));
    }
  }
}

/**
 * Enforces a Host's own `network` policy (`fleet:index:NetworkPolicy`). A Host
 * given `network` declares its policy itself; declare one yourself only for a
 * Host that has none declared yet.
 */
export class NetworkPolicy extends engine.NetworkPolicy {
  constructor(name: string, args: NetworkPolicyArgs, opts: pulumi.CustomResourceOptions = {}) {
    const host = args.host;
    if (host.networkPolicy !== undefined) {
      throw usageError(`fleet host resource "${host.resourceName}" already has its network policy`);
    }
    const spec = host.spec;
    const { network: _network, ...hostSpec } = hostSpecInputs(spec);
    const policy = spec.apply((s) => {
      if (s.network === undefined) {
        throw usageError(
          `fleet host "${s.name}" has no network policy to enforce: set its network`,
        );
      }
      return s.network;
    });
    super(
      name,
      {
        fleet: host.owner,
        hostSpec: hostSpec as unknown as pulumi.Input<Omit<HostSpec, "network">>,
        policy,
      },
      engine.dependingOn(opts, [host]),
    );
    host.networkPolicy = this;
  }
}

function placementOf(host: Host | engine.Host | undefined): Placement {
  if (host === undefined) {
    return { spec: knownSpec(DEFAULT_HOST), known: DEFAULT_HOST, fleet: undefined, after: [] };
  }
  if (host instanceof Host) {
    const after: pulumi.Resource[] = [host];
    if (host.networkPolicy) after.push(host.networkPolicy);
    return { spec: host.spec, known: host.knownSpec, fleet: host.owner, after };
  }
  const declared = declaredHosts.get(host);
  if (declared) return declared;
  throw usageError(
    "this host resource was not made by fleet/pulumi: place agents on a fleet.Host, or on a host declareFleet returned",
  );
}

/** The fields of an agent spec, each its own output (the resource's top-level properties). */
const AGENT_FIELDS = [
  "host",
  "agent",
  "command",
  "args",
  "env",
  "secrets",
  "workdir",
  "services",
  "labels",
  "message",
  "idleTimeout",
  "template",
  "network",
  "resources",
  "snapshot",
] as const satisfies readonly (keyof AgentSpec)[];

/**
 * An agent (`fleet:index:Agent`), declared after its host and the host's
 * network policy. Secrets are names: the provider reads their values from its
 * own environment when it starts the agent, so no value is in Pulumi's state.
 */
export class Agent extends engine.Agent {
  /** The agent as fleet resolved it: templates and defaults applied, paths absolute. */
  readonly spec: pulumi.Output<AgentSpec>;

  constructor(name: string, args: AgentArgs, opts: pulumi.CustomResourceOptions = {}) {
    const { host, fleet, name: agentName = name, templates, baseDir, ...fields } = args;
    const placement = placementOf(host);
    const owner = fleet ?? placement.fleet;
    if (owner === undefined) {
      throw usageError(
        `fleet agent resource "${name}" needs a fleet: give its host, or fleet: NAME for this machine`,
      );
    }
    const options = loadOptions(baseDir);
    const extra = templates === undefined ? {} : { templates };
    if (typeof owner === "string" && placement.known !== undefined && isPlain(fields)) {
      // Checked now, so a typo throws here, naming this resource.
      resolveAgentNow(
        {
          fleet: owner,
          name: agentName,
          input: fields as Omit<AgentInput, "host">,
          host: placement.known,
          ...extra,
        },
        options,
      );
    }
    const resolved = pulumi
      .all([pulumi.output(owner), placement.spec, pulumi.output(fields)])
      .apply(([ownerName, hostSpec, input]) =>
        resolveAgent(
          {
            fleet: ownerName,
            name: agentName,
            input: input,
            host: hostSpec,
            ...extra,
          },
          options,
        ),
      );
    const spec = resolved.apply((r) => r.agent);
    const inputs = Object.fromEntries(AGENT_FIELDS.map((field) => [field, property(spec, field)]));
    super(
      name,
      {
        ...(inputs as unknown as Omit<engine.AgentArgs, "name" | "fleet" | "hostSpec">),
        name: agentName,
        fleet: owner,
        hostSpec: hostSpecInputs(
          resolved.apply((r) => r.host),
        ) as unknown as pulumi.Input<HostSpec>,
      },
      engine.dependingOn(opts, placement.after),
    );
    this.spec = spec;
  }
}
