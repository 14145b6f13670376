/**
 * Pulumi's engine events as fleet's words: each resource step becomes a plan
 * Change (address, action, fields, reasons), so that a Pulumi preview renders
 * in fleet's text, Markdown and JSON formats exactly as a native plan does.
 * Pure: no I/O.
 */
import type { EngineEvent, OpType, StepEventMetadata } from "@pulumi/pulumi/automation/index.js";
import type { AgentSpec, HostSpec } from "../../core/model.ts";
import { describeField, diffAgentSpecs, diffHostSpecs } from "../../core/plan/diff.ts";
import type { Change, ChangeKind, PlanAction } from "../../core/plan/types.ts";
import {
  AGENT_TYPE,
  HOST_TYPE,
  NETWORK_POLICY_TYPE,
  agentSpecOf,
  hostSpecOf,
  nameOfUrn,
} from "./resource-types.ts";
import type { AgentInputs, HostInputs, NetworkPolicyInputs } from "./resource-types.ts";

const ACTIONS: Partial<Record<OpType, PlanAction>> = {
  same: "noop",
  create: "create",
  update: "update",
  delete: "delete",
  replace: "replace",
  import: "noop",
};

/** The step of a resource the plan shows, or undefined for steps it folds away (the halves of a replace, refresh reads). */
export function stepAction(op: OpType): PlanAction | undefined {
  return ACTIONS[op];
}

interface Located {
  kind: ChangeKind;
  address: string;
  name: string;
}

export function locate(meta: Pick<StepEventMetadata, "urn" | "type">): Located | undefined {
  const name = nameOfUrn(meta.urn);
  switch (meta.type) {
    case AGENT_TYPE:
      return { kind: "agent", address: `agents.${name}`, name };
    case HOST_TYPE:
      return { kind: "host", address: `hosts.${name}`, name };
    case NETWORK_POLICY_TYPE:
      return { kind: "host", address: `hosts.${name}.network`, name };
  }
  return undefined;
}

type Props = Record<string, unknown> | undefined;

function specs(kind: ChangeKind, type: string, props: Props): AgentSpec | HostSpec | null {
  if (props === undefined) return null;
  if (type === NETWORK_POLICY_TYPE) {
    const { hostSpec, policy } = props as unknown as NetworkPolicyInputs;
    return { ...hostSpec, network: policy };
  }
  return kind === "agent"
    ? agentSpecOf(props as unknown as AgentInputs)
    : hostSpecOf(props as unknown as HostInputs);
}

function reasonsFor(meta: StepEventMetadata, action: PlanAction, change: Change): string[] {
  const oldState = (meta.old?.outputs as Props)?.state;
  if (meta.op === "import") return ["already running as declared: adopted into the stack (import)"];
  if (action === "create")
    return [change.kind === "agent" ? "the agent does not exist yet" : "not in the stack yet"];
  if (action === "delete") return ["no longer declared in the program"];
  if (action === "noop") return [];
  const reasons = change.fields.map(describeField);
  if (oldState === "MISSING")
    reasons.push("its session is gone (killed, or the machine rebooted): it is launched again");
  if (oldState === "stopped") reasons.push("the host is stopped: it is started");
  const dead = (meta.old?.outputs as Props)?.deadServices;
  if (Array.isArray(dead) && dead.length > 0)
    reasons.push(`service ${dead.join(", ")} is not running: it is restarted`);
  for (const key of meta.keys ?? []) {
    if (!change.fields.some((f) => f.field.split(".")[0] === key))
      reasons.push(`${key} changed (forces replacement)`);
  }
  if (reasons.length === 0) reasons.push(`${(meta.diffs ?? []).join(", ") || "its state"} changed`);
  return reasons;
}

/** A resource step as a plan Change; undefined for steps and resources fleet does not show. */
export function changeOfStep(meta: StepEventMetadata): Change | undefined {
  const action = stepAction(meta.op);
  const where = locate(meta);
  if (action === undefined || where === undefined) return undefined;
  const before = specs(where.kind, meta.type, meta.old?.outputs as Props);
  const after =
    action === "delete"
      ? null
      : specs(where.kind, meta.type, (meta.new?.inputs ?? meta.old?.inputs) as Props);
  const fields =
    before === null || after === null || action === "noop"
      ? []
      : where.kind === "agent"
        ? diffAgentSpecs(before as AgentSpec, after as AgentSpec)
        : diffHostSpecs(before as HostSpec, after as HostSpec);
  const spec = (after ?? before) as (AgentSpec & HostSpec) | null;
  const host = where.kind === "agent" ? ((spec as AgentSpec | null)?.host ?? "local") : where.name;
  const provider =
    where.kind === "agent"
      ? ((((meta.new?.inputs ?? meta.old?.inputs) as Props)?.hostSpec as HostSpec | undefined)
          ?.provider ?? "local")
      : ((spec as HostSpec | null)?.provider ?? "unknown");
  const change: Change = {
    address: where.address,
    kind: where.kind,
    name: where.name,
    host,
    provider,
    action,
    before,
    after,
    reasons: [],
    fields,
    dependsOn: [],
  };
  change.reasons = reasonsFor(meta, action, change);
  return change;
}

/** Collects the changes of a preview or update from its events, one per resource. */
export class StepCollector {
  readonly changes = new Map<string, Change>();
  readonly diagnostics: string[] = [];

  onEvent = (event: EngineEvent): void => {
    const meta = event.resourcePreEvent?.metadata;
    if (meta !== undefined) {
      const change = changeOfStep(meta);
      if (change) this.changes.set(change.address, change);
    }
    const diagnostic = event.diagnosticEvent;
    if (diagnostic && (diagnostic.severity === "error" || diagnostic.severity === "warning")) {
      const text = diagnostic.message.trim();
      if (text !== "") this.diagnostics.push(text);
    }
  };
}
