/**
 * `fleet handoff` (owner in `fleet list`, event in `fleet logs`, a webhook) and
 * desktop notifications. A recording `notify-send` script first on PATH stands
 * in for the real one (no desktop session here); a PATH without any notify-send
 * shows that its absence is quiet.
 */
import assert from "node:assert/strict";
import { chmod, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../helpers/webhook-receiver.ts";
import { fleetFile } from "../idle/idle-helpers.ts";
import { sleep, startWatcher, type Watcher } from "./watchers.ts";

interface ListedAgent {
  name: string;
  labels: Record<string, string>;
}

describe("handoff and desktop notifications", () => {
  let sb: Sandbox;
  let hooks: WebhookReceiver;
  let file: string;
  const watchers: Watcher[] = [];

  before(async () => {
    sb = await makeSandbox("notify-handoff");
    // Who this controller acts as: the owner of what it makes until a handoff.
    sb.env.FLEET_USER = "tester";
    hooks = await startWebhookReceiver();
    file = await fleetFile(
      sb,
      `version: 1
name: hand
defaults: { idle: disabled }
agents:
  worker:
    command: "sleep 600"
    notify: { on: [handoff], webhooks: [{ url: "${hooks.base}/hand" }] }
`,
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
  });
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.stop()));
  });
  after(async () => {
    await hooks.close();
    await sb.cleanup();
  });

  const owners = async (): Promise<Record<string, string | undefined>> => {
    const listed = await sb.fleet(["list", "--format", "json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const { agents } = JSON.parse(listed.stdout) as { agents: ListedAgent[] };
    return Object.fromEntries(agents.map((a) => [a.name, a.labels.owner]));
  };

  test("handoff changes the owner fleet list shows, is in fleet logs, and sends a webhook", async () => {
    assert.equal((await owners()).worker, "tester");
    const result = await sb.fleet([
      "handoff",
      "worker",
      "--to",
      "ana",
      "--note",
      "the flaky test is in auth/",
      "-f",
      file,
      "--format",
      "json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      from: string;
      to: string;
      notified: { status: string }[];
    };
    assert.deepEqual(
      [report.from, report.to, report.notified.map((n) => n.status)],
      ["tester", "ana", ["sent"]],
    );
    assert.equal((await owners()).worker, "ana");
    const table = await sb.fleet(["list"]);
    assert.match(table.stdout, /OWNER[\s\S]*worker\s+local\s+RUNNING\s+command\s+hand\s+ana\s/);
    const selected = await sb.fleet(["list", "-l", "owner=ana", "--format", "json"]);
    assert.equal((JSON.parse(selected.stdout) as { agents: unknown[] }).agents.length, 1);
    const logs = await sb.fleet(["logs", "worker"]);
    assert.match(
      logs.stdout,
      /handoff\s+from=tester to=ana by=tester note=the flaky test is in auth\//,
    );
    const [call, ...more] = hooks.to("/hand");
    assert.equal(more.length, 0);
    assert.match(call?.body ?? "", /worker handed to ana/);
    assert.match(call?.body ?? "", /from tester to ana\. Note: the flaky test is in auth\//);
  });

  test("bad input is refused with a clear error and changes nothing", async () => {
    const unknown = await sb.fleet(["handoff", "nobody", "--to", "sam"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no agent named "nobody"/);
    for (const args of [["--to", ""], ["--to", "-x"], ["--to", "sam", "--note", "a\u001bb"], []]) {
      const bad = await sb.fleet(["handoff", "worker", ...args]);
      assert.equal(bad.code, 2, `${args.join(" ")}: ${bad.stderr}`);
      assert.match(bad.stderr, /--to|--note/);
    }
    const same = await sb.fleet(["handoff", "worker", "--to", "ana"]);
    assert.equal(same.code, 2);
    assert.match(same.stderr, /already owned by ana/);
    assert.equal((await owners()).worker, "ana");
    assert.equal(hooks.to("/hand").length, 1);
  });

  test("without a fleet file, fleet notify sends desktop notifications through notify-send", async () => {
    const bin = join(sb.dir, "fake-bin");
    await mkdir(bin, { recursive: true });
    const record = join(sb.dir, "notify-send.log");
    // Stands in for the real notify-send: records its arguments, one call a line.
    await writeFile(
      join(bin, "notify-send"),
      `#!/bin/sh\nprintf '%s|' "$@" >> '${record}'\necho >> '${record}'\n`,
    );
    await chmod(join(bin, "notify-send"), 0o755);
    const empty = join(sb.dir, "no-fleet-file");
    await mkdir(empty, { recursive: true });
    watchers.push(
      startWatcher(sb, ["notify", "--every", "1s"], {
        cwd: empty,
        env: { PATH: `${bin}:${process.env.PATH ?? ""}` },
      }),
    );
    await sleep(2000);
    await writeFile(join(sb.home, "agents", "worker", "waiting"), "");
    const text = await waitFor(async () => {
      const logged = await readFile(record, "utf8").catch(() => "");
      return logged.includes("worker") && logged;
    });
    assert.match(
      text,
      /^--app-name=fleet\|--urgency=critical\|--\|worker is waiting for input\|Agent worker on local/,
    );
    await sleep(2000);
    assert.equal(text.trim().split("\n").length, 1);
    assert.equal((await readFile(record, "utf8")).trim().split("\n").length, 1);
  });

  test("with no notify-send on PATH the watcher says so once and keeps going", async () => {
    // A PATH with everything this machine has but notify-send.
    const bin = join(sb.dir, "bin-without-notify-send");
    await mkdir(bin, { recursive: true });
    for (const dir of new Set(["/usr/bin", "/bin", dirname(process.execPath)])) {
      for (const name of await readdir(dir).catch(() => [])) {
        if (name === "notify-send") continue;
        await symlink(join(dir, name), join(bin, name)).catch(() => undefined);
      }
    }
    const empty = join(sb.dir, "no-fleet-file");
    const watcher = startWatcher(sb, ["notify", "--every", "1s"], {
      cwd: empty,
      env: { PATH: bin },
    });
    watchers.push(watcher);
    await sleep(2000);
    await writeFile(join(sb.home, "agents", "worker", "waiting"), "approval\n");
    await sleep(1500);
    await writeFile(join(sb.home, "agents", "worker", "waiting"), "input\n");
    await sleep(2500);
    assert.equal(watcher.child.exitCode, null, watcher.stderr());
    const notices = watcher.stderr().match(/notify-send is not on PATH/g) ?? [];
    assert.equal(notices.length, 1, watcher.stderr());
    assert.doesNotMatch(watcher.stderr(), /error/i);
  });
});
