/**
 * `fleet gc` and ssh hosts: the ControlMaster socket a killed ssh master left
 * is deleted, and fleet reaches the host again afterwards with a new master.
 * (Contacting a host replaces its dead socket by itself, so the sockets gc
 * finds are those of hosts nothing contacts any more: here, a forgotten one.)
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { waitFor } from "../../helpers/sandbox.ts";
import { makeSshFixture, output, skipSsh, type SshFixture } from "../ssh/ssh-fixture.ts";

const execFileAsync = promisify(execFile);
if (skipSsh !== false) console.log(`# fleet gc on ssh skipped: ${skipSsh}`);

describe("fleet gc and ssh ControlMaster sockets", { skip: skipSsh, timeout: 120_000 }, () => {
  let f: SshFixture;
  let socket: string;
  let file: string;
  before(async () => {
    f = await makeSshFixture("gc-ssh");
    file = await f.fleetFile(`version: 1
name: gcssh
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  w: { host: box, command: "sleep 600", idle: disabled }
`);
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, output(applied));
    const dir = join(f.sb.home, "ssh", "cm");
    const [name] = await readdir(dir);
    assert.ok(name !== undefined, "no ControlMaster socket after apply");
    socket = join(dir, name);
  });
  after(async () => {
    if (skipSsh === false) await f.cleanup();
  });

  test("a live master's socket is left alone", async () => {
    const result = await f.sb.fleet(["gc", "--dry-run", "--json"]);
    assert.equal(result.code, 0, output(result));
    const doc = JSON.parse(result.stdout) as { items: { kind: string }[] };
    assert.ok(!doc.items.some((i) => i.kind === "ssh-socket"), result.stdout);
  });

  test("the socket of a killed master is deleted, and the host is reached again", async () => {
    // Forgotten first: host rm itself reaches the host (and would revive its master).
    const forgot = await f.sb.fleet(["host", "rm", "box", "--force"]);
    assert.equal(forgot.code, 0, output(forgot));
    const check = await execFileAsync(
      "ssh",
      ["-o", `ControlPath=${socket}`, "-O", "check", "fleet-test"],
      { timeout: 5000 },
    ).catch((error: unknown) => ({ stderr: String((error as { stderr?: unknown }).stderr) }));
    const pid = Number(/pid=(\d+)/.exec(check.stderr)?.[1]);
    assert.ok(Number.isInteger(pid) && pid > 0, `no master pid in: ${check.stderr}`);
    process.kill(pid, "SIGKILL");
    await waitFor(() => {
      try {
        process.kill(pid, 0);
        return Promise.resolve(false);
      } catch {
        return Promise.resolve(true);
      }
    });
    assert.ok(existsSync(socket), "a killed master leaves its socket behind");
    const gc = await f.sb.fleet(["gc", "-y", "--json"]);
    assert.equal(gc.code, 0, output(gc));
    const doc = JSON.parse(gc.stdout) as {
      items: { kind: string; target: string; status: string }[];
    };
    assert.deepEqual(
      doc.items.filter((i) => i.kind === "ssh-socket").map((i) => [i.target, i.status]),
      [[socket, "deleted"]],
    );
    assert.ok(!existsSync(socket));
    // The host is reached again through a new master: the plan reads agent w there as it was.
    const plan = await f.sb.fleet(["plan", "-f", file, "--detailed-exitcode"]);
    assert.equal(plan.code, 0, output(plan));
    assert.ok(existsSync(socket), "a new master serves the host");
  });
});
