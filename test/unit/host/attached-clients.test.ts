/**
 * Which attached tmux clients make an agent "attached" (and so never idle):
 * a user's terminal does, the dashboard's control-mode watcher (no tty,
 * named client-PID) does not.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parsePane } from "../../../src/core/host/probe.ts";

const pane = (attached: string, clients?: string): string =>
  [
    "fleet-a",
    "agent",
    "0",
    "",
    "1700000000",
    attached,
    "42",
    "",
    "a",
    ...(clients === undefined ? [] : [clients]),
  ].join("\t");

describe("attached clients", () => {
  test("a terminal attached is attached, with or without a watcher beside it", () => {
    assert.equal(parsePane(pane("1", "/dev/pts/3"))?.attached, true);
    assert.equal(parsePane(pane("2", "client-4242,/dev/pts/3"))?.attached, true);
  });

  test("only watchers without a terminal are not a user attached", () => {
    assert.equal(parsePane(pane("1", "client-4242"))?.attached, false);
    assert.equal(parsePane(pane("2", "client-1,client-2"))?.attached, false);
  });

  test("no client, or a tmux that cannot list them, goes by the count", () => {
    assert.equal(parsePane(pane("0", ""))?.attached, false);
    assert.equal(parsePane(pane("1", ""))?.attached, true);
    assert.equal(parsePane(pane("1"))?.attached, true);
  });
});
