/**
 * fleet pair's round decision: a change crosses only where the other side still
 * holds the baseline; both sides changed is a conflict, settled by the rule or
 * (stop) by changing nothing; the direction limits which side is written.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  decideRound,
  type BaselineEntry,
  type ConflictRule,
  type Direction,
  type Listing,
  type PairOp,
} from "../../../src/core/pair/pair-decide.ts";

const files = (entries: Record<string, string>): Listing =>
  new Map(Object.entries(entries).map(([path, hash]) => [path, { hash, exec: false }]));
const synced = (entries: Record<string, string>): Map<string, BaselineEntry> =>
  new Map(Object.entries(entries).map(([path, hash]) => [path, { local: hash, agent: hash }]));
const opts = (direction: Direction = "both", conflict: ConflictRule = "stop") => ({
  direction,
  conflict,
});
/** Ops as `kind to path [source] expect` lines, for readable assertions. */
const show = (ops: PairOp[]): string[] =>
  ops.map((op) =>
    op.kind === "write"
      ? `write ${op.to} ${op.path} from ${op.source}@${op.hash} if ${op.expect ?? "absent"}`
      : `delete ${op.to} ${op.path} if ${op.expect}`,
  );

describe("pair round decisions", () => {
  test("equal sides need nothing and become the baseline", () => {
    const round = decideRound(new Map(), files({ a: "h1" }), files({ a: "h1" }), opts());
    assert.deepEqual(round.ops, []);
    assert.deepEqual(round.conflicts, []);
    assert.deepEqual(round.settle.get("a"), { local: "h1", agent: "h1" });
  });

  test("a local change goes to the agent when the agent still holds the baseline", () => {
    const round = decideRound(synced({ a: "h1" }), files({ a: "h2" }), files({ a: "h1" }), opts());
    assert.deepEqual(show(round.ops), ["write agent a from a@h2 if h1"]);
    const [op] = round.ops;
    assert.deepEqual(op?.settle, { local: "h2", agent: "h2" });
  });

  test("an agent change comes to the checkout when the checkout still holds the baseline", () => {
    const round = decideRound(synced({ a: "h1" }), files({ a: "h1" }), files({ a: "h3" }), opts());
    assert.deepEqual(show(round.ops), ["write local a from a@h3 if h1"]);
  });

  test("a file new on one side is written where it is absent", () => {
    const round = decideRound(new Map(), files({ n: "h1" }), files({ m: "h2" }), opts());
    assert.deepEqual(show(round.ops), [
      "write local m from m@h2 if absent",
      "write agent n from n@h1 if absent",
    ]);
  });

  test("a deletion crosses where the other side still holds the baseline", () => {
    const round = decideRound(synced({ gone: "h1" }), files({}), files({ gone: "h1" }), opts());
    assert.deepEqual(show(round.ops), ["delete agent gone if h1"]);
    assert.equal(round.ops[0]?.settle, undefined);
  });

  test("a deletion against an edit on the other side is a conflict, not a deletion", () => {
    const baseline = synced({ edited: "h1" });
    const stopped = decideRound(baseline, files({}), files({ edited: "h9" }), opts());
    assert.deepEqual(stopped.conflicts, ["edited"]);
    assert.deepEqual(stopped.ops, []);
    const kept = decideRound(
      baseline,
      files({}),
      files({ edited: "h9" }),
      opts("both", "keep-both"),
    );
    assert.deepEqual(show(kept.ops), [
      "write local edited.fleet-conflict-agent from edited@h9 if absent",
    ]);
  });

  test("with stop, a conflict changes nothing at all, not even the other paths", () => {
    const round = decideRound(
      synced({ a: "h1", b: "h1" }),
      files({ a: "L", b: "h2" }),
      files({ a: "A", b: "h1" }),
      opts("both", "stop"),
    );
    assert.deepEqual(round.conflicts, ["a"]);
    assert.deepEqual(round.ops, []);
    assert.equal(round.settle.size, 0);
  });

  test("at the start (no baseline), files that differ on both sides are conflicts", () => {
    const round = decideRound(
      new Map(),
      files({ a: "L", same: "s" }),
      files({ a: "A", same: "s" }),
      opts(),
    );
    assert.deepEqual(round.conflicts, ["a"]);
    assert.deepEqual(round.ops, []);
  });

  test("prefer-local writes the checkout's version into the agent, prefer-agent the other way", () => {
    const local = files({ a: "L" });
    const agent = files({ a: "A" });
    const mine = decideRound(new Map(), local, agent, opts("both", "prefer-local"));
    assert.deepEqual(show(mine.ops), ["write agent a from a@L if A"]);
    const theirs = decideRound(new Map(), local, agent, opts("both", "prefer-agent"));
    assert.deepEqual(show(theirs.ops), ["write local a from a@A if L"]);
  });

  test("prefer-local against a deletion in the agent writes the file back", () => {
    const round = decideRound(
      synced({ a: "h1" }),
      files({ a: "L" }),
      files({}),
      opts("both", "prefer-local"),
    );
    assert.deepEqual(show(round.ops), ["write agent a from a@L if absent"]);
  });

  test("keep-both writes each side's version next to the other's and leaves both originals", () => {
    const round = decideRound(
      synced({ a: "h1" }),
      files({ a: "L" }),
      files({ a: "A", "a.fleet-conflict-local": "old" }),
      opts("both", "keep-both"),
    );
    assert.deepEqual(show(round.ops), [
      "write local a.fleet-conflict-agent from a@A if absent",
      "write agent a.fleet-conflict-local.2 from a@L if absent",
      // The agent's older copy is a file like any other: new to the checkout.
      "write local a.fleet-conflict-local from a.fleet-conflict-local@old if absent",
    ]);
    // Each side's own version is its baseline now: the same conflict is not settled twice.
    assert.deepEqual(round.settle.get("a"), { local: "L", agent: "A" });
    const next = decideRound(
      new Map(round.settle as Map<string, BaselineEntry>),
      files({ a: "L" }),
      files({ a: "A" }),
      opts("both", "keep-both"),
    );
    assert.deepEqual(next.conflicts, []);
    assert.deepEqual(next.ops, []);
  });

  test("after keep-both, editing one side carries that side's version across", () => {
    const baseline = new Map([["a", { local: "L", agent: "A" }]]);
    const round = decideRound(baseline, files({ a: "merged" }), files({ a: "A" }), opts());
    assert.deepEqual(show(round.ops), ["write agent a from a@merged if A"]);
  });

  test("to-agent never writes the checkout; the agent's change waits and later conflicts", () => {
    const baseline = synced({ a: "h1", b: "h1" });
    const round = decideRound(
      baseline,
      files({ a: "h1", b: "h2" }),
      files({ a: "A", b: "h1", c: "C" }),
      opts("to-agent"),
    );
    assert.deepEqual(show(round.ops), ["write agent b from b@h2 if h1"]);
    assert.equal(round.settle.has("a"), false);
    const later = decideRound(baseline, files({ a: "L" }), files({ a: "A" }), opts("to-agent"));
    assert.deepEqual(later.conflicts, ["a"]);
    assert.deepEqual(later.ops, []);
  });

  test("from-agent never writes the agent", () => {
    const round = decideRound(
      synced({ a: "h1" }),
      files({ a: "h2", n: "N" }),
      files({ a: "h1", m: "M" }),
      opts("from-agent"),
    );
    assert.deepEqual(show(round.ops), ["write local m from m@M if absent"]);
  });

  test("a path deleted on both sides is forgotten", () => {
    const round = decideRound(synced({ a: "h1" }), files({}), files({}), opts());
    assert.deepEqual(round.ops, []);
    assert.equal(round.settle.has("a"), true);
    assert.equal(round.settle.get("a"), undefined);
  });

  test("the exec bit of the source travels with a write", () => {
    const local: Listing = new Map([["run.sh", { hash: "x", exec: true }]]);
    const [op] = decideRound(new Map(), local, new Map(), opts()).ops;
    assert.equal(op?.kind === "write" && op.exec, true);
  });
});
