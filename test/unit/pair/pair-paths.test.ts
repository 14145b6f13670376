/**
 * What fleet pair accepts from a host's listing: only safe relative paths of
 * regular files; a hostile listing (`../x`, `.git/hooks/...`, an absolute path,
 * a newline) stops pairing before anything is written. The agent side is driven
 * through a fake transport that plays such a host.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ExecOptions, ExecResult, Transport } from "../../../src/core/contracts/transport.ts";
import { FleetError } from "../../../src/core/errors.ts";
import { agentSide } from "../../../src/core/pair/agent-side.ts";
import {
  MAX_FILE_BYTES,
  parseHashes,
  parseStatListing,
  pathProblem,
} from "../../../src/core/pair/pair-paths.ts";

const REG = "81a4"; // a regular file, 0644
const record = (path: string, mode = REG, size = 3): string =>
  `${mode} ${size} 1700000000.123456789 1700000000.123456789 42 ${path}\0`;

/** A host that answers every script with `answer(script)` after a payload marker. */
function fakeHost(answer: (script: string, input: ExecOptions["input"]) => string): {
  transport: Transport;
  scripts: string[];
} {
  const scripts: string[] = [];
  const result = (stdout: string): ExecResult => ({
    code: 0,
    stdout,
    stderr: "",
    stdoutBytes: Buffer.from(stdout),
  });
  return {
    scripts,
    transport: {
      fleetDir: "/fleet",
      exec: () => Promise.resolve(result("")),
      script: (script, options = {}) => {
        scripts.push(script);
        return Promise.resolve(result(`@@fleet:payload\n${answer(script, options.input)}`));
      },
      interactive: () => ({ command: "true", args: [] }),
    },
  };
}

const rejectsWith = async (promise: Promise<unknown>, code: string): Promise<void> => {
  await assert.rejects(promise, (error) => error instanceof FleetError && error.code === code);
};

describe("pair path checks", () => {
  test("plain relative paths are fine", () => {
    for (const path of ["a", "src/a.ts", "dir with space/f", ".github/workflows/ci.yml", "a..b"]) {
      assert.equal(pathProblem(path), undefined, path);
    }
  });

  test("escapes, .git, absolute paths and control characters are refused", () => {
    for (const path of [
      "../x",
      "a/../../x",
      "/etc/passwd",
      ".git/config",
      "sub/.GIT/hooks/x",
      "a\nb",
      "a\0b",
      "",
      "a//b",
      "./a",
    ]) {
      assert.notEqual(pathProblem(path), undefined, JSON.stringify(path));
    }
  });
});

describe("a host's stat listing", () => {
  test("keeps regular files, skips symlinks and dirs, notes the exec bit", () => {
    const listing = parseStatListing(
      Buffer.from(
        record("./a.txt") +
          record("link", "a1ff") +
          record("dir", "41ed", 4096) +
          record("run.sh", "81ed"),
      ),
      "host",
    );
    assert.deepEqual([...listing.keys()], ["a.txt", "run.sh"]);
    assert.equal(listing.get("run.sh")?.exec, true);
    assert.equal(listing.get("a.txt")?.exec, false);
  });

  test("a path that climbs out is refused, not skipped", () => {
    assert.throws(
      () => parseStatListing(Buffer.from(record("ok") + record("../x")), "host"),
      /PAIR_UNSAFE_PATH|will not touch/,
    );
  });

  test("a file over the size cap and garbage records are errors", () => {
    assert.throws(
      () => parseStatListing(Buffer.from(record("big", REG, MAX_FILE_BYTES + 1)), "host"),
      (error) => error instanceof FleetError && error.code === "PAIR_FILE_TOO_LARGE",
    );
    assert.throws(
      () => parseStatListing(Buffer.from("not a stat line\0"), "host"),
      (error) => error instanceof FleetError && error.code === "PAIR_BAD_LISTING",
    );
  });

  test("hashes are taken only for the paths asked about", () => {
    const hash = "a".repeat(40);
    const asked = new Set(["a"]);
    assert.deepEqual(
      parseHashes(Buffer.from(`${hash}  a\0`), asked, "host"),
      new Map([["a", hash]]),
    );
    assert.throws(() => parseHashes(Buffer.from(`${hash}  ../b\0`), asked, "host"), /did not ask/);
    assert.throws(() => parseHashes(Buffer.from(`zz  a\0`), asked, "host"), /cannot read/);
  });
});

describe("the agent side over a hostile transport", () => {
  test("a listing naming ../x stops pairing before any hash or file is asked for", async () => {
    const host = fakeHost(() => record("fine.txt") + record("../x"));
    const side = agentSide(host.transport, "/work", "w");
    await rejectsWith(side.list(), "PAIR_UNSAFE_PATH");
    assert.equal(host.scripts.length, 1);
  });

  test("a listing naming .git/hooks/pre-commit is refused too", async () => {
    const host = fakeHost(() => record(".git/hooks/pre-commit"));
    await rejectsWith(agentSide(host.transport, "/work", "w").list(), "PAIR_UNSAFE_PATH");
  });

  test("a hash answer for a path not listed is refused", async () => {
    const host = fakeHost((script) =>
      script.includes("sha1sum -z") ? `${"b".repeat(40)}  /etc/shadow\0` : record("a.txt"),
    );
    await rejectsWith(agentSide(host.transport, "/work", "w").list(), "PAIR_UNSAFE_PATH");
  });

  test("a good listing is hashed once, and only again for files whose stat moved", async () => {
    let stamp = "1700000000.1";
    const host = fakeHost((script) =>
      script.includes("sha1sum -z")
        ? `${"c".repeat(40)}  a.txt\0`
        : `${REG} 3 ${stamp} ${stamp} 42 a.txt\0`,
    );
    const side = agentSide(host.transport, "/work", "w");
    assert.equal((await side.list()).get("a.txt")?.hash, "c".repeat(40));
    await side.list();
    assert.equal(host.scripts.filter((s) => s.includes("sha1sum -z")).length, 1);
    stamp = "1700000001.1";
    await side.list();
    assert.equal(host.scripts.filter((s) => s.includes("sha1sum -z")).length, 2);
  });

  test("pair never sends the host a path it would refuse", async () => {
    const host = fakeHost(() => "");
    const side = agentSide(host.transport, "/work", "w");
    await rejectsWith(
      side.write("../escape", Buffer.from("x"), false, undefined),
      "PAIR_UNSAFE_PATH",
    );
    await rejectsWith(side.remove("/etc/passwd", "a".repeat(40)), "PAIR_UNSAFE_PATH");
    assert.deepEqual(host.scripts, []);
  });
});
