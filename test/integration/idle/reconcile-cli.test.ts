/** `fleet reconcile` usage, output on an empty machine, and exit codes. */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import { SILENT, fleetFile, states } from "./idle-helpers.ts";

describe("fleet reconcile on the command line", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("reconcile-cli");
  });
  after(() => sb.cleanup());

  test("--every takes a duration of at least 1s; anything else is a usage error", async () => {
    for (const every of ["soon", "500ms", "0s"]) {
      const result = await sb.fleet(["reconcile", "--every", every]);
      assert.equal(result.code, 2, `--every ${every}: ${result.stderr}`);
      assert.match(result.stderr, /--every/);
    }
  });

  test("with no agents at all it says there is nothing to stop and exits 0", async () => {
    const text = await sb.fleet(["reconcile"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Nothing to stop \(every agent on the hosts fleet knows\): 0/);
    const json = await sb.fleet(["reconcile", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { ok: boolean; fleet: unknown; stopped: unknown[] };
    assert.deepEqual([report.ok, report.fleet, report.stopped], [true, null, []]);
  });

  test("an invalid fleet file fails before anything is read or stopped", async () => {
    const file = await fleetFile(
      sb,
      "version: 1\nname: bad\nagents:\n  x: { hots: local }\n",
      "bad.yaml",
    );
    const result = await sb.fleet(["reconcile", "-f", file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad\.yaml:4/);
  });

  test("a host that cannot be read makes exit 1; the others are still reconciled", async () => {
    const file = await fleetFile(
      sb,
      `version: 1\nname: partial\nagents:\n  idle: { command: ${SILENT}, idleTimeout: 1s }\n`,
    );
    assert.equal((await sb.fleet(["apply", "-f", file, "-y"])).code, 0);
    // A remembered SSH host nothing listens for (loopback, a closed port).
    await mkdir(join(sb.home, "hosts"), { recursive: true });
    await writeFile(
      join(sb.home, "hosts", "gone.json"),
      JSON.stringify({
        name: "gone",
        provider: "ssh",
        config: { address: "nobody@127.0.0.1", port: 1 },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const result = await sb.fleet(["reconcile"]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /host gone \(ssh\) could not be read/);
    assert.equal((await states(sb)).idle, "STOPPED");
  });
});
