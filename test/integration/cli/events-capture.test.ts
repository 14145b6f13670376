/**
 * `fleet events` and `fleet capture` on this machine, with real tmux: the merged
 * stream of several agents' events, one agent's, --since, following, the
 * controller's journal (destroy with its saved work), what a hostile agent writes
 * into its own log, and the screen of an agent and of a service.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fleetBin, makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

interface Event {
  ts: string;
  type: string;
  agent: string | null;
  host: string;
  [fact: string]: unknown;
}

const jsonl = (text: string): Event[] =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Event);

describe("fleet events and fleet capture on the local host", () => {
  let sb: Sandbox;
  const fleet = async (args: string[], expect = 0) => {
    const result = await sb.fleet(args);
    assert.equal(
      result.code,
      expect,
      `fleet ${args.join(" ")}\n${result.stdout}\n${result.stderr}`,
    );
    return result;
  };

  before(async () => {
    sb = await makeSandbox("events-capture");
    await fleet([
      "create",
      "talker",
      "--no-connect",
      "--command",
      `echo talker-ready; while IFS= read -r line; do echo "heard: $line"; done`,
    ]);
    await fleet(["create", "idler", "--no-connect", "--command", "sleep 600"]);
    await fleet(["message", "talker", "first words"]);
    await fleet(["stop", "idler"]);
  });
  after(() => sb.cleanup());

  test("every agent's events come as one stream, oldest first, each naming its agent and host", async () => {
    const events = jsonl((await fleet(["events", "--format", "jsonl"])).stdout);
    const seen = events.map((e) => `${e.agent}@${e.host}:${e.type}`);
    assert.deepEqual(seen, [
      "talker@local:created",
      "idler@local:created",
      "talker@local:message",
      "idler@local:stopped",
    ]);
    const times = events.map((e) => e.ts);
    assert.deepEqual(times, [...times].sort());
    const stopped = events.find((e) => e.type === "stopped");
    assert.equal(stopped?.reason, "stopped by user (fleet stop)");
    // A message event says how long it was, never what it said.
    assert.ok(!JSON.stringify(events).includes("first words"));

    const text = (await fleet(["events"])).stdout;
    assert.match(text, /^\S+Z {2}talker@local {2}created/m);
    assert.match(text, /idler@local {2}stopped +reason=stopped by user \(fleet stop\)/);

    const doc = JSON.parse((await fleet(["events", "--format", "json"])).stdout) as {
      format_version: string;
      events: Event[];
      errors: unknown[];
    };
    assert.equal(doc.format_version, "1.0");
    assert.equal(doc.events.length, 4);
    assert.deepEqual(doc.errors, []);
  });

  test("an agent's name keeps only its events; --since keeps the recent ones", async () => {
    const mine = jsonl((await fleet(["events", "talker", "--format", "jsonl"])).stdout);
    assert.deepEqual(
      mine.map((e) => e.type),
      ["created", "message"],
    );
    assert.ok(mine.every((e) => e.agent === "talker"));
    assert.equal(
      jsonl((await fleet(["events", "--since", "1h", "--format", "jsonl"])).stdout).length,
      4,
    );
    const future = await fleet(["events", "--since", "2999-01-01T00:00:00Z", "--format", "jsonl"]);
    assert.equal(future.stdout, "");
    const mid = jsonl((await fleet(["events", "--format", "jsonl"])).stdout)[2]?.ts ?? "";
    const later = jsonl((await fleet(["events", "--since", mid, "--format", "jsonl"])).stdout);
    assert.deepEqual(
      later.map((e) => e.type),
      ["message", "stopped"],
    );
  });

  test("bad input is a usage error that prints nothing else", async () => {
    for (const args of [
      ["events", "--since", "yesterday"],
      ["events", "--format", "yaml"],
    ]) {
      const result = await fleet(args, 2);
      assert.equal(result.stdout, "");
    }
    // With --format json, the error is the document on stdout.
    const follow = await fleet(["events", "--follow", "--format", "json"], 2);
    assert.equal((JSON.parse(follow.stdout) as { error: { code: string } }).error.code, "USAGE");
    const unknown = await fleet(["events", "nosuch"], 1);
    assert.match(unknown.stderr, /nosuch/);
  });

  test("what an agent writes into its own log is checked and escaped, never taken as fleet's", async () => {
    await fleet(["create", "rogue", "--no-connect", "--command", "sleep 600"]);
    const lines = [
      // Not JSON, a marker of fleet's host script, a bad time, a type that is not a word.
      "not json at all",
      "@@fleet:chunk talker 0 5",
      JSON.stringify({ ts: "yesterday", type: "created" }),
      JSON.stringify({ ts: new Date().toISOString(), type: "<b>x</b>" }),
      // A valid event that tries to pass for another agent and to drive the terminal.
      JSON.stringify({
        ts: new Date().toISOString(),
        type: "message",
        agent: "talker",
        host: "elsewhere",
        note: "\u001b]0;pwned\u0007\u001b[2Jred",
      }),
    ];
    const script = lines.map((l) => `printf '%s\\n' '${l.replace(/'/g, `'\\''`)}'`).join("; ");
    // exec runs in the agent's work dir, inside its agent dir: the log is one level up.
    await fleet(["exec", "rogue", "--", "sh", "-c", `{ ${script}; } >> ../events.jsonl`]);

    const result = await fleet(["events", "rogue", "--format", "jsonl"]);
    const events = jsonl(result.stdout);
    assert.deepEqual(
      events.map((e) => `${e.agent}@${e.host}:${e.type}`),
      ["rogue@local:created", "rogue@local:message"],
    );
    assert.equal(events[1]?.note, "\u001b]0;pwned\u0007\u001b[2Jred");
    assert.ok(!result.stdout.includes("\u001b"), "JSON output carries escapes, not raw ESC");
    assert.match(result.stderr, /4 line\(s\) of the events of rogue@local are not events/);

    const text = await fleet(["events", "rogue"]);
    assert.ok(!text.stdout.includes("\u001b") && !text.stdout.includes("\u0007"));
    assert.match(text.stdout, /note=\\x1b\]0;pwned\\x07\\x1b\[2Jred/);
    // The forged lines are in no other agent's stream.
    const talker = jsonl((await fleet(["events", "talker", "--format", "jsonl"])).stdout);
    assert.equal(talker.length, 2);
    await fleet(["destroy", "rogue", "-y"]);
  });

  test("--follow prints what is there, then new events of every agent as they come", async () => {
    const child = spawn(process.execPath, [fleetBin, "events", "--follow", "--format", "jsonl"], {
      env: sb.env,
      cwd: sb.dir,
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    try {
      await waitFor(() => Promise.resolve(jsonl(out).some((e) => e.type === "stopped")), 30_000);
      await fleet(["message", "talker", "second words"]);
      await fleet(["create", "newcomer", "--no-connect", "--command", "sleep 600"]);
      const seen = await waitFor(() => {
        const events = jsonl(out);
        const fresh = events.filter((e) => e.agent === "newcomer");
        const messages = events.filter((e) => e.agent === "talker" && e.type === "message");
        return Promise.resolve(fresh.length > 0 && messages.length === 2 ? events : undefined);
      }, 30_000);
      assert.ok(seen.some((e) => e.agent === "newcomer" && e.type === "created"));
      await fleet(["destroy", "newcomer", "-y"]);
      const destroyed = await waitFor(
        () =>
          Promise.resolve(jsonl(out).find((e) => e.agent === "newcomer" && e.type === "destroyed")),
        30_000,
      );
      assert.equal(destroyed.host, "local");
      assert.ok(Array.isArray(destroyed.saved));
    } finally {
      child.kill("SIGTERM");
    }
  });

  test("following one agent ends, exit 0, when it is destroyed", async () => {
    await fleet(["create", "shortlived", "--no-connect", "--command", "sleep 600"]);
    const child = spawn(process.execPath, [fleetBin, "events", "shortlived", "-f"], {
      env: sb.env,
      cwd: sb.dir,
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      await waitFor(() => Promise.resolve(out.includes("created")), 30_000);
      await fleet(["destroy", "shortlived", "-y"]);
      assert.equal(await exited, 0, err);
      assert.match(err, /shortlived was destroyed/);
    } finally {
      child.kill("SIGTERM");
    }
  });

  test("capture prints the agent's screen now; --format json has its size and rows", async () => {
    await fleet(["message", "talker", "capture me"]);
    const screen = await waitFor(async () => {
      const result = await fleet(["capture", "talker"]);
      return result.stdout.includes("heard: capture me") ? result.stdout : undefined;
    });
    assert.match(screen, /^talker-ready$/m);
    assert.ok(!screen.endsWith("\n\n"), "blank rows under the text are not printed");
    const doc = JSON.parse((await fleet(["capture", "talker", "--format", "json"])).stdout) as {
      agent: string;
      host: string;
      cols: number;
      rows: number;
      cursor: { x: number; y: number };
      dead: boolean;
      lines: string[];
    };
    assert.equal(doc.agent, "talker");
    assert.equal(doc.host, "local");
    assert.equal(doc.lines.length, doc.rows);
    assert.ok(doc.cols > 0 && doc.cursor.y < doc.rows);
    assert.equal(doc.dead, false);
    assert.ok(doc.lines.includes("heard: capture me"));
  });

  test("capture of a stopped or unknown agent fails and says why; of a service, its window", async () => {
    const stopped = await fleet(["capture", "idler"], 1);
    assert.match(stopped.stderr, /idler is STOPPED/);
    assert.match(stopped.stderr, /fleet start idler/);
    await fleet(["capture", "nosuch"], 1);
    await fleet(["capture", "talker", "--service", "db"], 2);
    const file = `${sb.dir}/fleet.yaml`;
    const { writeFile } = await import("node:fs/promises");
    await writeFile(
      file,
      `version: 1
name: svc
agents:
  app:
    command: "sleep 600"
    services:
      - { name: ticker, command: "echo ticker-says-hi; exec sleep 600" }
`,
    );
    await fleet(["apply", "-f", file, "-y"]);
    const shown = await waitFor(async () => {
      const result = await fleet(["capture", "app", "--service", "ticker"]);
      return result.stdout.includes("ticker-says-hi") ? result : undefined;
    });
    assert.equal(shown.code, 0);
    const doc = JSON.parse(
      (await fleet(["capture", "app", "--service", "ticker", "--json"])).stdout,
    ) as { service: string };
    assert.equal(doc.service, "ticker");
  });
});
