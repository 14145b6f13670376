/**
 * What a waiting agent waits for, read from the mark its hooks write on the host.
 * The mark is the host's word: anything but a short plain reason is "unknown".
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseProbe, waitingReason } from "../../../src/core/host/probe.ts";

describe("waiting marks", () => {
  test("an empty mark is a wait for input; a plain word is the reason", () => {
    assert.equal(waitingReason(""), "input");
    assert.equal(waitingReason("  \n"), "input");
    assert.equal(waitingReason("approval"), "approval");
    assert.equal(waitingReason("folder trust dialog"), "folder trust dialog");
  });

  test("escapes, markup and long text from a host become unknown", () => {
    for (const mark of ["\x1b[31mred", "<!-- x -->", "a".repeat(41), "1st", "ok\x07"])
      assert.equal(waitingReason(mark), "unknown", JSON.stringify(mark));
  });

  test("the probe's waiting section gives each agent its reason", () => {
    const probe = parseProbe(
      ["@@fleet:waiting", "alpha\t", "beta\tapproval", "gamma\t\x1b]0;x\x07", "@@fleet:exits"].join(
        "\n",
      ),
    );
    assert.deepEqual(
      [...probe.waiting],
      [
        ["alpha", { reason: "input" }],
        ["beta", { reason: "approval" }],
        ["gamma", { reason: "unknown" }],
      ],
    );
  });

  test("the waiting-since section gives each mark its mtime; implausible times are dropped", () => {
    const probe = parseProbe(
      [
        "@@fleet:waiting",
        "alpha\t",
        "beta\tapproval",
        "gamma\t",
        "@@fleet:waiting-since",
        "1767225600 alpha/waiting",
        "99999999999999 beta/waiting",
        "1767225600 gamma/other",
        "@@fleet:exits",
      ].join("\n"),
    );
    assert.deepEqual(
      [...probe.waiting],
      [
        ["alpha", { reason: "input", since: 1767225600_000 }],
        ["beta", { reason: "approval" }],
        ["gamma", { reason: "input" }],
      ],
    );
  });
});
