// The fleet of stacks/local/fleet.yaml, declared in TypeScript:
//   fleet apply -f stacks/local/fleet.ts
import { defineFleet } from "fleet";

const bashLoop = "bash-loop";

export default defineFleet({
  version: 1,
  name: "example",
  defaults: {
    idleTimeout: "30m",
    labels: { stack: "local" },
  },
  templates: {
    [bashLoop]: {
      agent: "command",
      env: { FLEET_EXAMPLE: "1" },
      labels: { owner: "examples" },
    },
  },
  agents: {
    "echo-bot": {
      template: bashLoop,
      command: 'while IFS= read -r line; do echo "echo-bot heard: $line"; done',
      env: { GREETING: "hello" },
      message: "hello from fleet",
    },
    ticker: {
      template: bashLoop,
      command: 'while sleep 5; do date "+ticker: %H:%M:%S"; done',
      labels: { role: "clock" },
    },
    "status-board": {
      template: bashLoop,
      command: 'while IFS= read -r line; do echo "status-board noted: $line"; done',
      services: [
        {
          name: "heartbeat",
          command: 'while :; do echo "heartbeat on port $PORT at $(date +%T)"; sleep 10; done',
          port: "auto",
        },
      ],
      idle: "disabled",
    },
  },
});
