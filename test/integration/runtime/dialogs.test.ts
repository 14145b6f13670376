/**
 * A dialog that blocks an agent before its prompt (a trust or login screen) is
 * never typed into: the first message is refused with AGENT_BLOCKED naming the
 * dialog, and the agent is reported WAITING with that reason in its mark.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AGENT_TYPE_CONTRACT_VERSION } from "../../../src/core/contracts/agent-type.ts";
import { createAgent } from "../../../src/core/host/index.ts";
import { registerAgentType } from "../../../src/core/registry.ts";
import { makeRuntime, type Runtime } from "./runtime-fixture.ts";

/** Shows a trust question, then records whatever is typed at it. */
const TRUST_SCREEN = `printf 'Do you trust the files in this folder?\\n 1. Yes  2. No\\n'; cat > "$FLEET_AGENT_DIR/typed"`;

describe("dialogs at start-up", () => {
  let rt: Runtime;
  before(async () => {
    rt = await makeRuntime("dialogs");
    registerAgentType("asks-trust", () =>
      Promise.resolve({
        contractVersion: AGENT_TYPE_CONTRACT_VERSION,
        name: "asks-trust",
        description: "test: a trust dialog before the prompt",
        requiresCommand: true,
        launchCommand: (spec) => spec.command ?? "",
        readiness: { pattern: /^READY>/m, timeoutMs: 20_000 },
        dialogs: [{ pattern: /Do you trust the files/, reason: "folder trust dialog" }],
        delivery: { kind: "paste", bracketed: false, submitKeys: ["Enter"] },
        transcript: { kind: "terminal" },
      }),
    );
  });
  after(() => rt.cleanup());

  test("the first message is refused, nothing is typed, and the agent is WAITING with the reason", async () => {
    const spec = rt.spec("truster", {
      agent: "asks-trust",
      command: TRUST_SCREEN,
      message: "do not type me",
    });
    await assert.rejects(
      createAgent(rt.h, spec, { fleet: null, secrets: {} }),
      (error: unknown) => {
        const e = error as { code?: string; message?: string };
        assert.equal(e.code, "AGENT_BLOCKED");
        assert.match(e.message ?? "", /folder trust dialog/);
        return true;
      },
    );
    const agent = await rt.waitForState("truster", "WAITING");
    assert.equal(agent.state, "WAITING");
    const mark = await readFile(join(rt.sb.home, "agents", "truster", "waiting"), "utf8");
    assert.equal(mark, "folder trust dialog\n");
    const typed = await readFile(join(rt.sb.home, "agents", "truster", "typed"), "utf8");
    assert.equal(typed, "", "nothing was typed into the dialog");
  });
});
