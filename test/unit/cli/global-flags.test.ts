import assert from "node:assert/strict";
import { test } from "node:test";
import { moveGlobalFlags } from "../../../src/cli/global-flags.ts";
import { plural } from "../../../src/cli/render/plural.ts";

const groups = new Set(["host"]);
const move = (...args: string[]) => moveGlobalFlags(args, groups);

test("global flags before the command move to just after it", () => {
  assert.deepEqual(move("--json", "ls"), ["ls", "--json"]);
  assert.deepEqual(move("--format", "json", "list", "--state", "running"), [
    "list",
    "--format",
    "json",
    "--state",
    "running",
  ]);
  assert.deepEqual(move("--format=json", "--no-color", "ls"), [
    "ls",
    "--format=json",
    "--no-color",
  ]);
});

test("for a command group they move after the subcommand", () => {
  assert.deepEqual(move("--json", "host", "trust", "box"), ["host", "trust", "--json", "box"]);
});

test("they go before the command's own arguments, so `--` stays last", () => {
  assert.deepEqual(move("--debug", "exec", "a", "--", "ls", "--json"), [
    "exec",
    "--debug",
    "a",
    "--",
    "ls",
    "--json",
  ]);
});

test("anything else is left for commander to judge", () => {
  assert.deepEqual(move("ls", "--json"), ["ls", "--json"]);
  assert.deepEqual(move("--help"), ["--help"]);
  assert.deepEqual(move("--json"), ["--json"]);
  assert.deepEqual(move("--bogus", "ls"), ["--bogus", "ls"]);
});

test("plural picks the noun by count", () => {
  assert.equal(plural(0, "agent"), "0 agents");
  assert.equal(plural(1, "agent"), "1 agent");
  assert.equal(plural(2, "agent"), "2 agents");
  assert.equal(plural(1, "copy", "copies"), "1 copy");
  assert.equal(plural(3, "copy", "copies"), "3 copies");
});
