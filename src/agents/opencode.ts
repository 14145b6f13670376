/**
 * `opencode`: the OpenCode TUI (`npm i -g opencode-ai`). Each agent gets its own
 * config file (`OPENCODE_CONFIG=<agent dir>/opencode.json`, merged by OpenCode
 * over the user's global config, so their providers and login stay) with
 * autoupdate and sharing off. With `OPENAI_BASE_URL` in the spec's env, an
 * OpenAI-compatible provider `fleet` pointing there is configured and made the
 * model (key from `OPENAI_API_KEY`, model from `OPENAI_MODEL`).
 */
import type { AgentSpec } from "../core/model.ts";
import type { LaunchContext } from "../core/contracts/agent-type.ts";
import {
  OPENCODE_DB,
  opencodePromptCount,
  opencodeRecords,
  opencodeTurnState,
} from "./records/opencode-records.ts";
import { cliAgentType, specEnv, writeFileLine } from "./cli-agent.ts";

export function opencodeConfig(spec: AgentSpec, context?: LaunchContext): Record<string, unknown> {
  const config: Record<string, unknown> = { autoupdate: false, share: "disabled" };
  // The agents' bus, as a local MCP server OpenCode starts itself.
  if (context?.bus) {
    const { name, command, args } = context.bus;
    config.mcp = { [name]: { type: "local", command: [command, ...args], enabled: true } };
  }
  const baseUrl = specEnv(spec, "OPENAI_BASE_URL");
  if (baseUrl) {
    const model = specEnv(spec, "OPENAI_MODEL") ?? "default";
    config.model = `fleet/${model}`;
    config.small_model = `fleet/${model}`;
    config.provider = {
      fleet: {
        npm: "@ai-sdk/openai-compatible",
        name: "fleet",
        options: { baseURL: baseUrl, apiKey: "{env:OPENAI_API_KEY}" },
        models: { [model]: { name: model } },
      },
    };
  }
  return config;
}

export default cliAgentType({
  name: "opencode",
  description: "OpenCode (the `opencode` CLI); `args` are passed to it",
  binary: "opencode",
  records: opencodeRecords,
  readyPattern: /enter send|ctrl\+p commands|ctrl\+x [a-z]|\/help/i,
  waitingPattern: /Permission required|allow (?:once|always)|\(y\/n\)/i,
  dialogs: [{ pattern: /Permission required/i, reason: "approval", duringTurn: true }],
  // It has no hooks fleet can install offline (a plugin makes it install packages
  // at start-up, which hangs), so a watcher reads its screen (screen-watch.ts).
  screenSignals: {
    busy: ["esc interrupt", "esc to interrupt"],
    waiting: [{ text: "Permission required", reason: "approval" }],
    promptCount: opencodePromptCount,
    turnState: opencodeTurnState,
  },
  // Its sessions are kept by work dir; one was this agent's once fleet typed into it.
  resume: {
    when: () => '[ -e "$FLEET_AGENT_DIR/activity/message" ]',
    words: "--continue",
    userFlags: ["--continue", "-c", "--session", "-s"],
  },
  // Its TUI takes 7 to 10 s to draw on a quiet 2-core machine; more under load.
  readyTimeoutMs: 90_000,
  prepare: (spec, context) => [
    "export OPENCODE_DISABLE_AUTOUPDATE=1 OPENCODE_DISABLE_SHARE=1",
    // Its own database, so its records are its own (the login in auth.json stays shared).
    ...(specEnv(spec, "OPENCODE_DB") ? [] : [`export OPENCODE_DB=${OPENCODE_DB}`]),
    // Its own provider needs no model list from models.dev (an outside look-up).
    ...(specEnv(spec, "OPENAI_BASE_URL") ? ["export OPENCODE_DISABLE_MODELS_FETCH=1"] : []),
    ...(specEnv(spec, "OPENCODE_CONFIG")
      ? []
      : [
          'export OPENCODE_CONFIG="$FLEET_AGENT_DIR/opencode.json"',
          writeFileLine('"$OPENCODE_CONFIG"', JSON.stringify(opencodeConfig(spec, context))),
        ]),
  ],
});
