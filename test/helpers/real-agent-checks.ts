/**
 * Checks the real-agent tests make the same way on every host (local, docker):
 * the reply in `fleet transcript`, and nine more messages back to back that reach
 * the model in order, once each.
 */
import assert from "node:assert/strict";
import type { LoggedRequest } from "./fake-model/server.ts";
import { waitFor, type Sandbox } from "./sandbox.ts";

/**
 * Seen with OpenCode 1.18.33: a pasted three-line message reached the model whole
 * but with a space after it (a two-line one did not). Trailing space is not content.
 */
export const sameText = (received: string | undefined, sent: string): boolean =>
  received?.trimEnd() === sent;

/** What the model was sent as users' turns, for failure messages. */
export const userTurns = (requests: readonly LoggedRequest[]): string =>
  JSON.stringify(requests.filter((r) => r.kind === "turn").map((r) => r.lastUserText));

/** `fleet transcript NAME` comes to show `reply`. */
export async function assertTranscriptShows(
  sb: Sandbox,
  name: string,
  reply: string,
): Promise<void> {
  let shown = "";
  const transcript = await waitFor(
    async () => {
      const result = await sb.fleet(["transcript", name]);
      shown = result.stdout + result.stderr;
      return result.code === 0 && result.stdout.includes(reply) ? result.stdout : undefined;
    },
    30_000,
    500,
  ).catch(() => undefined);
  assert.ok(
    transcript,
    `fleet transcript shows the reply "${reply}"; lines with ok:/hello:\n${shown
      .split("\n")
      .filter((l) => /ok:|hello/.test(l))
      .join("\n")}`,
  );
}

/**
 * Nine more messages after `first`, back to back: some multi-line, some `[[slow]]`
 * (the reply streams for 3 s, so the next one is sent while the agent works and
 * must wait its turn), and the last three all at once from three `fleet message`s
 * started 700 ms apart. `fleet message` returns once the agent took its message
 * (its own proof): all reach the model, in the order sent, once each, never merged.
 * `requests` gives the model's requests since the agent was made.
 */
export async function assertTenMessagesInOrder(options: {
  sb: Sandbox;
  name: string;
  type: string;
  first: string;
  requests: () => readonly LoggedRequest[];
  /** The type reports its turns (claude, codex): a message after a slow one says it waits. */
  reportsTurns: boolean;
}): Promise<void> {
  const { sb, name, type, first, requests } = options;
  const more = [
    `message 2 to ${type}\nline two\nline three`,
    `message 3 to ${type} [[slow]]`,
    `message 4 to ${type}`,
    `message 5 to ${type}\nline two\nline three`,
    `message 6 to ${type} [[slow]]`,
    `message 7 to ${type} [[slow]]`,
  ];
  const together = [
    `message 8 to ${type}\nline two\nline three`,
    `message 9 to ${type}`,
    `message 10 to ${type}`,
  ];
  for (const [i, text] of more.entries()) {
    const sent = await sb.fleet(["message", name], { input: text });
    assert.equal(sent.code, 0, `${text}: ${sent.stderr}\n${userTurns(requests())}`);
    if (options.reportsTurns && more[i - 1]?.includes("[[slow]]")) {
      assert.match(sent.stderr, /is working: the message waits/, text);
    }
  }
  const sends = together.map(async (text, i) => {
    await new Promise((resolve) => setTimeout(resolve, i * 700));
    return sb.fleet(["message", name], { input: text });
  });
  for (const [i, sent] of (await Promise.all(sends)).entries()) {
    assert.equal(sent.code, 0, `${together[i]}: ${sent.stderr}\n${userTurns(requests())}`);
  }
  const all = [first, ...more, ...together];
  await waitFor(
    () =>
      Promise.resolve(
        requests().some((r) => r.kind === "turn" && sameText(r.lastUserText, all.at(-1) ?? "")),
      ),
    60_000,
    100,
  ).catch(() =>
    assert.fail(`the last message never reached the model; it got: ${userTurns(requests())}`),
  );
  const ours = new Set(all);
  const received = requests()
    .filter((r) => r.kind === "turn")
    .map((r) => r.lastUserText?.trimEnd())
    .filter((text) => text !== undefined && ours.has(text));
  assert.deepEqual(received, all, "each message reached the model once, in order");
}

/** A real CLI as the offline tests run it against the fake model: its API, env and secrets. */
export interface RealCliCase {
  type: "claude" | "codex" | "opencode";
  api: LoggedRequest["api"];
  env: (port: number) => Record<string, string>;
  secrets: Record<string, string>;
}

export const REAL_CLI_CASES: readonly RealCliCase[] = [
  {
    type: "claude",
    api: "anthropic",
    env: (port) => ({ ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` }),
    secrets: { ANTHROPIC_API_KEY: "sk-ant-fake-key-for-tests-0123456789abcdef" },
  },
  {
    type: "codex",
    api: "responses",
    env: (port) => ({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_MODEL: "fake-model" }),
    secrets: { OPENAI_API_KEY: "sk-fake-key-for-tests" },
  },
  {
    type: "opencode",
    api: "chat",
    env: (port) => ({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_MODEL: "fake-model" }),
    secrets: { OPENAI_API_KEY: "sk-fake-key-for-tests" },
  },
];
