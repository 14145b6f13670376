import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { earlyExitCheck, earlyExitError } from "../../../src/core/host/early-exit.ts";
import { LineSplitter } from "../../../src/core/host/follow.ts";
import { sections } from "../../../src/core/host/script-output.ts";

describe("the early-exit check", () => {
  test("is left out when the agent type has no exit window", () => {
    assert.deepEqual(earlyExitCheck("=s:agent", 0, "p"), []);
    assert.ok(earlyExitCheck("=s:agent", 400, "p").length > 0);
  });

  test("its output becomes an error with the exit code and the last lines, markers and control characters defused", () => {
    const stdout = [
      "@@fleet:early-exit",
      "127",
      "@@fleet:output",
      "|sh: 1: nosuchprogram: not found",
      "|@@fleet:ports db 1",
      "|bell\u0007 here",
      "@@fleet:ports",
    ].join("\n");
    const error = earlyExitError(sections(stdout), { name: "a", host: "local", windowMs: 400 });
    assert.ok(error);
    assert.equal(error.code, "AGENT_EXITED");
    assert.match(
      error.message,
      /^agent a on host local exited with code 127 within 400 ms of starting\.\nIts last output:\n {2}sh: 1: nosuchprogram: not found\n {2}@@fleet:ports db 1\n {2}bell here$/,
    );
    assert.match(error.hint ?? "", /not found/);
    assert.equal(error.details?.exitCode, 127);
  });

  test("no early-exit section means the agent stayed up", () => {
    assert.equal(
      earlyExitError(sections("@@fleet:ports\n"), { name: "a", host: "h", windowMs: 1 }),
      undefined,
    );
  });
});

describe("LineSplitter", () => {
  test("keeps an unfinished line, and a character cut between chunks, for the next chunk", () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from("one\ntwo é\nthr");
    assert.deepEqual(splitter.push(bytes.subarray(0, 9)), ["one"]);
    assert.deepEqual(splitter.push(bytes.subarray(9)), ["two é"]);
    assert.deepEqual(splitter.push(Buffer.from("ee\n")), ["three"]);
  });
});
