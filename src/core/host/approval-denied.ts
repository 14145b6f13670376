/**
 * After fleet denied an approval with keys that also end the agent's turn
 * (Claude Code's and Codex's "No, and tell it what to do differently"): the
 * agent is back at its prompt, but no hook says so (a turn the user interrupts
 * has no Stop), and the approval watcher (src/agents/screen-watch.ts) only
 * clears the approval mark, which reads as working. So once the question has
 * left its screen, fleet marks it waiting for input itself.
 */
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { getAgentType } from "../registry.ts";
import { agentPaths, windowTarget } from "./agent-record.ts";
import type { HostHandle } from "./handle.ts";
import { AGENT_WINDOW } from "./probe.ts";
import { requireAgent } from "./read-agent.ts";

const POLL_MS = 100;
/** How long the question may stay on screen after the keys (a key pressed while it is drawn can be lost). */
const GONE_WITHIN_MS = 10_000;
/** Polls of 0.1 s for the watcher to clear the approval mark itself (it reads every 0.3 s). */
const WATCHER_POLLS = 15;

export async function markBackAtPrompt(h: HostHandle, name: string): Promise<void> {
  const agent = await requireAgent(h, name);
  const type = await getAgentType(agent.record.spec.agent);
  const questions = (type.dialogs ?? []).filter((d) => d.duringTurn).map((d) => d.pattern);
  const target = q(windowTarget(agent.session, AGENT_WINDOW));
  const deadline = Date.now() + GONE_WITHIN_MS;
  for (;;) {
    const shot = await agent.transport.script(
      `tmux -u capture-pane -p -J -t ${target} 2>/dev/null; exit 0`,
    );
    if (!questions.some((question) => question.test(shot.stdout))) break;
    if (Date.now() > deadline) {
      throw new FleetError(
        "APPROVAL_NOT_ANSWERED",
        `the keys were pressed, but agent ${name} still asks for its approval`,
        { hint: "try again, or take control of its terminal and answer there", fault: "system" },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const mark = q(agentPaths(agent.transport.fleetDir, name).waiting);
  const reason = `{ fleet_m=; [ -s ${mark} ] && read -r fleet_m < ${mark}; }`;
  // The watcher, having seen the question go, removes an approval mark: let it, then
  // write the mark for input (a mark a hook wrote since, for another reason, stays).
  await agent.transport.script(
    [
      "fleet_i=0",
      `while ${reason}; [ "$fleet_m" = approval ] && [ $fleet_i -lt ${WATCHER_POLLS} ]; do fleet_i=$((fleet_i + 1)); sleep 0.1; done`,
      reason,
      `if [ ! -e ${mark} ] || [ "$fleet_m" = approval ]; then : > ${mark}; fi`,
      "exit 0",
    ].join("\n"),
  );
}
