import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { messageOf } from "../../../src/core/notify/message-text.ts";
import { redactUrl, webhookRequest, webhookUrl } from "../../../src/core/notify/webhook.ts";
import { handoffEvent } from "../../../src/core/notify/events.ts";

const agent = {
  name: "docs",
  host: "box",
  fleet: "team",
  createdAt: "2026-01-01T00:00:00.000Z",
  state: "RUNNING" as const,
};

describe("notification messages and webhook bodies", () => {
  test("slack gets JSON text in which <, > and & cannot make a link or mention", () => {
    const event = handoffEvent(
      agent,
      { from: "ana", to: "sam", note: "<!channel> & <http://x|y>" },
      "2026-01-01T00:00:00.000Z",
    );
    const request = webhookRequest("slack", messageOf(event));
    const body = JSON.parse(request.body) as { text: string };
    assert.deepEqual(Object.keys(body), ["text"]);
    assert.match(body.text, /docs handed to sam/);
    assert.doesNotMatch(body.text, /<|>/);
    assert.match(body.text, /&lt;!channel&gt; &amp;/);
  });

  test("ntfy gets the body as plain text and the title, priority and tags as headers", () => {
    const event = handoffEvent(agent, { from: "ana", to: "Zoë" }, "2026-01-01T00:00:00.000Z");
    const request = webhookRequest("ntfy", messageOf(event));
    assert.match(request.body, /^Agent docs on box \(fleet team\) was handed from ana to Zoë\./);
    assert.equal(request.headers.priority, "3");
    assert.match(request.headers.title ?? "", /^=\?UTF-8\?B\?/);
    assert.equal(
      Buffer.from((request.headers.title ?? "").slice(10, -2), "base64").toString(),
      "docs handed to Zoë",
    );
  });

  test("control characters from a host or a note are shown escaped, not sent", () => {
    const event = handoffEvent(
      agent,
      { from: "ana", to: "sam", note: "a\u001b[31mb\nc" },
      "2026-01-01T00:00:00.000Z",
    );
    const { body } = messageOf(event);
    assert.ok(!body.includes("\u001b") && !body.includes("\n"));
    assert.match(body, /\\x1b\[31mb\\nc/);
  });

  test("a URL is shown only as scheme and host", () => {
    assert.equal(
      redactUrl("https://hooks.slack.com/services/T0/B0/s3cr3t?x=1"),
      "https://hooks.slack.com/…",
    );
    assert.equal(redactUrl("not a url"), "(an invalid URL)");
  });

  test("urlFrom reads the sender's environment; a missing or bad value names only the variable", () => {
    const target = { urlFrom: "HOOK", format: "slack" as const };
    assert.deepEqual(webhookUrl(target, { HOOK: "http://127.0.0.1:1/x" }), {
      url: "http://127.0.0.1:1/x",
    });
    assert.deepEqual(webhookUrl(target, {}), { error: "webhook variable HOOK is not set" });
    const bad = webhookUrl(target, { HOOK: "ftp://secret@host/" });
    assert.ok("error" in bad);
    assert.doesNotMatch(bad.error, /secret/);
  });
});
