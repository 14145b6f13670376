/**
 * No Docker engine (DOCKER_HOST points at a socket nobody listens on): plan,
 * apply and list say so and how to start one, and list still shows the agents of
 * this machine. Needs no Docker at all, so it always runs.
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";

describe("docker hosts when the engine is not running", { timeout: 60_000 }, () => {
  let sb: Sandbox;
  let file: string;
  let dead: NodeJS.ProcessEnv;

  before(async () => {
    sb = await makeSandbox("docker-down");
    dead = { DOCKER_HOST: `unix://${join(sb.dir, "no-dockerd.sock")}` };
    file = join(sb.dir, "fleet.yaml");
    await writeFile(
      file,
      `version: 1
name: dockdown
hosts:
  dbox: { provider: docker, image: fleet/base:bookworm }
agents:
  d: { command: "sleep 3600", host: dbox }
`,
    );
    const created = await sb.fleet(["create", "here", "--command", "sleep 3600", "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
    // As a previous apply would have: the controller remembers the docker host.
    await mkdir(join(sb.home, "hosts"), { recursive: true });
    await writeFile(
      join(sb.home, "hosts", "dbox.json"),
      JSON.stringify({
        name: "dbox",
        provider: "docker",
        config: { image: "fleet/base:bookworm" },
      }),
    );
  });

  after(async () => {
    await sb.cleanup();
  });

  test("plan reports the engine as not running, with how to start it, and exits 1", async () => {
    const result = await sb.fleet(["plan", "-f", file], { env: dead });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /could not read host dbox \(docker\): Docker engine not reachable/);
    assert.match(
      result.stdout,
      /is the Docker engine running\? Start it with `systemctl start docker`/,
    );
    assert.match(result.stdout, /not planned: agents\.d, hosts\.dbox/);
  });

  test("list still shows the local agent, warns about the engine, and exits 1", async () => {
    const table = await sb.fleet(["list"], { env: dead });
    assert.equal(table.code, 1);
    assert.match(table.stdout, /^here\s+local\s+RUNNING/m);
    assert.match(
      table.stderr,
      /host dbox \(docker\) could not be read: Docker engine not reachable .*dockerd/,
    );
    const json = await sb.fleet(["list", "--json"], { env: dead });
    const doc = JSON.parse(json.stdout) as {
      agents: { name: string }[];
      errors: { host: string; error: { code: string } }[];
    };
    assert.deepEqual(
      doc.agents.map((a) => a.name),
      ["here"],
    );
    assert.deepEqual(
      doc.errors.map((e) => [e.host, e.error.code]),
      [["dbox", "DOCKER_UNAVAILABLE"]],
    );
  });

  test("apply reports the engine as not running and exits 1", async () => {
    const result = await sb.fleet(["apply", "-f", file, "-y"], { env: dead });
    assert.match(result.stdout + result.stderr, /Docker engine not reachable/);
    assert.doesNotMatch(result.stdout, /Your fleet matches the configuration/);
    assert.equal(result.code, 1);
  });
});
