/**
 * The options a plain `fleet create` command line gives on its fast path, as
 * docs/cli.md and `fleet create --help` describe them; the integration test
 * create-fast-path.test.ts runs each shape through commander too. Attaching is
 * only seen on a terminal, so its default is held here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { directCreate } from "../../../src/cli/direct-create.ts";

test("a create attaches unless --no-connect is given", () => {
  assert.equal(directCreate(["create", "a", "--command", "bash"])?.options.connect, true);
  assert.equal(directCreate(["create", "a", "--no-connect"])?.options.connect, false);
});

test("defaults: text output in colour", () => {
  assert.deepEqual(directCreate(["create", "a"]), {
    name: "a",
    args: [],
    options: { format: "text", color: true, connect: true },
  });
});

test("-e/--env and --secret take every value up to the next flag, and add up", () => {
  const made = directCreate(["create", "a", "-e", "A=1", "B=2", "--no-connect", "--env", "C=3"]);
  assert.deepEqual(made?.options.env, ["A=1", "B=2", "C=3"]);
  assert.deepEqual(directCreate(["create", "a", "--secret", "X", "Y"])?.options.secret, ["X", "Y"]);
});

test("operands after the name, and everything after --, go to the agent", () => {
  const made = directCreate(["create", "a", "one", "--command", "c", "--", "--two", "-e"]);
  assert.deepEqual(made?.args, ["one", "--two", "-e"]);
  assert.equal(made?.options.command, "c");
});

test("anything else is left to commander", () => {
  for (const args of [
    ["create"],
    ["create", "--no-connect"],
    ["create", "a", "--command"],
    ["create", "a", "--command", "--no-connect"],
    ["create", "a", "--command=bash"],
    ["create", "a", "--env"],
    ["create", "a", "--bogus"],
    ["create", "a", "-h"],
    ["create", "a", "--help"],
    ["list"],
  ]) {
    assert.equal(directCreate(args), undefined, args.join(" "));
  }
});
