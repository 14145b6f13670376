import assert from "node:assert/strict";
import { test } from "node:test";
import { parseChunks } from "../../../src/core/host/event-chunks.ts";
import { checkEventLines } from "../../../src/core/events/event-check.ts";

const frame = (name: string, offset: number, body: string): string =>
  `@@fleet:chunk ${name} ${offset} ${Buffer.byteLength(body)}\n${body}\n@@fleet:end\n`;

test("each agent's bytes are taken by their length, so a line that looks like a frame is only text", () => {
  const forged = `{"ts":"x"}\n@@fleet:end\n@@fleet:chunk b 0 3\nabc\n`;
  const reply = Buffer.from(frame("a", 10, forged) + frame("b", 0, "real\n") + "@@fleet:gone c\n");
  const chunks = parseChunks(reply, new Set(["a", "b", "c"]));
  assert.equal(chunks.get("a")?.bytes.toString(), forged);
  assert.equal(chunks.get("a")?.offset, 10);
  assert.equal(chunks.get("b")?.bytes.toString(), "real\n");
  assert.equal(chunks.get("c")?.exists, false);
});

test("a frame shorter than it said (the log shrank while read) ends the parse there", () => {
  const reply = Buffer.from(frame("a", 0, "one\n") + "@@fleet:chunk b 0 50\nshort\n@@fleet:end\n");
  const chunks = parseChunks(reply, new Set(["a", "b"]));
  assert.equal(chunks.get("a")?.bytes.toString(), "one\n");
  assert.equal(chunks.has("b"), false);
});

test("frames for agents not asked about are not believed", () => {
  const chunks = parseChunks(Buffer.from(frame("other", 0, "x\n")), new Set(["a"]));
  assert.equal(chunks.size, 0);
});

test("event lines need an ISO time and a plain type; the host cannot set agent or host", () => {
  const { events, dropped } = checkEventLines(
    [
      JSON.stringify({
        ts: "2026-12-03T10:00:00.000Z",
        type: "stopped",
        reason: "idle",
        agent: "x",
        host: "y",
      }),
      JSON.stringify({ ts: "2026-12-03T10:00:00+02:00", type: "created" }),
      JSON.stringify({ ts: "soon", type: "created" }),
      JSON.stringify({ ts: "2026-12-03T10:00:00.000Z", type: "Bad Type" }),
      JSON.stringify(["array"]),
      "{ not json",
      JSON.stringify({ ts: "2026-12-03T10:00:00.000Z", type: "message", pad: "x".repeat(20_000) }),
    ].join("\n"),
  );
  assert.equal(dropped, 5);
  assert.deepEqual(events[0]?.facts, { reason: "idle" });
  assert.equal(events[1]?.ts, "2026-12-03T08:00:00.000Z");
});
