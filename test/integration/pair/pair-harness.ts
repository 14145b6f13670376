/**
 * Running `fleet pair` in the background for a test: its stdout lines with the
 * time each arrived, waiting for a line, and stopping it with a signal. Plus the
 * cases every provider must pass (both-way sync, a conflict that stops and
 * changes nothing), written once against a PairHost.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test as nodeTest } from "node:test";
import { fleetBin, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

/** The line (text or jsonl) fleet pair prints once its first round is done. */
export const READY = /^In step: |"event":"ready"/;

export interface PairRun {
  /** stdout lines so far, with the epoch ms each arrived. */
  lines: { at: number; text: string }[];
  stderr(): string;
  /** Resolves with the arrival time of the first line matching `pattern`. */
  line(pattern: RegExp, timeoutMs?: number): Promise<number>;
  /** Sends the signal and resolves with the exit code once it has left. */
  stop(signal?: NodeJS.Signals): Promise<number>;
  /** Resolves with the exit code when it leaves by itself. */
  exited: Promise<number>;
}

export function startPair(sb: Sandbox, args: string[], cwd: string): PairRun {
  const child = spawn(process.execPath, [fleetBin, "pair", ...args], {
    cwd,
    env: sb.env,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, signalled as a whole: what Ctrl-C on a terminal does,
    // reaching the host commands (sh, docker exec, ssh) in flight too.
    detached: true,
  });
  const lines: { at: number; text: string }[] = [];
  let pending = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const at = Date.now();
    pending += chunk.toString();
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const text of parts) lines.push({ at, text });
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve) =>
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1))),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    lines,
    stderr: () => stderr,
    line: (pattern, timeoutMs = 15_000) =>
      waitFor(
        () => {
          const found = lines.find((line) => pattern.test(line.text))?.at;
          if (found === undefined && done) {
            throw new Error(`fleet pair left before printing ${String(pattern)}: ${stderr}`);
          }
          return Promise.resolve(found);
        },
        timeoutMs,
        20,
      ),
    async stop(signal = "SIGINT") {
      try {
        if (!done && child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    exited,
  };
}

/** Where a provider's agent work dir is reached from a test. */
export interface PairHost {
  sb: Sandbox;
  agent: string;
  /** The user's checkout: fleet pair runs here. */
  checkout: string;
  readAgent(path: string): Promise<string | undefined>;
  writeAgent(path: string, content: string): Promise<void>;
  removeAgent(path: string): Promise<void>;
  /** Latencies measured, printed by the test file for the record. */
  latencies: { what: string; ms: number | string }[];
}

/** Polls the checkout until `path` holds `content`; resolves with the time it did. */
export async function localHolds(
  checkout: string,
  path: string,
  content: string,
  timeoutMs = 10_000,
): Promise<number> {
  return waitFor(
    async () =>
      (await readFile(join(checkout, path), "utf8").catch(() => undefined)) === content
        ? Date.now()
        : undefined,
    timeoutMs,
    20,
  );
}

/** The cases every provider passes: both ways within a generous bound, and a conflict. */
export function pairCases(
  get: () => PairHost,
  test: (name: string, fn: () => Promise<void>) => void = nodeTest,
): void {
  test("pair carries a change each way, both within 10 s (latency recorded)", async () => {
    const h = get();
    const run = startPair(h.sb, [h.agent], h.checkout);
    try {
      await run.line(READY);

      const wrote = Date.now();
      await writeFile(join(h.checkout, "to-agent.txt"), "from the checkout\n");
      const arrived = await run.line(/→ agent {2}to-agent\.txt$/, 10_000);
      assert.equal(await h.readAgent("to-agent.txt"), "from the checkout\n");
      h.latencies.push({ what: "checkout -> agent", ms: arrived - wrote });

      // Between these two the file was written: the latency lies between the two figures.
      const writing = Date.now();
      await h.writeAgent("from-agent.txt", "from the agent\n");
      const written = Date.now();
      const landed = await localHolds(h.checkout, "from-agent.txt", "from the agent\n");
      h.latencies.push({
        what: "agent -> checkout (after the write returned .. from its start)",
        ms: `${landed - written}..${landed - writing}`,
      });
    } finally {
      assert.equal(await run.stop(), 0, run.stderr());
    }
    // A round's own cost: listing both sides, hashing and copying what moved.
    const summary = /\(\d+ rounds? of (\d+) ms\)/.exec(run.lines.at(-1)?.text ?? "");
    assert.ok(summary, `no summary line: ${run.lines.at(-1)?.text ?? ""}`);
    h.latencies.push({ what: "mean round, pauses left out", ms: Number(summary[1]) });
  });

  test("a file deleted in the agent's work dir is deleted in the checkout", async () => {
    const h = get();
    await writeFile(join(h.checkout, "short-lived.txt"), "brief\n");
    const run = startPair(h.sb, [h.agent], h.checkout);
    try {
      await run.line(READY);
      assert.equal(await h.readAgent("short-lived.txt"), "brief\n");
      await h.removeAgent("short-lived.txt");
      await run.line(/← local {2}deleted short-lived\.txt$/);
      assert.equal(
        await readFile(join(h.checkout, "short-lived.txt"), "utf8").catch(() => "gone"),
        "gone",
      );
    } finally {
      assert.equal(await run.stop(), 0, run.stderr());
    }
  });

  test("a file changed on both sides stops pairing, exits 1 and leaves both versions byte for byte", async () => {
    const h = get();
    await writeFile(join(h.checkout, "both.txt"), "mine\r\n\u00e9\n");
    await h.writeAgent("both.txt", "theirs\n");
    const run = startPair(h.sb, [h.agent], h.checkout);
    const code = await run.exited;
    assert.equal(code, 1, run.stderr());
    assert.match(run.stderr(), /changed on both sides: "both\.txt"/);
    assert.match(run.stderr(), /--conflict keep-both/);
    assert.equal(await readFile(join(h.checkout, "both.txt"), "utf8"), "mine\r\n\u00e9\n");
    assert.equal(await h.readAgent("both.txt"), "theirs\n");
    // Equal again, so that the file's later tests start from agreeing sides.
    await writeFile(join(h.checkout, "both.txt"), "theirs\n");
  });
}
