/**
 * Services as first-class parts of an agent, through the CLI and real tmux: their
 * states in `list`, a dead one planned as a change and restarted on its port by
 * `apply`, their output in `logs`/`transcript --service`, and the port kept
 * across stop/start.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

interface ServiceJson {
  name: string;
  port: number | null;
  state: string;
  exitCode?: number;
}

/** A service that listens on $PORT (loopback) and says so; exec, so its pane's process is the listener. */
const listener = `exec ${JSON.stringify(process.execPath)} -e "require('net').createServer().listen(+process.env.PORT, '127.0.0.1', () => console.log('db listening on ' + process.env.PORT))"`;

async function services(sb: Sandbox, agent: string): Promise<ServiceJson[]> {
  const listed = await sb.fleet(["list", "--format", "json"]);
  assert.equal(listed.code, 0, listed.stderr);
  const doc = JSON.parse(listed.stdout) as { agents: { name: string; services: ServiceJson[] }[] };
  const found = doc.agents.find((a) => a.name === agent);
  assert.ok(found, `agent ${agent} is listed`);
  return found.services;
}

/** Kills the process of one service window by hand, as a crash would. */
async function killService(sb: Sandbox, agent: string, service: string): Promise<void> {
  const panes = await sb.tmux([
    "list-panes",
    "-s",
    "-t",
    `=${sb.prefix}${agent}:`,
    "-F",
    "#{window_name} #{pane_pid}",
  ]);
  const pid = panes.stdout
    .split("\n")
    .map((line) => line.split(" "))
    .find(([window]) => window === service)?.[1];
  assert.ok(pid, `service ${service} has a pane`);
  process.kill(Number(pid), "SIGKILL");
}

describe("services", () => {
  let sb: Sandbox;
  let file: string;
  before(async () => {
    sb = await makeSandbox("services");
    file = join(sb.dir, "fleet.yaml");
    await writeFile(
      file,
      `version: 1
name: svc
agents:
  app:
    agent: command
    command: "sleep 600"
    services:
      - name: db
        command: ${JSON.stringify(listener)}
        port: auto
`,
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  });
  after(() => sb.cleanup());

  test("list shows a running service with its port, in JSON and in the table", async () => {
    const [db] = await waitFor(async () => {
      const list = await services(sb, "app");
      return list[0]?.state === "running" ? list : undefined;
    });
    assert.ok(db);
    assert.equal(db.name, "db");
    assert.ok(Number.isInteger(db.port), `an allocated port, got ${String(db.port)}`);
    assert.equal(db.exitCode, undefined);
    const table = await sb.fleet(["list"]);
    assert.match(table.stdout, /SERVICES/);
    assert.match(table.stdout, new RegExp(`app .* db:${db.port}$`, "m"));
  });

  test("logs and transcript --service show the service's output", async () => {
    const [db] = await services(sb, "app");
    assert.ok(db);
    const logs = await waitFor(async () => {
      const result = await sb.fleet(["logs", "app", "--service", "db"]);
      return result.stdout.includes("db listening") ? result : undefined;
    });
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, new RegExp(`^db listening on ${db.port}$`, "m"));
    const transcript = await sb.fleet(["transcript", "app", "--service", "db", "--format", "json"]);
    assert.equal(transcript.code, 0, transcript.stderr);
    const doc = JSON.parse(transcript.stdout) as { service: string; transcript: string };
    assert.equal(doc.service, "db");
    assert.match(doc.transcript, new RegExp(`db listening on ${db.port}`));
    // The agent's own transcript is not the service's.
    const own = await sb.fleet(["transcript", "app"]);
    assert.doesNotMatch(own.stdout, /db listening/);
    const unknown = await sb.fleet(["logs", "app", "--service", "nope"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no service "nope".*\n.*its services: db/);
  });

  test("a service killed by hand is exited in list, a change in plan, and apply restarts it on its port", async () => {
    const [before] = await services(sb, "app");
    assert.ok(before?.port);
    await killService(sb, "app", "db");
    const [dead] = await waitFor(async () => {
      const list = await services(sb, "app");
      // tmux may show the pane dead a moment before it knows how it died.
      return list[0]?.state === "exited" && list[0].exitCode !== undefined ? list : undefined;
    });
    assert.deepEqual(dead, { name: "db", port: before.port, state: "exited", exitCode: 137 });
    const table = await sb.fleet(["list"]);
    assert.match(table.stdout, new RegExp(`db:${before.port} exited\\(137\\)`));

    const plan = await sb.fleet(["plan", "-f", file, "--detailed-exitcode"]);
    assert.equal(plan.code, 2, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /agents\.app will be updated in-place/);
    assert.match(plan.stdout, /service db exited \(code 137\)/);
    assert.match(plan.stdout, new RegExp(`service db: restart on port ${before.port}`));
    assert.match(plan.stdout, /Plan: 0 to add, 1 to change, 0 to destroy\./);
    const json = await sb.fleet(["plan", "-f", file, "--format", "json"]);
    const doc = JSON.parse(json.stdout) as {
      changes: { address: string; action: string; reasons: string[]; restarts: unknown[] }[];
    };
    const change = doc.changes.find((c) => c.address === "agents.app");
    assert.equal(change?.action, "update");
    assert.deepEqual(change.reasons, ["service db exited (code 137)"]);
    assert.deepEqual(change.restarts, [
      { service: "db", state: "exited", exitCode: 137, port: before.port },
    ]);

    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /0 added, 1 changed, 0 destroyed/);
    const [restarted] = await waitFor(async () => {
      const list = await services(sb, "app");
      return list[0]?.state === "running" ? list : undefined;
    });
    assert.equal(restarted?.port, before.port);
    // It really listens there again.
    await waitFor(async () => {
      const logs = await sb.fleet(["logs", "app", "--service", "db"]);
      return logs.stdout.split("\n").filter((l) => l === `db listening on ${before.port}`)
        .length === 2
        ? true
        : undefined;
    });
    const again = await sb.fleet(["plan", "-f", file, "--detailed-exitcode"]);
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.stdout, /No changes\. Your fleet matches the configuration\./);
    const events = await sb.fleet(["logs", "app"]);
    assert.match(events.stdout, /service +service=db action=restarted/);
  });

  test("a service whose window was closed is planned and restarted too", async () => {
    await sb.tmux(["kill-window", "-t", `=${sb.prefix}app:db`]);
    const [gone] = await services(sb, "app");
    assert.equal(gone?.state, "missing");
    const plan = await sb.fleet(["plan", "-f", file]);
    assert.match(plan.stdout, /service db's window is gone/);
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    const [back] = await services(sb, "app");
    assert.equal(back?.state, "running");
    assert.equal(back.port, gone.port);
  });

  test("apply fails that change clearly when the port was taken meanwhile", async () => {
    const [db] = await services(sb, "app");
    assert.ok(db?.port);
    await killService(sb, "app", "db");
    await waitFor(async () =>
      (await services(sb, "app"))[0]?.state === "exited" ? true : undefined,
    );
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(db.port ?? 0, "127.0.0.1", resolve));
    try {
      const applied = await sb.fleet(["apply", "-f", file, "-y"]);
      assert.equal(applied.code, 1, applied.stdout + applied.stderr);
      assert.match(
        applied.stderr,
        new RegExp(`service db of agent app cannot restart: port ${db.port} is taken`),
      );
      assert.equal((await services(sb, "app"))[0]?.state, "exited");
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    const retried = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(retried.code, 0, retried.stdout + retried.stderr);
    assert.equal((await services(sb, "app"))[0]?.port, db.port);
  });

  test("the service's port is kept across stop and start", async () => {
    const [db] = await services(sb, "app");
    assert.ok(db?.port);
    const stopped = await sb.fleet(["stop", "app"]);
    assert.equal(stopped.code, 0, stopped.stderr);
    const [asStopped] = await services(sb, "app");
    assert.deepEqual(asStopped, { name: "db", port: db.port, state: "stopped" });
    const started = await sb.fleet(["start", "app"]);
    assert.equal(started.code, 0, started.stderr);
    const [back] = await waitFor(async () => {
      const list = await services(sb, "app");
      return list[0]?.state === "running" ? list : undefined;
    });
    assert.equal(back?.port, db.port);
  });
});
