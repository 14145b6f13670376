/**
 * The agents' bus on this machine, end to end: real `command` agents in tmux,
 * each using the bus through its own endpoint (the relay fleet writes into its
 * agent dir, as an agent CLI runs it), the daemon fleet starts on demand, and
 * the operator through `fleet messages` and an MCP client.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { connectBus, callBusTool } from "../../../src/core/bus/client.ts";
import { fleetBin, makeSandbox, repoRoot, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

const PEER = join(repoRoot, "test", "fixtures", "bus", "bus-peer.js");

let sb: Sandbox;
const env = () => ({ home: sb.home, prefix: sb.prefix });

async function fleetOk(args: string[]): Promise<string> {
  const result = await sb.fleet(args, { timeoutMs: 60_000 });
  assert.equal(result.code, 0, `fleet ${args.join(" ")}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const peer = (name: string, role: string, extra: string[] = []) =>
  fleetOk(["create", name, "--command", `node ${PEER}`, "-e", `BUS_ROLE=${role}`, ...extra]);

const received = async (name: string): Promise<string[]> => {
  const text = await readFile(
    join(sb.home, "agents", name, "work", "bus-received.txt"),
    "utf8",
  ).catch(() => "");
  return text.split("\n").filter((line) => line !== "");
};

const agentToken = (name: string) =>
  readFile(join(sb.home, "agents", name, "bus-token"), "utf8").then((t) => t.trim());

before(async () => {
  sb = await makeSandbox("bus-local");
});
after(async () => {
  await sb.cleanup();
});

test("two agents exchange ten messages through their own endpoints, in order, each exactly once", async () => {
  await peer("pong", "pong");
  await peer("ping", "ping", ["-e", "BUS_PEER=pong", "-e", "BUS_COUNT=10"]);
  const pings = Array.from({ length: 10 }, (_, i) => `ping ${i}`);
  const pongs = Array.from({ length: 10 }, (_, i) => `pong ${i}`);
  await waitFor(async () => (await received("ping")).length >= 10, 60_000);
  assert.deepEqual(await received("ping"), pongs);
  assert.deepEqual(await received("pong"), pings);

  const traffic = JSON.parse(await fleetOk(["messages", "--format", "json"])) as {
    messages: { from: string; to: string; body: string; readAt?: string }[];
  };
  const between = traffic.messages.map((m) => `${m.from} ${m.to} ${m.body}`);
  assert.deepEqual(
    between,
    pings.flatMap((p, i) => [`ping@local pong@local ${p}`, `pong@local ping@local ${pongs[i]}`]),
  );
  assert.ok(
    traffic.messages.every((m) => m.readAt !== undefined),
    "every message was read",
  );
  const text = await fleetOk(["messages", "--agent", "ping"]);
  assert.match(text, /ping@local -> pong@local {2}\(read\) {2}ping 9/);
});

test("a stopped agent is woken by a message, and reads it", async () => {
  await peer("sleeper", "reader");
  await fleetOk(["stop", "sleeper"]);
  const listed = JSON.parse(await fleetOk(["list", "--format", "json"])) as {
    agents: { name: string; state: string }[];
  };
  assert.equal(listed.agents.find((a) => a.name === "sleeper")?.state, "STOPPED");

  const client = await connectBus(env(), { processEnv: sb.env });
  try {
    await callBusTool(client, "send_message", { to: "sleeper", body: "wake up and read this" });
  } finally {
    await client.close();
  }
  await waitFor(async () => (await received("sleeper")).includes("wake up and read this"), 30_000);
  const after = JSON.parse(await fleetOk(["list", "--format", "json"])) as {
    agents: { name: string; state: string }[];
  };
  assert.equal(after.agents.find((a) => a.name === "sleeper")?.state, "RUNNING");
});

test("an agent's token reads only its own mail and sends only as itself", async () => {
  await fleetOk(["create", "alice", "--command", "sleep 600"]);
  await fleetOk(["create", "bob", "--command", "sleep 600"]);
  const operator = await connectBus(env(), { processEnv: sb.env });
  const alice = await connectBus(env(), { token: await agentToken("alice"), processEnv: sb.env });
  try {
    const [forBob] = (
      await callBusTool(operator, "send_message", { to: "bob", body: "for bob only" })
    ).messages as { id: string }[];
    assert.ok(forBob);
    const mail = (await callBusTool(alice, "get_messages", {})) as { messages: { body: string }[] };
    assert.ok(
      !mail.messages.some((m) => m.body === "for bob only"),
      "alice does not see bob's mail",
    );
    const marked = (await callBusTool(alice, "mark_read", { ids: [forBob.id] })) as {
      marked: string[];
      unknown: string[];
    };
    assert.deepEqual(marked, { marked: [], unknown: [forBob.id] });

    // A `from` of someone else's is not an argument the tool takes: the sender is the token's.
    const sent = (
      await callBusTool(alice, "send_message", { to: "bob", body: "hi bob", from: "bob@local" })
    ).messages as { from: string }[];
    assert.deepEqual(
      sent.map((m) => m.from),
      ["alice@local"],
    );
    const bob = await connectBus(env(), { token: await agentToken("bob"), processEnv: sb.env });
    try {
      const bobMail = (await callBusTool(bob, "get_messages", {})) as {
        messages: { from: string; body: string }[];
      };
      assert.deepEqual(bobMail.messages.map((m) => `${m.from}: ${m.body}`).sort(), [
        "alice@local: hi bob",
        "operator: for bob only",
      ]);
      // Bob cannot take over alice's id either.
      await assert.rejects(
        callBusTool(bob, "send_message", { to: "alice", body: "x", id: "shared-id" }).then(() =>
          callBusTool(alice, "send_message", { to: "alice", body: "y", id: "shared-id" }),
        ),
        /already used by another sender/,
      );
    } finally {
      await bob.close();
    }
    await assert.rejects(
      connectBus(env(), { token: "not-a-token-of-anyone-at-all-000000", processEnv: sb.env }).then(
        (c) => c.listTools(),
      ),
    );
  } finally {
    await alice.close();
    await operator.close();
  }
});

test("a bad argument is a tool error with fleet's code, and the connection goes on", async () => {
  const operator = await connectBus(env(), { processEnv: sb.env });
  try {
    await assert.rejects(
      callBusTool(operator, "send_message", { to: "nobody", body: "x" }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, "BUS_NO_RECIPIENT");
        return true;
      },
    );
    const bad = await operator.callTool({
      name: "send_message",
      arguments: { to: "alice", body: 42 },
    });
    assert.equal(bad.isError, true);
    await assert.rejects(
      callBusTool(operator, "send_message", { to: "alice", body: "   " }),
      /empty/,
    );
    const still = (await callBusTool(operator, "discover_agents", {})) as {
      agents: { address: string }[];
    };
    assert.ok(still.agents.some((a) => a.address === "alice@local"));
  } finally {
    await operator.close();
  }
});

test("fleet messages prune drops read mail older than asked, and keeps unread", async () => {
  const before = JSON.parse(await fleetOk(["messages", "--format", "json"])) as {
    messages: { readAt?: string }[];
  };
  const read = before.messages.filter((m) => m.readAt !== undefined).length;
  assert.ok(read >= 20);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const pruned = JSON.parse(
    await fleetOk(["messages", "prune", "--older-than", "1ms", "--format", "json"]),
  ) as {
    dropped: number;
    droppedUnread: number;
  };
  assert.equal(pruned.droppedUnread, 0);
  assert.ok(pruned.dropped >= read, `dropped ${pruned.dropped} of ${read} read`);
  const afterPrune = JSON.parse(await fleetOk(["messages", "--format", "json"])) as {
    messages: { readAt?: string }[];
  };
  assert.equal(afterPrune.messages.length, before.messages.length - pruned.dropped);
  assert.ok(afterPrune.messages.every((m) => m.readAt === undefined));
  const refused = await sb.fleet(["messages", "prune", "--older-than", "soon"]);
  assert.equal(refused.code, 2, refused.stderr);
});

test("fleet messages --follow prints each new message once, as it is stored", async () => {
  const follow = spawn(
    process.execPath,
    [fleetBin, "messages", "--agent", "bob", "--follow", "--format", "jsonl"],
    {
      env: sb.env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  follow.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  try {
    // What was there first: bob's three messages from the token test.
    const countLines = () => out.split("\n").filter((line) => line !== "").length;
    const before = await waitFor(() => Promise.resolve(countLines() >= 3 && countLines()), 15_000);
    const operator = await connectBus(env(), { processEnv: sb.env });
    try {
      await callBusTool(operator, "send_message", {
        to: "bob",
        body: "followed \u001b[31mred\u001b[0m",
        id: "f-1",
      });
      await callBusTool(operator, "send_message", { to: "bob", body: "followed again", id: "f-1" });
    } finally {
      await operator.close();
    }
    const line = await waitFor(
      () => Promise.resolve(out.split("\n").find((l) => l.includes('"f-1"'))),
      10_000,
    );
    const shown = JSON.parse(line) as { body: string; from: string; to: string };
    assert.deepEqual([shown.from, shown.to], ["operator", "bob@local"]);
    assert.equal(shown.body, "followed \u001b[31mred\u001b[0m");
    assert.ok(!line.includes("\u001b"), "no raw escape reaches the terminal");
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(
      countLines(),
      before + 1,
      `the retry with the same id is not a second message:\n${out}`,
    );
  } finally {
    follow.kill();
  }
});

test("an agent that was destroyed leaves the bus: it is not discovered, and mail to it is refused", async () => {
  await fleetOk(["destroy", "alice", "--yes"]);
  const operator = await connectBus(env(), { processEnv: sb.env });
  try {
    const { agents } = (await callBusTool(operator, "discover_agents", {})) as {
      agents: { address: string }[];
    };
    assert.ok(!agents.some((a) => a.address === "alice@local"));
    await assert.rejects(
      callBusTool(operator, "send_message", { to: "alice", body: "x" }),
      /no agent/,
    );
  } finally {
    await operator.close();
  }
});
