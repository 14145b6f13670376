/**
 * The agents' bus through `fleet mcp`, as the client running the team uses it:
 * bus_send_message reaches an agent's mailbox (read here with that agent's own
 * token), what an agent sends to "operator" shows in bus_get_messages, and
 * bus_mark_read and bus_discover_agents act on the same bus.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { callBusTool, connectBus } from "../../../src/core/bus/client.ts";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import { callError, callOk, connectStdio, type FleetClient } from "./mcp-client.ts";

interface Mail {
  messages: {
    id: string;
    from: string;
    to: string;
    body: string;
    priority: string;
    readAt?: string;
  }[];
  unread: number;
}

describe("fleet mcp: the bus tools, as the operator", () => {
  let sb: Sandbox;
  let mcp: FleetClient;
  before(async () => {
    sb = await makeSandbox("mcp-bus");
    const created = await sb.fleet(["create", "worker", "--command", "sleep 600"]);
    assert.equal(created.code, 0, created.stderr);
    mcp = await connectStdio(sb);
  });
  after(async () => {
    await mcp?.close();
    await sb.cleanup();
  });

  test("a message to an agent reaches its mailbox; its answer to the operator comes back", async () => {
    const sent = await callOk<Mail>(mcp.client, "bus_send_message", {
      to: "worker",
      body: "please review PR 7",
      priority: "high",
    });
    assert.deepEqual(
      sent.messages.map((m) => [m.from, m.to, m.priority]),
      [["operator", "worker@local", "high"]],
    );
    const token = (await readFile(join(sb.home, "agents", "worker", "bus-token"), "utf8")).trim();
    const worker = await connectBus(
      { home: sb.home, prefix: sb.prefix },
      { token, processEnv: sb.env },
    );
    try {
      const mail = (await callBusTool(worker, "get_messages", {})) as unknown as Mail;
      assert.deepEqual(
        mail.messages.map((m) => m.body),
        ["please review PR 7"],
      );
      await callBusTool(worker, "send_message", {
        to: "operator",
        body: "blocked: need the API key",
      });
    } finally {
      await worker.close();
    }
    const inbox = await callOk<Mail>(mcp.client, "bus_get_messages", { unreadOnly: true });
    assert.equal(inbox.unread, 1);
    assert.deepEqual(
      inbox.messages.map((m) => `${m.from}: ${m.body}`),
      ["worker@local: blocked: need the API key"],
    );
    const marked = await callOk<{ marked: string[] }>(mcp.client, "bus_mark_read", {
      ids: inbox.messages.map((m) => m.id),
    });
    assert.deepEqual(
      marked.marked,
      inbox.messages.map((m) => m.id),
    );
    const after = await callOk<Mail>(mcp.client, "bus_get_messages", { unreadOnly: true });
    assert.equal(after.unread, 0);
  });

  test("bus_discover_agents lists the agent; a message to nobody is a tool error with fleet's code", async () => {
    const found = await callOk<{ agents: { address: string; state: string }[] }>(
      mcp.client,
      "bus_discover_agents",
    );
    assert.deepEqual(
      found.agents.map((a) => `${a.address} ${a.state}`),
      ["worker@local RUNNING"],
    );
    const refused = await callError(mcp.client, "bus_send_message", {
      to: "ghost",
      body: "hello?",
    });
    assert.equal(refused.error.code, "BUS_NO_RECIPIENT");
  });
});
