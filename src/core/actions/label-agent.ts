/** `fleet label AGENT key=value... key-...`: an unowned agent's labels, changed in place. */
import type { ProviderContext } from "../contracts/provider.ts";
import { applyLabelEdits, parseLabelEdits } from "../labels/label-edits.ts";
import type { LiveAgent } from "../model.ts";
import { editUnownedAgent } from "./edit-unowned-agent.ts";

export interface LabelResult {
  agent: LiveAgent;
  /** The labels as recorded now (fleet's `owner` is not among them). */
  labels: Record<string, string>;
  /** Keys given a new value, and keys removed; both empty when nothing changed. */
  set: string[];
  removed: string[];
}

export async function labelAgent(
  ref: string,
  args: readonly string[],
  ctx: ProviderContext,
): Promise<LabelResult> {
  // Bad arguments change nothing: checked before any host is read.
  const edits = parseLabelEdits(args);
  const result = await editUnownedAgent(ref, ctx, "labels", (spec) => {
    const next = applyLabelEdits(spec.labels, edits);
    const changed = next.set.length + next.removed.length > 0;
    return { spec: { ...spec, labels: next.labels }, outcome: next, changed };
  });
  const { labels, set, removed } = result.outcome;
  return { agent: result.agent, labels, set, removed };
}
