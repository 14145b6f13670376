import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AGENT_TYPE_CONTRACT_VERSION } from "../../../src/core/contracts/agent-type.ts";
import {
  createAgent,
  readEvents,
  readTranscript,
  sendMessage,
  stopAgent,
} from "../../../src/core/host/index.ts";
import { registerAgentType } from "../../../src/core/registry.ts";
import { waitFor } from "../../helpers/sandbox.ts";
import { makeRuntime, type Runtime } from "./runtime-fixture.ts";

/**
 * Reads lines and reports each one's length and ending. The terminal is taken out
 * of canonical mode as interactive agents do: canonical mode caps a line at 4095
 * bytes, which would cut a long message short.
 */
const LINE_READER = `stty -icanon; while IFS= read -r line; do printf 'got %s chars ending %s\\n' "\${#line}" "$(printf %s "$line" | tail -c 6)"; done`;

describe("messages", () => {
  let rt: Runtime;
  before(async () => {
    rt = await makeRuntime("messages");
    // An agent type that shows its prompt only after a while, like a real agent CLI.
    registerAgentType("slow-prompt", () =>
      Promise.resolve({
        contractVersion: AGENT_TYPE_CONTRACT_VERSION,
        name: "slow-prompt",
        description: "test: prompt after a delay",
        requiresCommand: true,
        launchCommand: (spec) => spec.command ?? "",
        readiness: { pattern: /^READY>/m, timeoutMs: 5_000 },
        delivery: { kind: "paste", bracketed: false, submitKeys: ["Enter"] },
        transcript: { kind: "terminal" },
      }),
    );
  });
  after(async () => {
    await rt.cleanup();
  });

  test("a message reaches a line-reading program and shows in the transcript", async () => {
    await createAgent(rt.h, rt.spec("reader", { command: LINE_READER }), {
      fleet: null,
      secrets: {},
    });
    await sendMessage(rt.h, "reader", "hello agent");
    await rt.waitForScreen("reader", /got 11 chars ending {2}agent/);
    const transcript = await waitFor(async () => {
      const text = await readTranscript(rt.h, "reader");
      return text.includes("got 11 chars") ? text : undefined;
    });
    assert.match(transcript, /hello agent/);
    assert.ok(!transcript.includes("\u001b"), "escape sequences left in the transcript");
  });

  test("a 5,000-character message arrives whole", async () => {
    await createAgent(rt.h, rt.spec("long", { command: LINE_READER }), {
      fleet: null,
      secrets: {},
    });
    const text = "x".repeat(4_990) + "0123456789";
    await sendMessage(rt.h, "long", text);
    const transcript = await waitFor(async () => {
      const t = await readTranscript(rt.h, "long", { tail: 5 });
      return t.includes("got 5000 chars") ? t : undefined;
    });
    assert.match(transcript, /got 5000 chars ending 456789/);
  });

  test("the first message in the spec is typed in at create", async () => {
    await createAgent(rt.h, rt.spec("first", { command: LINE_READER, message: "do the thing" }), {
      fleet: null,
      secrets: {},
    });
    await rt.waitForScreen("first", /got 12 chars ending {2}thing/);
  });

  test("a message is recorded as an event with its length, not its text, and touches activity", async () => {
    await createAgent(rt.h, rt.spec("logged", { command: LINE_READER }), {
      fleet: null,
      secrets: {},
    });
    await sendMessage(rt.h, "logged", "top secret plan");
    const events = await readEvents(rt.h, "logged");
    const message = events.find((e) => e.type === "message");
    assert.equal(message?.length, 15);
    assert.ok(!JSON.stringify(events).includes("top secret plan"));
    const live = await rt.live("logged");
    assert.ok(live?.lastActivity !== undefined && Date.now() - live.lastActivity < 5_000);
  });

  test("readTranscript with tail keeps only the last lines", async () => {
    await createAgent(
      rt.h,
      rt.spec("tail", { command: "for i in 1 2 3 4 5 6; do echo line$i; done; exec cat" }),
      {
        fleet: null,
        secrets: {},
      },
    );
    const text = await waitFor(async () => {
      const t = await readTranscript(rt.h, "tail", { tail: 2 });
      return t.includes("line6") ? t : undefined;
    });
    assert.equal(text, "line5\nline6");
  });

  test("the first message waits until the agent shows its prompt", async () => {
    const readyFile = join(rt.sb.dir, "ready-at");
    const command = `sleep 0.6; node -e 'process.stdout.write(String(Date.now()))' > ${readyFile}; echo 'READY>'; exec cat`;
    await createAgent(
      rt.h,
      rt.spec("slow", { agent: "slow-prompt", command, message: "after prompt" }),
      {
        fleet: null,
        secrets: {},
      },
    );
    const readyAt = Number(await readFile(readyFile, "utf8"));
    const sent = (await readEvents(rt.h, "slow")).find((e) => e.type === "message");
    assert.ok(sent, "message event missing");
    assert.ok(
      Date.parse(sent.ts) >= readyAt,
      `message sent at ${sent.ts}, prompt at ${new Date(readyAt).toISOString()}`,
    );
  });

  test("a message to an agent that never gets ready fails and says so", async () => {
    registerAgentType("never-ready", () =>
      Promise.resolve({
        contractVersion: AGENT_TYPE_CONTRACT_VERSION,
        name: "never-ready",
        description: "test: no prompt",
        requiresCommand: true,
        launchCommand: (spec) => spec.command ?? "",
        readiness: { pattern: /^READY>/m, timeoutMs: 400 },
        delivery: { kind: "paste", bracketed: false, submitKeys: ["Enter"] },
        transcript: { kind: "terminal" },
      }),
    );
    await assert.rejects(
      createAgent(
        rt.h,
        rt.spec("never", { agent: "never-ready", command: "exec cat", message: "hi" }),
        {
          fleet: null,
          secrets: {},
        },
      ),
      { code: "AGENT_NOT_READY" },
    );
  });

  test("a message to a stopped agent fails with a hint to start it", async () => {
    await createAgent(rt.h, rt.spec("asleep"), { fleet: null, secrets: {} });
    await stopAgent(rt.h, "asleep", { reason: "test" });
    await assert.rejects(sendMessage(rt.h, "asleep", "hello"), { code: "AGENT_NOT_RUNNING" });
  });
});
