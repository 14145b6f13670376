/** `fleet approve AGENT` and `fleet deny AGENT`: answer the approval an agent asks for. */
import { type ApprovalAnswer, answerApproval } from "../../core/actions/answer-approval.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

async function answer(which: ApprovalAnswer, ref: string, options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const sent = await answerApproval(ref, which, context);
  if (context.format === "json") {
    printJson({ answered: which, agent: sent.agent, host: sent.host, keys: sent.keys ?? [] });
  } else {
    printText(`${which === "approve" ? "Approved" : "Denied"} ${sent.agent}'s request.`, "stderr");
  }
}

export const runApprove = (ref: string, options: CommonOptions) => answer("approve", ref, options);
export const runDeny = (ref: string, options: CommonOptions) => answer("deny", ref, options);
