/**
 * `fleet pair` with an agent on this machine (real tmux and git): both ways,
 * deletions, the conflict rules, one-way directions, refusing to start over
 * differences without a flag, Ctrl-C, bad input, and the docs' examples.
 */
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { docBlocks, fleetCommandLines } from "../../helpers/doc-blocks.ts";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import { localHolds, pairCases, READY, startPair, type PairHost } from "./pair-harness.ts";

const exists = async (path: string): Promise<boolean> =>
  readFile(path).then(
    () => true,
    () => false,
  );

describe("fleet pair with a local agent", { timeout: 240_000 }, () => {
  let sb: Sandbox;
  let repo: string;
  let workdir: string;
  const host = (): PairHost => h;
  let h: PairHost;
  const inAgent = (path: string): string => join(workdir, path);

  before(async () => {
    sb = await makeSandbox("pair-local");
    repo = await sb.gitRepo("proj", { "README.md": "# proj\n", "a.ts": "export {};\n" });
    const made = await sb.fleet(
      ["create", "fix-tests", "--command", "sleep 3600", "--workdir", ".", "--no-connect"],
      { cwd: repo },
    );
    assert.equal(made.code, 0, made.stderr);
    const listed = JSON.parse((await sb.fleet(["list", "--json"])).stdout) as {
      agents: { name: string; workdir: string }[];
    };
    workdir = listed.agents.find((a) => a.name === "fix-tests")?.workdir ?? "";
    assert.ok(workdir !== "" && workdir !== repo, `work dir ${workdir}`);
    h = {
      sb,
      agent: "fix-tests",
      checkout: repo,
      readAgent: (path) => readFile(inAgent(path), "utf8").catch(() => undefined),
      writeAgent: (path, content) => writeFile(inAgent(path), content),
      removeAgent: (path) => rm(inAgent(path)),
      latencies: [],
    };
  });
  after(async () => {
    for (const { what, ms } of h.latencies) console.log(`# local pair latency ${what}: ${ms} ms`);
    await sb.cleanup();
  });

  pairCases(host);

  test("a deletion on one side deletes the file on the other", async () => {
    await writeFile(join(repo, "doomed.txt"), "x\n");
    await writeFile(inAgent("doomed.txt"), "x\n");
    const run = startPair(sb, ["fix-tests"], repo);
    try {
      await run.line(READY);
      await writeFile(join(repo, "marker.txt"), "m\n");
      await run.line(/→ agent {2}marker\.txt$/);
      await rm(join(repo, "doomed.txt"));
      await run.line(/→ agent {2}deleted doomed\.txt$/);
      assert.equal(await exists(inAgent("doomed.txt")), false);
      await rm(inAgent("marker.txt"));
      await waitFor(async () => !(await exists(join(repo, "marker.txt"))));
    } finally {
      assert.equal(await run.stop(), 0, run.stderr());
    }
  });

  test("--direction to-agent writes only into the agent; the agent's own change is not carried back", async () => {
    const run = startPair(sb, ["fix-tests", "--direction", "to-agent"], repo);
    try {
      await run.line(/^Pairing .*to the agent only/);
      await run.line(READY);
      await writeFile(inAgent("agent-only.txt"), "agent\n");
      await writeFile(inAgent("README.md"), "# edited by the agent\n");
      // Rounds have run since the agent's changes once a later change of ours is across.
      await writeFile(join(repo, "later.txt"), "later\n");
      await run.line(/→ agent {2}later\.txt$/);
      await writeFile(join(repo, "later2.txt"), "later\n");
      await run.line(/→ agent {2}later2\.txt$/);
      assert.equal(await exists(join(repo, "agent-only.txt")), false);
      assert.equal(await readFile(join(repo, "README.md"), "utf8"), "# proj\n");
      // Our edit of the same file now is a conflict: pairing stops, both versions stay.
      await writeFile(join(repo, "README.md"), "# edited here\n");
      assert.equal(await run.exited, 1);
      assert.match(run.stderr(), /changed on both sides: "README\.md"/);
      assert.equal(await readFile(inAgent("README.md"), "utf8"), "# edited by the agent\n");
      assert.equal(await readFile(join(repo, "README.md"), "utf8"), "# edited here\n");
    } finally {
      await run.stop();
    }
    await writeFile(join(repo, "README.md"), "# proj\n");
    await writeFile(inAgent("README.md"), "# proj\n");
    await rm(inAgent("agent-only.txt"));
  });

  test("--direction from-agent writes only into the checkout", async () => {
    const run = startPair(
      sb,
      ["fix-tests", "--direction", "from-agent", "--format", "jsonl"],
      repo,
    );
    try {
      await run.line(/"event":"start"/);
      await run.line(READY);
      await writeFile(join(repo, "mine-only.txt"), "mine\n");
      await writeFile(inAgent("theirs.txt"), "theirs\n");
      await localHolds(repo, "theirs.txt", "theirs\n");
      await writeFile(inAgent("theirs2.txt"), "theirs\n");
      await localHolds(repo, "theirs2.txt", "theirs\n");
      assert.equal(await exists(inAgent("mine-only.txt")), false);
      const sync = run.lines
        .map((line) => JSON.parse(line.text) as Record<string, unknown>)
        .find((event) => event.event === "sync" && event.path === "theirs.txt");
      assert.deepEqual(sync, {
        event: "sync",
        to: "local",
        path: "theirs.txt",
        action: "write",
        why: "change",
      });
    } finally {
      assert.equal(await run.stop("SIGTERM"), 0);
    }
    const summary = JSON.parse(run.lines.at(-1)?.text ?? "{}") as Record<string, unknown>;
    assert.equal(summary.event, "summary");
    assert.equal(summary.toAgent, 0);
    assert.equal(summary.toLocal, 2);
    await rm(join(repo, "mine-only.txt"));
  });

  test("files that differ when pairing starts are refused without a flag, and nothing changes", async () => {
    await writeFile(join(repo, "start.txt"), "checkout\n");
    await writeFile(inAgent("start.txt"), "agent\n");
    await writeFile(join(repo, "new-here.txt"), "new\n");
    const refused = await sb.fleet(["pair", "fix-tests", "--json"], {
      cwd: repo,
      timeoutMs: 30_000,
    });
    assert.equal(refused.code, 2, "--json is not a stream format");
    const run = startPair(sb, ["fix-tests"], repo);
    assert.equal(await run.exited, 1);
    assert.match(run.stderr(), /"start\.txt"/);
    assert.equal(await readFile(join(repo, "start.txt"), "utf8"), "checkout\n");
    assert.equal(await readFile(inAgent("start.txt"), "utf8"), "agent\n");
    // Not even the file new on one side moved: a stopped round changes nothing.
    assert.equal(await exists(inAgent("new-here.txt")), false);
  });

  test("--conflict prefer-local and prefer-agent settle a difference at the start", async () => {
    const first = startPair(sb, ["fix-tests", "--conflict", "prefer-agent"], repo);
    try {
      await localHolds(repo, "start.txt", "agent\n");
      await first.line(/← local {2}start\.txt \(conflict/);
    } finally {
      assert.equal(await first.stop(), 0);
    }
    await writeFile(join(repo, "start.txt"), "checkout again\n");
    await writeFile(inAgent("start.txt"), "agent again\n");
    const second = startPair(sb, ["fix-tests", "--conflict", "prefer-local"], repo);
    try {
      await second.line(/→ agent {2}start\.txt \(conflict/);
      assert.equal(await readFile(inAgent("start.txt"), "utf8"), "checkout again\n");
    } finally {
      assert.equal(await second.stop(), 0);
    }
  });

  test("--conflict keep-both keeps each side's version and adds the other's beside it", async () => {
    await writeFile(join(repo, "kept.txt"), "checkout\n");
    await writeFile(inAgent("kept.txt"), "agent\n");
    const run = startPair(sb, ["fix-tests", "--conflict", "keep-both"], repo);
    try {
      await localHolds(repo, "kept.txt.fleet-conflict-agent", "agent\n");
      await waitFor(
        async () =>
          (await readFile(inAgent("kept.txt.fleet-conflict-local"), "utf8").catch(() => "")) ===
          "checkout\n",
      );
      assert.equal(await readFile(join(repo, "kept.txt"), "utf8"), "checkout\n");
      assert.equal(await readFile(inAgent("kept.txt"), "utf8"), "agent\n");
      // Settling by editing one side carries that side across.
      await writeFile(join(repo, "kept.txt"), "merged\n");
      await run.line(/→ agent {2}kept\.txt$/);
      assert.equal(await readFile(inAgent("kept.txt"), "utf8"), "merged\n");
    } finally {
      assert.equal(await run.stop(), 0);
    }
    const summary = run.lines.at(-1)?.text ?? "";
    assert.match(
      summary,
      /^Paired fix-tests@local for [\d.]+s \(\d+ rounds of \d+ ms\): \d+ changes to the agent, \d+ changes to your checkout, 1 conflict\.$/,
    );
  });

  test("a file the agent makes under a path that is a symlink in the checkout is refused, once", async () => {
    const outside = join(sb.dir, "outside");
    await mkdir(outside);
    await symlink(outside, join(repo, "linked"));
    await mkdir(inAgent("linked"));
    await writeFile(inAgent("linked/evil.txt"), "escape\n");
    const run = startPair(sb, ["fix-tests"], repo);
    try {
      await run.line(/^! {2}skipped {2}linked\/evil\.txt: /);
      // Later rounds carry other files but neither retry nor repeat the refusal.
      await writeFile(inAgent("after-refusal.txt"), "ok\n");
      await localHolds(repo, "after-refusal.txt", "ok\n");
      assert.deepEqual(await readdir(outside), []);
      assert.deepEqual(
        run.lines.filter((line) => line.text.includes("linked/evil.txt")).map((line) => line.text),
        [
          "!  skipped  linked/evil.txt: not a regular file, or a symlink on its way, in your checkout",
        ],
      );
    } finally {
      assert.equal(await run.stop(), 0, run.stderr());
    }
    await rm(inAgent("linked"), { recursive: true });
    await rm(join(repo, "linked"));
  });

  test("an unknown agent, a stopped agent and a bad flag are clear errors that change nothing", async () => {
    const unknown = await sb.fleet(["pair", "no-such-agent"], { cwd: repo, timeoutMs: 30_000 });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no agent named "no-such-agent"/);
    const bad = await sb.fleet(["pair", "fix-tests", "--conflict", "coin-toss"], { cwd: repo });
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /--conflict "coin-toss" is not one of stop, prefer-local, prefer-agent, keep-both/,
    );
    const nowhere = await sb.fleet(["pair", "fix-tests", "--path", join(sb.dir, "nowhere")], {
      cwd: repo,
    });
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /is not a directory/);
    const own = await sb.fleet(["pair", "fix-tests", "--path", workdir], { cwd: repo });
    assert.equal(own.code, 2);
    assert.match(own.stderr, /overlap/);

    const made = await sb.fleet(
      ["create", "resting", "--command", "sleep 3600", "--workdir", ".", "--no-connect"],
      { cwd: repo },
    );
    assert.equal(made.code, 0, made.stderr);
    assert.equal((await sb.fleet(["stop", "resting"])).code, 0);
    const stoppedText = await sb.fleet(["pair", "resting"], { cwd: repo });
    assert.equal(stoppedText.code, 1);
    assert.match(stoppedText.stderr, /agent resting is STOPPED/);
    assert.match(stoppedText.stderr, /fleet start resting/);
  });

  test("the examples of docs/cli.md's fleet pair section run, carry a change and stop on Ctrl-C", async () => {
    const block = docBlocks().find(
      (b) => b.file === "docs/cli.md" && b.body.includes("fleet pair fix-tests"),
    );
    assert.ok(block, "docs/cli.md shows fleet pair examples");
    const lines = fleetCommandLines(block).filter((line) => line.startsWith("fleet pair "));
    assert.ok(lines.length >= 3, `expected several examples, found ${lines.length}`);
    for (const [index, line] of lines.entries()) {
      const args = line.split(/\s+/).slice(2);
      const run = startPair(sb, args, repo);
      try {
        await run.line(READY);
        const name = `example-${index}.txt`;
        const fromAgent = args.includes("from-agent");
        await writeFile(fromAgent ? inAgent(name) : join(repo, name), `${line}\n`);
        if (fromAgent) await localHolds(repo, name, `${line}\n`);
        else
          await waitFor(
            async () => (await readFile(inAgent(name), "utf8").catch(() => "")) === `${line}\n`,
          );
      } finally {
        assert.equal(await run.stop(), 0, `${line}: ${run.stderr()}`);
      }
    }
  });
});
