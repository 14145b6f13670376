import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { freePort } from "../../helpers/sshd.ts";
import { makeSshFixture, output, skipSsh, type SshFixture } from "./ssh-fixture.ts";

/** A correctness bound, not a benchmark: far below ssh's own default timeout. */
const QUICKLY_MS = 10_000;

describe("an unreachable ssh host", { skip: skipSsh }, () => {
  let f: SshFixture;
  let file: string;
  let port: number;
  before(async () => {
    f = await makeSshFixture("ssh-gone");
    port = await freePort();
    file = await f.fleetFile(`version: 1
name: partly
hosts:
  gone: { provider: ssh, address: ${JSON.stringify(f.sshd.address)}, port: ${port}, identityFile: ${JSON.stringify(f.sshd.clientKey)} }
agents:
  far: { host: gone, command: "sleep 600" }
  near: { command: "sleep 600" }
`);
  });
  after(() => f.cleanup());

  test("plan says which host it could not read, and why, and plans the others", async () => {
    const started = Date.now();
    const planned = await f.sb.fleet(["plan", "-f", file]);
    assert.ok(Date.now() - started < QUICKLY_MS, `plan took ${Date.now() - started} ms`);
    assert.equal(planned.code, 1, output(planned));
    assert.match(planned.stdout + planned.stderr, /gone/);
    assert.match(planned.stdout + planned.stderr, new RegExp(`port ${port}.*Connection refused`));
    assert.match(planned.stdout, /agent "near"/);
  });

  test("apply creates the reachable host's agents and reports the other", async () => {
    const started = Date.now();
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"]);
    assert.ok(Date.now() - started < QUICKLY_MS, `apply took ${Date.now() - started} ms`);
    assert.match(applied.stdout + applied.stderr, /gone/, output(applied));
    const list = await f.list();
    assert.equal(
      list.agents.find((a) => a.name === "near")?.state,
      "RUNNING",
      JSON.stringify(list),
    );
  });

  test("list shows the other hosts' agents and the error, also in json, quickly", async () => {
    const started = Date.now();
    const table = await f.sb.fleet(["list"]);
    assert.ok(Date.now() - started < QUICKLY_MS, `list took ${Date.now() - started} ms`);
    assert.equal(table.code, 1, output(table));
    assert.match(table.stdout, /near\s+local\s+RUNNING/);
    assert.match(
      table.stderr,
      new RegExp(
        `host gone \\(ssh\\) could not be read: cannot reach host gone \\(.*port ${port}\\): .*Connection refused`,
      ),
    );
    const json = await f.sb.fleet(["list", "--format", "json"]);
    const parsed = JSON.parse(json.stdout) as {
      agents: { name: string }[];
      errors: { host: string; provider: string; error: { code: string; message: string } }[];
    };
    assert.deepEqual(
      parsed.agents.map((a) => a.name),
      ["near"],
    );
    assert.deepEqual(
      parsed.errors.map((e) => [e.host, e.provider, e.error.code]),
      [["gone", "ssh", "SSH_UNREACHABLE"]],
    );
  });
  test("events prints the other hosts' events and names the host it could not read (exit 1)", async () => {
    const events = await f.sb.fleet(["events", "--format", "jsonl"]);
    assert.equal(events.code, 1, output(events));
    const lines = events.stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { agent: string | null; type: string });
    assert.ok(
      lines.some((e) => e.agent === "near" && e.type === "created"),
      events.stdout,
    );
    assert.match(events.stderr, /host gone could not be read/);
    const doc = JSON.parse((await f.sb.fleet(["events", "--json"])).stdout) as {
      errors: { host: string }[];
    };
    assert.deepEqual(
      doc.errors.map((e) => e.host),
      ["gone"],
    );
    // One agent's events need only its own host.
    const near = await f.sb.fleet(["events", "near"]);
    assert.equal(near.code, 0, output(near));
    assert.match(near.stdout, /near@local {2}created/);
  });
});
