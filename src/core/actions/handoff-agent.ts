/**
 * `fleet handoff` and the dashboard's handoff: give an agent a new owner. The
 * handoff is appended to the agent's event log on its host (so `fleet logs`
 * shows it), the owner is recorded on this controller (where the host cannot
 * rewrite it), and the agent's notification rules are told.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { agentPaths } from "../host/agent-record.ts";
import { openHost, runScript } from "../host/handle.ts";
import { appendEventLines } from "../host/record-io.ts";
import { shellQuote as q } from "../contracts/transport.ts";
import { usageError } from "../errors.ts";
import type { LiveAgent } from "../model.ts";
import { handoffEvent, observed, type EmitReport, type Notifier } from "../notify/index.ts";
import {
  checkOwnerName,
  controllerUser,
  ownerOf,
  withOwnerLabels,
  writeOwnerRecord,
} from "../owners/owner-store.ts";
import { findUnsafeCharacter } from "../text/message-check.ts";
import { findAgent, withHostLock } from "./agent-target.ts";

export const MAX_HANDOFF_NOTE = 500;

export interface HandoffOptions {
  ctx: ProviderContext;
  /** NAME or NAME@HOST. */
  ref: string;
  to: string;
  note?: string;
  /** Tells the agent's rules; without one nothing is sent. */
  notifier?: Notifier;
  /** For $FLEET_USER (who hands off when the agent had no recorded owner). */
  env?: NodeJS.ProcessEnv;
}

export interface HandoffResult {
  /** The agent, its `owner` label now the new owner. */
  agent: LiveAgent;
  from: string;
  to: string;
  note?: string;
  /** ISO time of the handoff. */
  at: string;
  /** What was sent; absent without a notifier. */
  notified?: EmitReport;
}

/** A note is shown in logs and notifications: one short line-ish text, no control characters. */
function checkNote(note: string | undefined): string | undefined {
  if (note === undefined) return undefined;
  const trimmed = note.trim();
  if (trimmed === "") return undefined;
  if (trimmed.length > MAX_HANDOFF_NOTE) {
    throw usageError(`--note is ${trimmed.length} characters; at most ${MAX_HANDOFF_NOTE}`);
  }
  const unsafe = findUnsafeCharacter(trimmed);
  if (unsafe !== undefined) {
    throw usageError(
      `--note holds a control character: ${unsafe.description} at ${unsafe.position}`,
    );
  }
  return trimmed;
}

export async function handoffAgent(options: HandoffOptions): Promise<HandoffResult> {
  const { ctx } = options;
  const env = options.env ?? process.env;
  // Bad input changes nothing: checked before any host is read.
  const to = checkOwnerName(options.to);
  const note = checkNote(options.note);
  const { agent, handle } = await findAgent(options.ref, ctx);
  const from = ownerOf(ctx.env.home, agent, env);
  if (from === to) throw usageError(`agent ${agent.name} is already owned by ${to}`);
  const at = new Date().toISOString();
  const facts = { from, to, by: controllerUser(env), ...(note === undefined ? {} : { note }) };

  await withHostLock(handle, async () => {
    const { transport } = await openHost(handle);
    const paths = agentPaths(transport.fleetDir, agent.name);
    await runScript(
      transport,
      `recording the handoff of agent ${agent.name}`,
      [
        `[ -f ${q(paths.record)} ] || { echo '@@fleet:error the agent is gone'; exit 1; }`,
        ...appendEventLines(paths, "handoff", facts),
      ].join("\n"),
    );
  });
  await writeOwnerRecord(ctx.env.home, {
    host: agent.host,
    name: agent.name,
    createdAt: agent.createdAt,
    owner: to,
    since: at,
    from,
  });
  const handoff = { from, to, ...(note === undefined ? {} : { note }) };
  const [owned] = withOwnerLabels(ctx.env.home, [agent], env);
  const result: HandoffResult = {
    agent: owned ?? agent,
    from,
    to,
    at,
    ...(note === undefined ? {} : { note }),
  };
  if (options.notifier !== undefined) {
    result.notified = await options.notifier.emit(handoffEvent(observed(agent), handoff, at));
  }
  return result;
}
