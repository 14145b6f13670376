/**
 * Plan and apply a fleet file, the library entry points behind `fleet plan`,
 * `fleet apply` and `fleet destroy`. Apply takes every involved host's lock
 * before it reads live state, so concurrent applies serialize and the second
 * one plans against what the first one made.
 */
import type { Provider, ProviderCapabilities, ProviderContext } from "../contracts/provider.ts";
import { FleetError } from "../errors.ts";
import { DEFAULT_HOST, type DesiredState, type HostSpec, type LiveState } from "../model.ts";
import { computePlan } from "../plan/compute.ts";
import { missingSecretWords } from "../plan/describe.ts";
import { launchedSpec, missingNames, missingSecrets } from "../plan/secrets-check.ts";
import type { MissingSecret, Plan } from "../plan/types.ts";
import { getProvider } from "../registry.ts";
import { resolveSecrets } from "../secrets.ts";
import { discoverLive } from "../state/discover.ts";
import { forgetHost, knownHosts, rememberHosts } from "../state/known-hosts.ts";
import { withLocalHostsOf } from "../state/local-hosts.ts";
import type { ApplyResult, Engine } from "../../engines/engine.ts";
import { lockHostsInOrder, providersFor } from "./host-locks.ts";

export interface PlannedFleet {
  desired: DesiredState;
  live: LiveState;
  plan: Plan;
  hosts: Map<string, HostSpec>;
}

/**
 * The hosts a fleet file involves: its own, the implicit local host, and any
 * extra ones whose agents or containers may still need removing.
 */
export function fleetHosts(
  desired: DesiredState,
  extra: readonly HostSpec[] = [],
): Map<string, HostSpec> {
  const hosts = new Map<string, HostSpec>([[DEFAULT_HOST.name, DEFAULT_HOST]]);
  for (const host of [...extra, ...desired.hosts]) hosts.set(host.name, host);
  return hosts;
}

/**
 * Hosts fleet made itself (docker) that this controller remembers but the file no
 * longer declares: the fleet may own them, and then they are planned for deletion.
 */
async function formerManagedHosts(
  hosts: Map<string, HostSpec>,
  ctx: ProviderContext,
): Promise<HostSpec[]> {
  const remembered = (await knownHosts(ctx.env)).filter((h) => !hosts.has(h.name));
  const managed = await Promise.all(
    remembered.map(async (host) => {
      try {
        return (await getProvider(host.provider)).capabilities.manageHost ? host : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return managed.filter((h): h is HostSpec => h !== undefined);
}

async function involvedHosts(
  desired: DesiredState,
  ctx: ProviderContext,
  extra: readonly HostSpec[] = [],
): Promise<Map<string, HostSpec>> {
  const hosts = fleetHosts(desired, extra);
  for (const host of await formerManagedHosts(hosts, ctx)) hosts.set(host.name, host);
  return hosts;
}

/** The plan, with the secrets it needs checked against `env` (default: this process's). */
export async function planFleet(
  desired: DesiredState,
  ctx: ProviderContext,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PlannedFleet> {
  const hosts = await involvedHosts(desired, ctx);
  const providers = await providersFor(hosts.values());
  const live = await discoverLive([...hosts.values()], ctx);
  const computed = computePlan(desired, live, { capabilities: capabilitiesOf(providers) });
  const plan = { ...computed, missingSecrets: missingSecrets(computed, env) };
  return { desired, live, plan, hosts: withLocalHostsOf(hosts, live) };
}

function capabilitiesOf(providers: Map<string, Provider>): Record<string, ProviderCapabilities> {
  return Object.fromEntries([...providers].map(([name, p]) => [name, p.capabilities]));
}

export interface ApplyFleetOptions {
  ctx: ProviderContext;
  engine: Engine;
  parallelism: number;
  signal?: AbortSignal;
  /** A saved plan: apply refuses it when live state has moved since it was made. */
  savedPlan?: Plan;
  /** Shown the plan before anything changes; false cancels. Not called when nothing changes. */
  confirm: (planned: PlannedFleet) => Promise<boolean>;
  /** Reads a secret's value; defaults to the process environment. */
  env?: NodeJS.ProcessEnv;
  /** Hosts no longer desired whose leftovers apply may remove (destroy passes the file's hosts). */
  extraHosts?: readonly HostSpec[];
  /** `fleet destroy`: the empty desired state means everything goes (the plan's reasons say so). */
  destroying?: boolean;
}

export interface AppliedFleet extends PlannedFleet {
  /** Undefined when nothing needed doing or the user declined. */
  result?: ApplyResult;
  declined: boolean;
}

export async function applyFleet(
  desired: DesiredState,
  options: ApplyFleetOptions,
): Promise<AppliedFleet> {
  const { ctx } = options;
  const declared = await involvedHosts(desired, ctx, options.extraHosts);
  const providers = await providersFor(declared.values());
  // Unreachable hosts are left to discovery, which reports them as that host's error.
  const locks = await lockHostsInOrder(declared.values(), providers, ctx, (host, error) => {
    if (error.fault === "user") throw error;
    ctx.io.notify({
      level: "warn",
      code: "lock.unavailable",
      message: `could not lock host ${host.name}: ${error.message}`,
    });
  });
  try {
    const live = await discoverLive([...declared.values()], ctx);
    // Agents on local host names the file does not declare are on this machine,
    // whose lock is held: apply can reach them (to delete what the fleet owns).
    const hosts = withLocalHostsOf(declared, live);
    const env = options.env ?? process.env;
    const computed = computePlan(desired, live, {
      capabilities: capabilitiesOf(providers),
      destroying: options.destroying === true,
    });
    const plan = { ...computed, missingSecrets: missingSecrets(computed, env) };
    const planned: PlannedFleet = { desired, live, plan, hosts };
    if (options.savedPlan && options.savedPlan.fingerprint !== plan.fingerprint) {
      throw new FleetError(
        "PLAN_STALE",
        "the saved plan is stale: live state has changed since it was made",
        {
          hint: "run `fleet plan -o FILE` again, review it, and apply the new plan",
        },
      );
    }
    refuseConflicts(plan);
    if (!plan.changes.some((c) => c.action !== "noop")) {
      // Every declared host is there: one `fleet host rm` forgot is remembered again.
      await rememberHosts(ctx.env, desired.hosts).catch(() => undefined);
      return { ...planned, declined: false };
    }
    refuseMissingSecrets(plan.missingSecrets);
    const secrets = secretsForPlan(plan, env);
    if (!(await options.confirm(planned))) return { ...planned, declined: true };
    const result = await options.engine.apply(plan, desired, {
      ctx,
      hosts,
      secrets,
      parallelism: options.parallelism,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    await rememberHosts(ctx.env, desired.hosts).catch(() => undefined);
    await forgetDestroyedHosts(ctx, plan, result).catch(() => undefined);
    return { ...planned, result, declined: false };
  } finally {
    await locks.releaseAll();
  }
}

/** Apply touches nothing while a secret the plan needs is unset. */
/** A plan with conflicts (a name another owner holds) is applied by no engine. */
export function refuseConflicts(plan: Pick<Plan, "conflicts">): void {
  if (plan.conflicts.length === 0) return;
  throw new FleetError(
    "PLAN_CONFLICT",
    plan.conflicts.map((c) => `${c.address}: ${c.message}`).join("\n"),
    { hint: "rename the agent in the fleet file, or destroy the other agent first" },
  );
}

export function refuseMissingSecrets(missing: readonly MissingSecret[]): void {
  if (missing.length === 0) return;
  const names = missingNames(missing);
  throw new FleetError(
    "SECRET_MISSING",
    `missing secrets, nothing was changed:\n${missing.map((m) => `  ${missingSecretWords(m)}`).join("\n")}`,
    {
      hint: `export ${names.join(", ")} before running fleet (secrets are read from the caller's environment and never stored)`,
      details: { missing: names, agents: missing },
    },
  );
}

/** A host apply destroyed is no longer one to look at: its remembered entry goes too. */
async function forgetDestroyedHosts(
  ctx: ProviderContext,
  plan: Plan,
  result: ApplyResult,
): Promise<void> {
  const done = new Set(result.outcomes.filter((o) => o.status === "done").map((o) => o.address));
  for (const change of plan.changes) {
    if (change.kind === "host" && change.action === "delete" && done.has(change.address)) {
      await forgetHost(ctx.env, change.name);
    }
  }
}

/** Every secret a plan will hand to an agent, read now so a missing one fails before any change. */
function secretsForPlan(plan: Plan, env: NodeJS.ProcessEnv): Map<string, Record<string, string>> {
  const secrets = new Map<string, Record<string, string>>();
  for (const change of plan.changes) {
    const spec = launchedSpec(change);
    if (spec) secrets.set(spec.name, resolveSecrets(spec.secrets, env));
  }
  return secrets;
}
