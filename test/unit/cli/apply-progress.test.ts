import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApplyProgress, elapsed } from "../../../src/cli/render/apply-progress.ts";

describe("live apply progress", () => {
  test("one line per change in flight with its elapsed time, in the order they started", () => {
    const progress = new ApplyProgress();
    assert.equal(
      progress.take("apply.change.start", "agents.a: creating...", { address: "agents.a" }, 0),
      true,
    );
    assert.equal(
      progress.take("apply.change.start", "hosts.box: creating...", { address: "hosts.box" }, 1000),
      true,
    );
    assert.deepEqual(progress.lines(4500, 80), [
      "  agents.a: creating... 4s",
      "  hosts.box: creating... 3s",
    ]);
    assert.equal(
      progress.take("apply.change.done", "agents.a: created (4.5s)", { address: "agents.a" }, 4500),
      true,
    );
    assert.deepEqual(progress.lines(65_000, 80), ["  hosts.box: creating... 1m04s"]);
    assert.equal(progress.take("apply.change.failed", "x", { address: "hosts.box" }, 65_000), true);
    assert.equal(progress.active, false);
    assert.deepEqual(progress.lines(70_000, 80), []);
  });

  test("other messages are not tracked, lines fit the terminal, and control characters are shown escaped", () => {
    const progress = new ApplyProgress();
    assert.equal(progress.take("lock.unavailable", "m", { address: "agents.a" }, 0), false);
    assert.equal(progress.take("apply.change.start", "no address", {}, 0), false);
    progress.take(
      "apply.change.start",
      "agents.\u001b[2Jx: creating...",
      { address: "agents.x" },
      0,
    );
    const [line] = progress.lines(0, 80);
    assert.ok(line !== undefined && !line.includes("\u001b"));
    progress.take(
      "apply.change.start",
      `agents.${"y".repeat(100)}: creating...`,
      { address: "agents.y" },
      0,
    );
    assert.ok(progress.lines(0, 40).every((l) => l.length <= 40));
  });

  test("elapsed counts whole seconds", () => {
    assert.equal(elapsed(999), "0s");
    assert.equal(elapsed(59_999), "59s");
    assert.equal(elapsed(125_000), "2m05s");
  });
});
