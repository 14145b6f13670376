/**
 * The resource fleet://agents: the agent list as JSON, and, while a client is
 * subscribed, `notifications/resources/updated` when an agent changes state (the
 * server re-reads live state every 3 s), and not when nothing changed.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ResourceUpdatedNotificationSchema,
  type ResourceUpdatedNotification,
} from "@modelcontextprotocol/sdk/types.js";
import { makeSandbox, type Sandbox, waitFor } from "../../helpers/sandbox.ts";
import { callOk, connectStdio, type FleetClient } from "./mcp-client.ts";

const URI = "fleet://agents";
const POLL_MS = 3000;

describe("fleet mcp: the fleet://agents resource", () => {
  let sb: Sandbox;
  let mcp: FleetClient;
  const updates: ResourceUpdatedNotification[] = [];

  before(async () => {
    sb = await makeSandbox("mcp-resource");
    const created = await sb.fleet(["create", "watched", "--command", "sleep 600", "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
    mcp = await connectStdio(sb);
    mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updates.push(notification);
    });
  });
  after(async () => {
    await mcp?.close();
    await sb.cleanup();
  });

  const readAgents = async (): Promise<{ name: string; state: string }[]> => {
    const { contents } = await mcp.client.readResource({ uri: URI });
    const first = contents[0];
    assert.ok(first && "text" in first, "the resource is text");
    assert.equal(first.mimeType, "application/json");
    return (JSON.parse(first.text) as { agents: { name: string; state: string }[] }).agents;
  };

  test("is listed, subscribable, and reads as fleet list's JSON", async () => {
    assert.equal(mcp.client.getServerCapabilities()?.resources?.subscribe, true);
    const { resources } = await mcp.client.listResources();
    assert.deepEqual(
      resources.map((r) => r.uri),
      [URI],
    );
    assert.deepEqual(
      (await readAgents()).map((a) => [a.name, a.state]),
      [["watched", "RUNNING"]],
    );
  });

  test("a subscriber hears nothing while nothing changes", async () => {
    await mcp.client.subscribeResource({ uri: URI });
    await new Promise((r) => setTimeout(r, POLL_MS + 1500));
    assert.deepEqual(updates, []);
  });

  test("a subscriber is told when an agent is stopped", async () => {
    await callOk(mcp.client, "stop_agent", { agents: ["watched"] });
    await waitFor(() => Promise.resolve(updates.length > 0), 4 * POLL_MS);
    assert.equal(updates[0]?.params.uri, URI);
    assert.deepEqual(
      (await readAgents()).map((a) => [a.name, a.state]),
      [["watched", "STOPPED"]],
    );
  });

  test("after unsubscribing, changes are not sent", async () => {
    await mcp.client.unsubscribeResource({ uri: URI });
    const heard = updates.length;
    const started = await sb.fleet(["start", "watched"]);
    assert.equal(started.code, 0, started.stderr);
    await new Promise((r) => setTimeout(r, POLL_MS + 1500));
    assert.equal(updates.length, heard);
  });

  test("subscribing to another uri is refused", async () => {
    await assert.rejects(mcp.client.subscribeResource({ uri: "fleet://nothing" }), /nothing/);
  });
});
