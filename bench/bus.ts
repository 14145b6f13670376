/**
 * The agents' bus on this machine, between real local `command` agents:
 *
 * - Latency: 1,000 messages from a to b, one at a time, each timed from the
 *   start of a's send_message call to the moment b's tight get_messages loop
 *   first has it (median, p90, p99); a's send_message round trip on the side.
 * - Throughput: a sends 1,000 messages to b, awaiting each (sequential) and
 *   then with 16 in flight, while b drains with get_messages and mark_read;
 *   the figure is the wall time until b has marked the last one read. Three
 *   runs of each (median, min–max).
 * - History: an idle get_messages (nothing unread) and the latency (over the
 *   socket), on an empty mailbox and with 10,000 read messages in b's.
 * - Memory: the daemon's VmRSS and VmHWM (/proc/PID/status) right after it
 *   started, with 50 agents and no connection, with one, and with 50
 *   connections (one per agent's token, each initialized and having called
 *   discover_agents), and after they closed.
 *
 * Paths: "relay" is the real path an agent's CLI uses: each agent's endpoint
 * relay (`sh AGENTDIR/bus-endpoint SOCKET AGENTDIR/bus-token`, written by its
 * launch), spoken to as MCP JSON-RPC lines on its stdio. "socket" is the same
 * client on the daemon's unix socket directly (token line, then MCP lines),
 * which is what fleet's own processes do. The memory phase connects with
 * connectBus (the SDK client, fleet's own API); the daemon side of a connection
 * is the same whatever the client is.
 *
 * Floor, measured in the same run: one round trip of a request-sized line over
 * a unix socket to a trivial node echo server in its own process, then one
 * fsync'd append of a message line to a file on the mailboxes' filesystem (the
 * bus fsyncs before every acknowledgement). Each latency message is paired with
 * a floor sample taken just before it, and 200 are taken before each
 * throughput run, so the ratios hold when the machine's load changes. Between
 * measured runs, b's read mail is pruned (prune_messages, as the operator), so
 * every run starts on an empty mailbox. Both agents are ad-hoc (`fleet create`),
 * so their records share one mailbox file and its group commit.
 *
 * stdout: the JSON result lines of bench/run-all.sh; stderr: a table.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { callBusTool, connectBus } from "../src/core/bus/client.ts";
import {
  benchEnv,
  fleetBin,
  machine,
  nodeBin,
  run,
  writeResult,
  type BenchEnv,
  type Timing,
} from "./lib.ts";

const MESSAGES = 1000;
const RUNS = 3;
const IN_FLIGHT = 16;
const WARMUP = 100;
const HISTORY = 10_000;
const HISTORY_LATENCY = 100;
const FLOOR_BLOCK = 200;
const MEMORY_AGENTS = 50;
const BODY = `a note from a to b about the work at hand, long enough to look like one: ${"x".repeat(100)}`;

// ---------------------------------------------------------------- statistics

/** The q-quantile of sorted samples, as bench/lib.ts takes it. */
const at = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

interface Stats {
  median: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  n: number;
}

function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((x, y) => x - y);
  return {
    median: at(sorted, 0.5),
    p90: at(sorted, 0.9),
    p99: at(sorted, 0.99),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    n: sorted.length,
  };
}

const timing = (s: Stats): Timing => ({ medianMs: s.median, p90Ms: s.p90, runs: s.n });

// ------------------------------------------------------------ an MCP client

interface RpcMessage {
  id?: number;
  result?: {
    isError?: boolean;
    structuredContent?: Record<string, unknown>;
    content?: { text?: string }[];
  };
  error?: { message: string };
}

interface BusMail {
  id: string;
}

/** MCP as JSON-RPC lines over any byte stream (a relay's stdio, or the socket). */
class LineRpc {
  private next = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (m: RpcMessage) => void; reject: (e: Error) => void }
  >();
  private readonly output: Writable;
  private readonly hangUp: () => void;

  constructor(input: Readable, output: Writable, hangUp: () => void) {
    this.output = output;
    this.hangUp = hangUp;
    createInterface({ input }).on("line", (line) => {
      const message = JSON.parse(line) as RpcMessage;
      if (message.id === undefined) return;
      this.waiting.get(message.id)?.resolve(message);
      this.waiting.delete(message.id);
    });
    input.on("close", () => {
      for (const { reject } of this.waiting.values()) reject(new Error("the bus hung up"));
      this.waiting.clear();
    });
  }

  private request(method: string, params: unknown): Promise<RpcMessage> {
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.waiting.set(id, { resolve, reject });
      this.output.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    });
  }

  async initialize(): Promise<this> {
    const answer = await this.request("initialize", {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "fleet-bench", version: "1" },
    });
    if (answer.error) throw new Error(`initialize: ${answer.error.message}`);
    this.output.write(
      JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n",
    );
    return this;
  }

  async call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await this.request("tools/call", { name, arguments: args });
    if (answer.error || answer.result?.isError === true) {
      throw new Error(
        `${name}: ${answer.error?.message ?? answer.result?.content?.[0]?.text ?? "failed"}`,
      );
    }
    return answer.result?.structuredContent ?? {};
  }

  async mail(args: Record<string, unknown>): Promise<BusMail[]> {
    return (await this.call("get_messages", args)).messages as BusMail[];
  }

  close(): void {
    this.hangUp();
  }
}

function viaRelay(agentDir: string, socket: string, env: NodeJS.ProcessEnv): LineRpc {
  const child: ChildProcess = spawn(
    "sh",
    [join(agentDir, "bus-endpoint"), socket, join(agentDir, "bus-token")],
    { env, stdio: ["pipe", "pipe", "inherit"] },
  );
  if (!child.stdout || !child.stdin) throw new Error("no stdio for the relay");
  const stdin = child.stdin;
  return new LineRpc(child.stdout, stdin, () => {
    stdin.end();
    setTimeout(() => child.kill(), 1000).unref();
  });
}

function viaSocket(socket: string, token: string): LineRpc {
  const connection: Socket = connect(socket);
  connection.write(token + "\n");
  return new LineRpc(connection, connection, () => connection.end());
}

// -------------------------------------------------------------- the phases

/** b reads in a tight loop, marking what it saw read; `seen` is told each new id. */
function drain(b: LineRpc, seen: (id: string, at: number) => void): { stop: () => Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const mail = await b.mail({ unreadOnly: true, limit: 500 });
      const now = performance.now();
      if (mail.length === 0) continue;
      await b.call("mark_read", { ids: mail.map((m) => m.id) });
      for (const m of mail) seen(m.id, now);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/**
 * One message at a time: send, wait until b has it, next. With a floor, each
 * message is paired with a floor sample taken just before it, so that the
 * ratio holds on a machine whose load changes during the run.
 */
async function latency(
  a: LineRpc,
  b: LineRpc,
  tag: string,
  count: number,
  floor?: Floor,
): Promise<{ latency: Stats; ack: Stats; floor: FloorSample[] }> {
  const waiters = new Map<string, (at: number) => void>();
  const seenAt = new Map<string, number>();
  // `at` is when b's get_messages answered with it (its mark_read comes after).
  const reader = drain(b, (id, at) => {
    if (seenAt.has(id)) return;
    seenAt.set(id, at);
    waiters.get(id)?.(at);
  });
  const latencies: number[] = [];
  const acks: number[] = [];
  const floorSamples: FloorSample[] = [];
  for (let i = 0; i < count; i++) {
    if (floor) floorSamples.push(await floor.sample());
    const id = `${tag}-${i}`;
    const seen = new Promise<number>((resolve) => waiters.set(id, resolve));
    const start = performance.now();
    await a.call("send_message", { to: "b", body: BODY, id });
    acks.push(performance.now() - start);
    latencies.push((await seen) - start);
    waiters.delete(id);
  }
  await reader.stop();
  return { latency: stats(latencies), ack: stats(acks), floor: floorSamples };
}

/** `count` messages a → b, `inFlight` at a time, until b has marked all read. */
async function throughput(
  a: LineRpc,
  b: LineRpc,
  tag: string,
  count: number,
  inFlight: number,
): Promise<{ totalMs: number; sendMs: number }> {
  const seen = new Set<string>();
  let allSeen: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allSeen = resolve));
  const start = performance.now();
  const reader = drain(b, (id) => {
    seen.add(id);
    if (seen.size === count) allSeen();
  });
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await a.call("send_message", { to: "b", body: BODY, id: `${tag}-${i}` });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, sender));
  const sendMs = performance.now() - start;
  await done;
  const totalMs = performance.now() - start;
  await reader.stop();
  return { totalMs, sendMs };
}

/** Reads what is unread, then drops b's read mail (as the operator), so the next run starts empty. */
async function emptyMailbox(b: LineRpc, operator: LineRpc): Promise<void> {
  for (;;) {
    const mail = await b.mail({ unreadOnly: true, limit: 500 });
    if (mail.length === 0) break;
    await b.call("mark_read", { ids: mail.map((m) => m.id) });
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
  await operator.call("prune_messages", { olderThan: "0s" });
  const left = await b.mail({ limit: 1 });
  if (left.length > 0) throw new Error("b's mailbox is not empty after pruning");
}

async function timeCalls(rpc: LineRpc, args: Record<string, unknown>, n = 200): Promise<Stats> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await rpc.call("get_messages", args);
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

// ----------------------------------------------------------------- floors

const ECHO_SERVER = String.raw`require("net").createServer((s)=>s.pipe(s)).listen(process.argv[1],()=>process.stdout.write("up\n"));`;

interface FloorSample {
  echo: number;
  fsync: number;
  both: number;
}

/**
 * One round trip of a request-sized line to an echo server in its own process
 * over a unix socket, then one fsync'd append of a message line to a file on
 * the mailboxes' filesystem: what a durable send cannot do without.
 */
class Floor {
  private readonly server: ChildProcess;
  private readonly socket: Socket;
  private readonly lines: AsyncIterator<string>;
  private readonly file: FileHandle;
  private readonly line: string;
  private readonly record: string;

  private constructor(server: ChildProcess, socket: Socket, file: FileHandle, lineBytes: number) {
    this.server = server;
    this.socket = socket;
    this.lines = createInterface({ input: socket })[Symbol.asyncIterator]();
    this.file = file;
    this.line = "x".repeat(lineBytes - 1) + "\n";
    this.record =
      JSON.stringify({ t: "msg", id: "floor-0", from: "a@local", to: "b@local", body: BODY }) +
      "\n";
  }

  static async start(dir: string, lineBytes: number): Promise<Floor> {
    const path = join(dir, "echo.sock");
    const server = spawn(nodeBin, ["-e", ECHO_SERVER, path], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      server.stdout.once("data", () => resolve());
      server.once("exit", () => reject(new Error("the echo server exited")));
    });
    const socket = connect(path);
    await new Promise((resolve) => socket.once("connect", resolve));
    const floor = new Floor(server, socket, await open(join(dir, "floor.jsonl"), "a+"), lineBytes);
    await floor.block(WARMUP);
    return floor;
  }

  async sample(): Promise<FloorSample> {
    let start = performance.now();
    this.socket.write(this.line);
    await this.lines.next();
    const echo = performance.now() - start;
    start = performance.now();
    await this.file.appendFile(this.record);
    await this.file.datasync();
    const fsync = performance.now() - start;
    return { echo, fsync, both: echo + fsync };
  }

  async block(n: number): Promise<FloorSample[]> {
    const samples: FloorSample[] = [];
    for (let i = 0; i < n; i++) samples.push(await this.sample());
    return samples;
  }

  async close(): Promise<void> {
    this.socket.destroy();
    await this.file.close();
    this.server.kill();
  }
}

const pick = (samples: readonly FloorSample[], key: keyof FloorSample): Stats =>
  stats(samples.map((s) => s[key]));

// ----------------------------------------------------------- the daemon

function daemonPid(home: string): number {
  const pid = Number(readFileSync(join(home, "bus", "daemon.pid"), "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error("no bus daemon pid");
  return pid;
}

/** VmRSS and VmHWM in MiB. */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

const ticksPerSecond =
  Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;

/** CPU ms the process used, and its reaped children (tmux, from agent discovery). */
function cpuMs(pid: number): { own: number; children: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const tick = (i: number) => (Number(fields[i]) * 1000) / ticksPerSecond;
  return { own: tick(11) + tick(12), children: tick(13) + tick(14) };
}

async function waitForDaemon(home: string): Promise<number> {
  const socket = join(home, "bus", "run", "bus.sock");
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (existsSync(socket)) {
      const up = await new Promise<boolean>((resolve) => {
        const probe = connect(socket);
        probe.once("connect", () => {
          probe.destroy();
          resolve(true);
        });
        probe.once("error", () => resolve(false));
      });
      if (up) return daemonPid(home);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the bus daemon did not come up");
}

function stopAll(bench: BenchEnv): void {
  spawnSync(nodeBin, [fleetBin, "bus", "stop"], { env: bench.env, stdio: "ignore" });
  bench.cleanup();
}

// --------------------------------------------------------------- the run

const relayEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...env,
  // The relay runs `node` from PATH, as on an agent's host: this one.
  PATH: `${dirname(nodeBin)}:${env.PATH ?? ""}`,
});

const createAgent = (name: string, env: NodeJS.ProcessEnv): number => {
  const start = performance.now();
  run(nodeBin, [fleetBin, "create", name, "--command", "sleep 3600", "--no-connect"], env);
  return performance.now() - start;
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

interface PathFigures {
  latency: Stats;
  ack: Stats;
  /** The floor samples paired with the latency run's messages. */
  latencyFloor: FloorSample[];
  /** Wall time of each run of MESSAGES (b has marked all read), and a's sends alone. */
  sequential: Stats;
  sequentialSend: Stats;
  parallel: Stats;
  parallelSend: Stats;
  /** Floor blocks taken before each throughput run. */
  throughputFloor: FloorSample[];
  daemonCpuPerMessage: number;
  childCpuPerMessage: number;
}

interface History {
  idle0: Stats;
  idleN: Stats;
  defaultN: Stats;
  latency0: Stats;
  latencyN: Stats;
  fillS: number;
}

type Memory = { rss: number; hwm: number };

async function messaging(): Promise<{
  relay: PathFigures;
  socket: PathFigures;
  history: History;
  daemonAfter: Memory;
}> {
  const bench = benchEnv("bus");
  const env = relayEnv(bench.env);
  const home = env.FLEET_HOME ?? "";
  const connections: LineRpc[] = [];
  let floor: Floor | undefined;
  try {
    createAgent("a", env);
    createAgent("b", env);
    const pid = await waitForDaemon(home);
    const socket = join(home, "bus", "run", "bus.sock");
    const token = (name: string) =>
      readFileSync(join(home, "agents", name, "bus-token"), "utf8").trim();
    const operator = viaSocket(
      socket,
      readFileSync(join(home, "bus", "operator-token"), "utf8").trim(),
    );
    connections.push(operator);
    await operator.initialize();
    const requestBytes =
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1000,
        method: "tools/call",
        params: { name: "send_message", arguments: { to: "b", body: BODY, id: "relay-lat-100" } },
      }).length + 1;
    floor = await Floor.start(bench.dir, requestBytes);
    const floorNow = floor;

    const measure = async (kind: "relay" | "socket"): Promise<PathFigures> => {
      const connectAs = (name: string) =>
        kind === "relay"
          ? viaRelay(join(home, "agents", name), socket, env)
          : viaSocket(socket, token(name));
      const a = connectAs("a");
      const b = connectAs("b");
      connections.push(a, b);
      await a.initialize();
      await b.initialize();
      await throughput(a, b, `${kind}-warm`, WARMUP, 1);
      await emptyMailbox(b, operator);
      const lat = await latency(a, b, `${kind}-lat`, MESSAGES, floorNow);
      await emptyMailbox(b, operator);
      const cpuBefore = cpuMs(pid);
      const throughputFloor: FloorSample[] = [];
      const sequential: number[] = [];
      const sequentialSend: number[] = [];
      const parallel: number[] = [];
      const parallelSend: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        throughputFloor.push(...(await floorNow.block(FLOOR_BLOCK)));
        const seq = await throughput(a, b, `${kind}-seq${r}`, MESSAGES, 1);
        sequential.push(seq.totalMs);
        sequentialSend.push(seq.sendMs);
        await emptyMailbox(b, operator);
        const par = await throughput(a, b, `${kind}-par${r}`, MESSAGES, IN_FLIGHT);
        parallel.push(par.totalMs);
        parallelSend.push(par.sendMs);
        await emptyMailbox(b, operator);
      }
      const cpuAfter = cpuMs(pid);
      const sent = 2 * RUNS * MESSAGES;
      a.close();
      b.close();
      return {
        latency: lat.latency,
        ack: lat.ack,
        latencyFloor: lat.floor,
        sequential: stats(sequential),
        sequentialSend: stats(sequentialSend),
        parallel: stats(parallel),
        parallelSend: stats(parallelSend),
        throughputFloor,
        daemonCpuPerMessage: (cpuAfter.own - cpuBefore.own) / sent,
        childCpuPerMessage: (cpuAfter.children - cpuBefore.children) / sent,
      };
    };
    const relay = await measure("relay");
    const direct = await measure("socket");

    // b's history: an idle read on an empty mailbox, then with HISTORY read messages in it.
    const a = viaSocket(socket, token("a"));
    const b = viaSocket(socket, token("b"));
    connections.push(a, b);
    await a.initialize();
    await b.initialize();
    const idle0 = await timeCalls(b, { unreadOnly: true });
    const latency0 = (await latency(a, b, "hist0", HISTORY_LATENCY)).latency;
    await emptyMailbox(b, operator);
    const fillStart = performance.now();
    await throughput(a, b, "hist", HISTORY, 32);
    const fillS = (performance.now() - fillStart) / 1000;
    const idleN = await timeCalls(b, { unreadOnly: true });
    const defaultN = await timeCalls(b, {}, 50);
    const latencyN = (await latency(a, b, "histN", HISTORY_LATENCY)).latency;
    return {
      relay,
      socket: direct,
      history: { idle0, idleN, defaultN, latency0, latencyN, fillS },
      daemonAfter: memory(pid),
    };
  } finally {
    for (const rpc of connections) rpc.close();
    await floor?.close();
    stopAll(bench);
  }
}

async function memoryWith50(): Promise<{
  start: Memory;
  idle: Memory;
  one: Memory;
  all: Memory;
  closed: Memory;
  connectMs: number;
  createMs: number[];
}> {
  const bench = benchEnv("busmem");
  const env = relayEnv(bench.env);
  const home = env.FLEET_HOME ?? "";
  const clients: Client[] = [];
  try {
    const names = Array.from({ length: MEMORY_AGENTS }, (_, i) => `m${i}`);
    const createMs = [createAgent(names[0]!, env)];
    const pid = await waitForDaemon(home);
    await settle();
    const start = memory(pid);
    for (const name of names.slice(1)) createMs.push(createAgent(name, env));
    await settle();
    const idle = memory(pid);
    const fleetEnv = { home, prefix: bench.prefix };
    const join1 = async (name: string): Promise<void> => {
      const token = readFileSync(join(home, "agents", name, "bus-token"), "utf8").trim();
      const client = await connectBus(fleetEnv, { token, start: false });
      clients.push(client);
      const found = (await callBusTool(client, "discover_agents", {})).agents as unknown[];
      if (found.length !== MEMORY_AGENTS) {
        throw new Error(`${name} discovered ${found.length} agents, not ${MEMORY_AGENTS}`);
      }
    };
    await join1(names[0]!);
    await settle();
    const one = memory(pid);
    const connectStart = performance.now();
    await Promise.all(names.slice(1).map(join1));
    const connectMs = performance.now() - connectStart;
    await settle();
    const all = memory(pid);
    for (const client of clients.splice(0)) await client.close();
    await settle();
    const closed = memory(pid);
    return { start, idle, one, all, closed, connectMs, createMs };
  } finally {
    for (const client of clients) await client.close().catch(() => undefined);
    stopAll(bench);
  }
}

// ------------------------------------------------------------- reporting

const started = performance.now();
const loadBefore = loadavg()[0] ?? NaN;
const figures = await messaging();
const mem = await memoryWith50();
const loadAfter = loadavg()[0] ?? NaN;
const elapsedS = (performance.now() - started) / 1000;

const { relay, socket, history } = figures;
const allFloor = [
  ...relay.latencyFloor,
  ...relay.throughputFloor,
  ...socket.latencyFloor,
  ...socket.throughputFloor,
];
const ms = (n: number) => `${n.toFixed(2)} ms`;
const spread = (s: Stats) => `${ms(s.median)}, p99 ${ms(s.p99)}`;
/** Messages a second: the median run, then the slowest and fastest of RUNS. */
const rate = (s: Stats) => {
  const perSecond = (wallMs: number) => ((MESSAGES * 1000) / wallMs).toFixed(0);
  return `${perSecond(s.median)}/s (${perSecond(s.max)}–${perSecond(s.min)})`;
};
const ratio = (measured: number, floorMs: number) => `${(measured / floorMs).toFixed(2)}×`;
const mib = (m: Memory) => `VmRSS ${m.rss.toFixed(1)} MiB, VmHWM ${m.hwm.toFixed(1)} MiB`;
const cpu = (f: PathFigures) =>
  `${f.daemonCpuPerMessage.toFixed(2)} + ${f.childCpuPerMessage.toFixed(2)} ms`;
const paired = (f: PathFigures) => pick(f.latencyFloor, "both").median;
const blocks = (f: PathFigures) => pick(f.throughputFloor, "both").median;
const createStats = stats(mem.createMs);

const rows: [string, string, string][] = [
  ["", "relay (the agent's path)", "socket (direct)"],
  ["send → b's get_messages has it", spread(relay.latency), spread(socket.latency)],
  ["  p90", ms(relay.latency.p90), ms(socket.latency.p90)],
  [
    "  ÷ floor paired with each (medians)",
    ratio(relay.latency.median, paired(relay)),
    ratio(socket.latency.median, paired(socket)),
  ],
  ["send_message acknowledged", spread(relay.ack), spread(socket.ack)],
  [
    "  ÷ floor paired with each (medians)",
    ratio(relay.ack.median, paired(relay)),
    ratio(socket.ack.median, paired(socket)),
  ],
  [
    "paired floor (round trip + fsync)",
    spread(pick(relay.latencyFloor, "both")),
    spread(pick(socket.latencyFloor, "both")),
  ],
  [
    `${MESSAGES} a → b one at a time, drained by b`,
    rate(relay.sequential),
    rate(socket.sequential),
  ],
  ["  a's sends alone", rate(relay.sequentialSend), rate(socket.sequentialSend)],
  [
    "  per message ÷ floor (medians)",
    ratio(relay.sequential.median / MESSAGES, blocks(relay)),
    ratio(socket.sequential.median / MESSAGES, blocks(socket)),
  ],
  [
    `${MESSAGES} a → b ${IN_FLIGHT} in flight, drained by b`,
    rate(relay.parallel),
    rate(socket.parallel),
  ],
  ["  a's sends alone", rate(relay.parallelSend), rate(socket.parallelSend)],
  [
    "  per message ÷ floor (medians)",
    ratio(relay.parallel.median / MESSAGES, blocks(relay)),
    ratio(socket.parallel.median / MESSAGES, blocks(socket)),
  ],
  ["daemon CPU a message (own + its children)", cpu(relay), cpu(socket)],
];
const column = (i: 0 | 1) => Math.max(...rows.map((r) => r[i].length));
const line = (label: string, value: string) => `${label.padEnd(column(0))}  ${value}`;
const table = [
  `bus: 2 local command agents, a → b; ${machine()}; load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}`,
  ...rows.map(([label, x, y]) => `${label.padEnd(column(0))}  ${x.padEnd(column(1))}  ${y}`),
  "",
  line(`floor: unix-socket echo round trip (${allFloor.length})`, spread(pick(allFloor, "echo"))),
  line("floor: fsync'd append of one line", spread(pick(allFloor, "fsync"))),
  "",
  line("b's idle get_messages {unreadOnly}, empty", spread(history.idle0)),
  line(`  with ${HISTORY} read messages`, spread(history.idleN)),
  line(`b's get_messages {}, ${HISTORY} read`, spread(history.defaultN)),
  line(`send → seen (socket, ${HISTORY_LATENCY}), empty mailbox`, spread(history.latency0)),
  line(`  with ${HISTORY} read messages`, spread(history.latencyN)),
  line(`${HISTORY} messages, 32 in flight, drained`, `${history.fillS.toFixed(1)} s`),
  line("daemon after all that", mib(figures.daemonAfter)),
  "",
  line("daemon right after start, 0 connections", mib(mem.start)),
  line(`  ${MEMORY_AGENTS} agents, 0 connections`, mib(mem.idle)),
  line("  1 connection (+ discover_agents)", mib(mem.one)),
  line(`  ${MEMORY_AGENTS} connections`, mib(mem.all)),
  line(
    "  a connection, (50 − 1) ÷ 49",
    `${(((mem.all.rss - mem.one.rss) * 1024) / (MEMORY_AGENTS - 1)).toFixed(0)} KiB`,
  ),
  line("  all closed again", mib(mem.closed)),
  line(`  ${MEMORY_AGENTS - 1} connected at once`, `${mem.connectMs.toFixed(0)} ms`),
  line(
    `  fleet create, each of ${MEMORY_AGENTS}`,
    `median ${createStats.median.toFixed(0)} ms, max ${createStats.max.toFixed(0)} ms, the 50th ${mem.createMs[MEMORY_AGENTS - 1]?.toFixed(0)} ms`,
  ),
  "",
  `took ${elapsedS.toFixed(0)} s`,
];
process.stderr.write(table.join("\n") + "\n");

const floorBase =
  "one round trip over a unix socket to a node echo server, then one fsync'd append of a line";
const pairedFloor = `${floorBase}, one before each message`;
const blockFloor = `${floorBase}, ${FLOOR_BLOCK} before each run`;
const perMessage = (s: Stats): Timing => ({
  medianMs: s.median / MESSAGES,
  p90Ms: s.p90 / MESSAGES,
  runs: s.n,
});
writeResult({
  name: `bus: send_message until the recipient's get_messages has it, via the agents' endpoint relays (${MESSAGES} messages)`,
  measured: timing(relay.latency),
  floor: timing(pick(relay.latencyFloor, "both")),
  floorDescription: pairedFloor,
  budget: "—",
  pass: true,
});
writeResult({
  name: `bus: send_message acknowledged (stored durably), via the agent's endpoint relay (${MESSAGES} messages)`,
  measured: timing(relay.ack),
  floor: timing(pick(relay.latencyFloor, "both")),
  floorDescription: pairedFloor,
  budget: "—",
  pass: true,
});
writeResult({
  name: `bus: ${MESSAGES} messages a → b one at a time, until b has read them all, per message (${RUNS} runs)`,
  measured: perMessage(relay.sequential),
  floor: timing(pick(relay.throughputFloor, "both")),
  floorDescription: blockFloor,
  budget: "—",
  pass: true,
});
writeResult({
  name: `bus: ${MESSAGES} messages a → b ${IN_FLIGHT} in flight, until b has read them all, per message (${RUNS} runs)`,
  measured: perMessage(relay.parallel),
  floor: timing(pick(relay.throughputFloor, "both")),
  floorDescription: blockFloor,
  budget: "—",
  pass: true,
});
