/**
 * `fleet destroy NAME...|-l SELECTOR` and the MCP `destroy_agent` tool: the
 * agents are found (by name, those whose record is TAMPERED or UNREADABLE too:
 * only their own dir is saved and removed, whatever their record says), the
 * caller confirms, then each is destroyed under its host's lock, its work saved
 * first (src/core/apply/destroy-agents.ts).
 */
import type { ProviderContext } from "../contracts/provider.ts";
import {
  type DestroyedAgents,
  type DestroyTarget,
  destroyAgents,
} from "../apply/destroy-agents.ts";
import { findAgentsOrProblems, findTargets } from "./agent-target.ts";

export type DestroyOutcome =
  /** The names or selectors picked no agent: nothing was asked or changed. */
  | { status: "none" }
  /** The caller declined: nothing was changed. */
  | { status: "declined"; targets: DestroyTarget[] }
  | ({
      status: "destroyed";
      targets: DestroyTarget[];
      /** Agents a fleet file owns: its next apply makes them again unless removed from it. */
      fileOwned: string[];
    } & DestroyedAgents);

export async function destroyNamedAgents(
  refs: readonly string[],
  selectors: readonly string[],
  ctx: ProviderContext,
  confirm: (targets: readonly DestroyTarget[]) => Promise<boolean>,
): Promise<DestroyOutcome> {
  const { targets, live } =
    selectors.length === 0 && refs.length > 0
      ? await findAgentsOrProblems(refs, ctx)
      : await findTargets(refs, selectors, ctx).then(({ targets, live }) => ({
          live,
          targets: targets.map((t) => ({ ...t, name: t.agent.name, host: t.agent.host })),
        }));
  if (targets.length === 0) return { status: "none" };
  if (!(await confirm(targets))) return { status: "declined", targets };
  const result = await destroyAgents(targets, live, ctx);
  const fileOwned = targets
    .filter((t) => t.agent !== undefined && t.agent.fleet !== null)
    .map((t) => t.name);
  return { status: "destroyed", targets, fileOwned, ...result };
}
