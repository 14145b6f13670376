import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parseExitStatus,
  parseProbe,
  withRecordedExit,
  type PaneInfo,
} from "../../../src/core/host/probe.ts";

const dead = (extra: Partial<PaneInfo> = {}): PaneInfo => ({
  session: "fleet-a",
  window: "agent",
  dead: true,
  attached: false,
  owner: "a",
  ...extra,
});

describe("the exit status a launcher records", () => {
  it("fills in a dead pane whose status tmux lost", () => {
    assert.equal(withRecordedExit(dead(), 3)?.exitCode, 3);
  });

  it("never overrides what tmux knows, nor a live pane", () => {
    assert.equal(withRecordedExit(dead({ exitCode: 1 }), 3)?.exitCode, 1);
    assert.equal(withRecordedExit(dead({ signal: 9 }), 3)?.exitCode, undefined);
    assert.equal(withRecordedExit(dead({ dead: false }), 3)?.exitCode, undefined);
    assert.equal(withRecordedExit(undefined, 3), undefined);
  });

  it("is a number 0..255 from the host, or nothing", () => {
    assert.equal(parseExitStatus("3\n"), 3);
    assert.equal(parseExitStatus("0"), 0);
    for (const bad of ["256", "-1", "3x", "", "--output=/tmp/x", "1e3"])
      assert.equal(parseExitStatus(bad), undefined, bad);
  });

  it("comes back from the probe by agent, bad lines dropped", () => {
    const probe = parseProbe(["@@fleet:exits", "a 3", "b nope", "c 300", "d 0"].join("\n") + "\n");
    assert.deepEqual(
      [...probe.exits],
      [
        ["a", 3],
        ["d", 0],
      ],
    );
  });
});
