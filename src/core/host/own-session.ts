/**
 * fleet acts only on tmux sessions it started. Each one carries the agent's
 * name in the session option `@fleet_agent` (set in the same tmux command that
 * creates it); a session of the user's that happens to have an agent's name
 * (`fleet-NAME`) lacks it, and is never killed, reused or typed into.
 */
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { sessionTarget } from "./agent-record.ts";

/** Shell: succeeds when the session exists and fleet started it for `name`. */
const ownedTest = (session: string, name: string): string =>
  `[ "$(tmux show-options -qv -t ${q(sessionTarget(session))} @fleet_agent 2>/dev/null)" = ${q(name)} ]`;

/** Shell: ends the agent's session if it is there and fleet's; leaves anyone else's alone. */
export const killOwnSessionLine = (session: string, name: string): string =>
  `if ${ownedTest(session, name)}; then tmux kill-session -t ${q(sessionTarget(session))} 2>/dev/null; fi`;

/**
 * Shell: before starting the agent's session, ends fleet's old one, or, when a
 * session of that name is someone else's, prints `@@fleet:foreign` and stops.
 */
export const replaceOwnSessionLine = (session: string, name: string): string =>
  `if tmux has-session -t ${q(sessionTarget(session))} 2>/dev/null; then ` +
  `if ${ownedTest(session, name)}; then tmux kill-session -t ${q(sessionTarget(session))} 2>/dev/null; ` +
  `else echo @@fleet:foreign; exit 0; fi; fi`;

export const foreignSessionError = (session: string, name: string, host: string): FleetError =>
  new FleetError(
    "SESSION_NOT_FLEETS",
    `a tmux session named "${session}" already exists on host ${host} and was not started by fleet: agent ${name} cannot use it, and fleet leaves it alone`,
    {
      hint: `rename or end that session yourself (\`tmux rename-session -t ${session} NEW\`), or give the agent another name`,
    },
  );
