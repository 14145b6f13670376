/**
 * Approve or deny the approval an agent asks for (WAITING, reason `approval`),
 * with the keys its agent type names: `fleet approve|deny` and `fleet ui`'s
 * buttons. Only an agent that is asking is answered, so keys meant for a
 * question never land in a prompt or in the middle of a turn.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { FleetError } from "../errors.ts";
import { markBackAtPrompt } from "../host/approval-denied.ts";
import { getAgentType } from "../registry.ts";
import { findAgent } from "./agent-target.ts";
import { keysPayload, sendMessageTo, type SentMessage } from "./send-message.ts";

export type ApprovalAnswer = "approve" | "deny";

/** How long the keys may wait for the agent's queue (another message being typed). */
const KEYS_WAIT_MS = 10_000;

export async function answerApproval(
  ref: string,
  answer: ApprovalAnswer,
  ctx: ProviderContext,
  env?: NodeJS.ProcessEnv,
): Promise<SentMessage> {
  const { agent, handle } = await findAgent(ref, ctx);
  if (agent.state !== "WAITING" || agent.waitingFor !== "approval") {
    throw new FleetError("NO_APPROVAL", `${agent.name} is not asking for an approval`, {
      hint: `it is ${agent.state}${agent.waitingFor ? ` (${agent.waitingFor})` : ""}; answer while fleet list shows WAITING (approval)`,
    });
  }
  const approvalKeys = (await getAgentType(agent.spec.agent)).approvalKeys;
  if (approvalKeys === undefined) {
    throw new FleetError(
      "APPROVAL_UNSUPPORTED",
      `fleet cannot answer ${agent.spec.agent}'s approvals`,
      { hint: `answer in its terminal: fleet connect ${agent.name}` },
    );
  }
  const sent = await sendMessageTo(ref, keysPayload(approvalKeys[answer]), ctx, {
    waitMs: KEYS_WAIT_MS,
    waitWords: "10s",
    ...(env === undefined ? {} : { env }),
  });
  if (answer === "deny" && approvalKeys.denyEndsTurn === true) {
    await markBackAtPrompt(handle, agent.name);
  }
  return sent;
}
