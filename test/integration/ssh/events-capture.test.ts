/**
 * `fleet events` and `fleet capture` over SSH: the events of an ssh host's agents
 * merged with a local one's, following over the ssh transport, and the screen of
 * an agent on the ssh host.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fleetBin, waitFor } from "../../helpers/sandbox.ts";
import { makeSshFixture, output, skipSsh, type SshFixture } from "./ssh-fixture.ts";

interface Event {
  ts: string;
  type: string;
  agent: string | null;
  host: string;
}

const jsonl = (text: string): Event[] =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Event);

describe("events and capture on an ssh host", { skip: skipSsh }, () => {
  let f: SshFixture;
  const fleet = async (args: string[], expect = 0) => {
    const result = await f.sb.fleet(args);
    assert.equal(result.code, expect, output(result));
    return result;
  };

  before(async () => {
    f = await makeSshFixture("ssh-events");
    const file = await f.fleetFile(`version: 1
name: remote-events
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  echo:
    host: box
    command: 'echo remote-ready; while IFS= read -r line; do echo "heard: $line"; done'
  here: { command: "sleep 600" }
`);
    await fleet(["apply", "-f", file, "-y"]);
  });
  after(() => f.cleanup());

  test("the ssh host's agents and the local one are in one stream", async () => {
    await fleet(["message", "echo", "over ssh"]);
    const events = jsonl((await fleet(["events", "--format", "jsonl"])).stdout);
    assert.deepEqual(events.map((e) => `${e.agent}@${e.host}:${e.type}`).sort(), [
      "echo@box:created",
      "echo@box:message",
      "here@local:created",
    ]);
    const one = jsonl((await fleet(["events", "echo@box", "--format", "jsonl"])).stdout);
    assert.deepEqual(
      one.map((e) => e.type),
      ["created", "message"],
    );
  });

  test("capture shows the remote agent's screen", async () => {
    const screen = await waitFor(async () => {
      const result = await fleet(["capture", "echo"]);
      return result.stdout.includes("heard: over ssh") ? result.stdout : undefined;
    });
    assert.match(screen, /^remote-ready$/m);
  });

  test("fleet create without --host makes the agent on the configured ssh host (fleet config)", async () => {
    const env = { XDG_CONFIG_HOME: join(f.sb.dir, "xdg") };
    assert.equal((await f.sb.fleet(["config", "set", "host", "box"], { env })).code, 0);
    const made = await f.sb.fleet(
      ["create", "via-config", "--no-connect", "--command", "sleep 600", "--json"],
      { env },
    );
    assert.equal(made.code, 0, output(made));
    assert.equal((JSON.parse(made.stdout) as { created: { host: string } }).created.host, "box");
    assert.ok((await f.remoteSessions()).includes(`${f.sb.prefix}via-config`));
    await fleet(["destroy", "via-config", "-y"]);
  });

  test("--follow brings new events of the remote agent", async () => {
    const child = spawn(process.execPath, [fleetBin, "events", "echo", "-f", "--format", "jsonl"], {
      env: f.sb.env,
      cwd: f.sb.dir,
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    try {
      await waitFor(() => Promise.resolve(jsonl(out).length >= 2), 30_000);
      await fleet(["message", "echo", "followed"]);
      await waitFor(
        () => Promise.resolve(jsonl(out).filter((e) => e.type === "message").length === 2),
        30_000,
      );
    } finally {
      child.kill("SIGTERM");
    }
  });
});
