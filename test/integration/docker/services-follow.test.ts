/**
 * Services, early exits and following, on a docker host: the same runtime over
 * `docker exec`, so the checks that ride the launch script and the follow loop
 * work through that transport too.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe } from "node:test";
import { fleetBin, waitFor } from "../../helpers/sandbox.ts";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  testWith,
  type DockerFixture,
} from "./docker-fixture.ts";

const skip = await dockerSkip("docker services and follow");
const test = testWith(skip);

interface Listed {
  name: string;
  state: string;
  services: { name: string; port: number | null; state: string; exitCode?: number }[];
}

async function agents(f: DockerFixture): Promise<Map<string, Listed>> {
  const listed = await f.fleet(["list", "--format", "json"]);
  const doc = JSON.parse(listed.stdout) as { agents: Listed[] };
  return new Map(doc.agents.map((a) => [a.name, a]));
}

describe("services and follow on a docker host", { timeout: 240_000 }, () => {
  let f: DockerFixture;
  let file: string;

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("docker-services");
    file = await f.file(`version: 1
name: docksvc
hosts:
  box: { provider: docker, image: ${baseImage} }
agents:
  app:
    host: box
    command: "sleep 3600"
    services:
      - { name: ticker, command: "echo ticker on $PORT; exec sleep 3601", port: auto }
`);
    await f.fleet(["apply", "-f", file, "-y"]);
  });

  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("a killed service is exited in list, planned, and restarted on its port", async () => {
    const [running] = (await agents(f)).get("app")?.services ?? [];
    assert.equal(running?.state, "running");
    assert.ok(Number.isInteger(running.port));
    await f.fleet(["exec", "app", "--", "sh", "-c", "pkill -KILL -f 'sleep 360[1]'"]);
    const dead = await waitFor(async () => {
      const [service] = (await agents(f)).get("app")?.services ?? [];
      return service?.state === "exited" ? service : undefined;
    });
    assert.equal(dead.port, running.port);
    const plan = await f.fleet(["plan", "-f", file, "--detailed-exitcode"], 2);
    assert.match(plan.stdout, /service ticker exited/);
    await f.fleet(["apply", "-f", file, "-y"]);
    const [back] = (await agents(f)).get("app")?.services ?? [];
    assert.equal(back?.state, "running");
    assert.equal(back.port, running.port);
    const logs = await f.fleet(["logs", "app", "--service", "ticker"]);
    assert.equal(
      logs.stdout.split("\n").filter((l) => l === `ticker on ${running.port}`).length,
      2,
    );
    await f.fleet(["plan", "-f", file, "--detailed-exitcode"], 0);
  });

  test("create fails for an agent that exits at once, with its output", async () => {
    const created = await f.fleet(
      ["create", "oops", "--host", "box", "--command", "nosuchprogram", "--no-connect"],
      1,
    );
    assert.match(created.stderr, /agent oops on host box exited with code 127/);
    assert.match(created.stderr, /nosuchprogram: not found/);
  });

  test("transcript --follow prints a line written after it started", async () => {
    const child = spawn(
      process.execPath,
      [fleetBin, "transcript", "app", "--service", "ticker", "-f"],
      {
        env: f.sb.env,
        stdio: "pipe",
      },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
    try {
      await waitFor(() => Promise.resolve(out.includes("ticker on") ? true : undefined));
      await f.fleet(["exec", "app", "--", "sh", "-c", "pkill -KILL -f 'sleep 360[1]'"]);
      await f.fleet(["apply", "-f", file, "-y"]);
      await waitFor(() =>
        Promise.resolve(
          out.split("\n").filter((l) => l.startsWith("ticker on")).length >= 3 ? true : undefined,
        ),
      );
    } finally {
      child.kill("SIGINT");
      await closed;
    }
  });
});
