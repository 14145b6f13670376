/**
 * The fleet file `fleet init` writes: valid as it stands, commented, and using
 * only the `command` agent type on this machine so it works offline at once.
 */
import { basename } from "node:path";
import { FleetError } from "../errors.ts";
import { NAME_PATTERN, NAME_RULE } from "./schema.ts";

/** A fleet name made from a directory name: `My Project` -> `my-project`. */
export function fleetNameFor(directory: string): string {
  const name = basename(directory)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "")
    .slice(0, 63)
    .replace(/[-_]+$/, "");
  return NAME_PATTERN.test(name) ? name : "fleet";
}

export function starterFleetFile(fleetName: string): string {
  if (!NAME_PATTERN.test(fleetName)) {
    throw new FleetError("USAGE", `invalid fleet name "${fleetName}": ${NAME_RULE}`, {
      exitCode: 2,
    });
  }
  return `# The fleet file: the agents this project runs, the hosts they run on and the
# templates they share. Reference: docs/fleet-file.md in the fleet package.
#   fleet validate   check this file
#   fleet plan       show what would change
#   fleet apply      make it so
#
# Editor completion: point yaml-language-server at fleet's JSON Schema, e.g.
#   # yaml-language-server: $schema=./node_modules/fleet/docs/fleet.schema.json
version: 1
name: ${fleetName} # owns what it creates: plans only ever touch agents of this fleet

defaults:
  idleTimeout: 15m # reconcile stops agents idle this long (30s, 15m, 2h)

templates:
  listener: # a reusable set of agent settings
    agent: command # any program; claude, codex and opencode wrap those CLIs
    env:
      GREETING: hello
    labels:
      team: ${fleetName}

# Hosts are where agents run. "local" (this machine, tmux) always exists; add
# docker containers or ssh machines here, e.g.
#   sandbox: { provider: docker, image: fleet/base:bookworm }
hosts: {}

agents:
  hello:
    template: listener
    # Echoes every line it is sent: try \`fleet message hello "hi"\`, then \`fleet connect hello\`.
    command: 'while IFS= read -r line; do echo "$GREETING, you said: $line"; done'
    message: first message, sent once the agent is up
  clock:
    agent: command
    command: 'while sleep 5; do date "+%H:%M:%S tick"; done'
    idle: disabled # keeps running however long nobody looks
`;
}
