/**
 * `fleet capture`: an agent's screen as it is now. A stopped agent (or one whose
 * docker host is stopped) has no screen, and is reported without touching its host.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { FleetError } from "../errors.ts";
import { captureScreen, type Screen } from "../host/capture.ts";
import { type AgentTarget, findAgent } from "./agent-target.ts";

export interface AgentScreen {
  target: AgentTarget;
  service?: string;
  screen: Screen;
}

export async function captureAgent(
  ref: string,
  ctx: ProviderContext,
  options: { service?: string } = {},
): Promise<AgentScreen> {
  const target = await findAgent(ref, ctx);
  const { agent, handle } = target;
  if (agent.state === "STOPPED") {
    throw new FleetError(
      "AGENT_NOT_RUNNING",
      `agent ${agent.name} is STOPPED: it has no screen to capture`,
      {
        hint: `\`fleet start ${agent.name}\` starts it; \`fleet transcript ${agent.name} --terminal\` shows what it printed`,
      },
    );
  }
  const screen = await captureScreen(handle, agent.name, options);
  return { target, ...(options.service === undefined ? {} : { service: options.service }), screen };
}
