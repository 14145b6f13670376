/**
 * `fleet apply --engine pulumi` with an SSH host (a real sshd on loopback): the
 * machine is a fleet:index:Host that is checked and remembered, never removed;
 * its agents are made, refreshed and destroyed through the stack. (The
 * @pulumi/command step that would prepare such a machine cannot run here: its
 * provider plugin cannot be built from the Go module proxy; see
 * examples/pulumi/ssh-prepared.)
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makeSshFixture, output, skipSsh, type SshFixture } from "../ssh/ssh-fixture.ts";
import { exportStack, pulumiSkip } from "./pulumi-env.ts";

const skip = skipSsh || pulumiSkip("pulumi engine (ssh)");
const SECRET = "pulumi-ssh-secret-2b7e";

describe("the Pulumi engine with an SSH host", { skip, timeout: 600_000 }, () => {
  let f: SshFixture;
  let file: string;
  const env = { PSSH_TOKEN: SECRET };
  const fleet = (args: string[]) => f.sb.fleet(args, { env, timeoutMs: 180_000 });

  before(async () => {
    f = await makeSshFixture("pulumi-ssh");
    file = await f.fleetFile(`version: 1
name: pssh
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  remote: { host: box, command: "sleep 600", secrets: [PSSH_TOKEN] }
`);
  });
  after(() => f?.cleanup());

  test("apply places the agent on the machine through the stack", async () => {
    const applied = await fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(applied.code, 0, output(applied));
    assert.match(applied.stdout, /Apply complete! Resources: 2 added/);
    const list = await f.list();
    assert.deepEqual(
      list.agents.map((a) => `${a.name}@${a.host}:${a.state}`),
      ["remote@box:RUNNING"],
    );
    assert.deepEqual(await f.remoteSessions(), [`${f.sb.prefix}remote`]);
    const { text, resources } = await exportStack(f.sb, "pssh");
    assert.deepEqual(resources.map((r) => `${r.type} ${r.id ?? ""}`).sort(), [
      "fleet:index:Agent box/remote",
      "fleet:index:Host box",
    ]);
    assert.ok(!text.includes(SECRET), "no secret value in the stack");
  });

  test("a remote session killed by hand is found by refresh and brought back", async () => {
    await f.sshd.remoteTmux(["kill-session", "-t", `${f.sb.prefix}remote`]);
    const planned = await fleet(["plan", "--engine", "pulumi", "-f", file, "--format", "json"]);
    assert.equal(planned.code, 0, output(planned));
    const changes = (
      JSON.parse(planned.stdout) as { changes: { address: string; action: string }[] }
    ).changes;
    assert.equal(changes.find((c) => c.address === "agents.remote")?.action, "update");
    assert.equal(changes.find((c) => c.address === "hosts.box")?.action, "noop");
    const applied = await fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(applied.code, 0, output(applied));
    assert.deepEqual(await f.remoteSessions(), [`${f.sb.prefix}remote`]);
  });

  test("destroy removes the agent and leaves the machine as it is", async () => {
    const destroyed = await fleet(["destroy", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(destroyed.code, 0, output(destroyed));
    assert.match(destroyed.stdout, /Destroy complete!/);
    assert.deepEqual(await f.remoteSessions(), []);
    assert.deepEqual((await exportStack(f.sb, "pssh")).resources, []);
    // The machine still answers: fleet reaches it and finds nothing of this fleet.
    const list = await f.list();
    assert.deepEqual(list.agents, []);
    assert.deepEqual(list.errors, []);
  });
});
