/**
 * The real agent CLIs (Claude Code and Codex, from node_modules) driven by fleet
 * on the local host against the fake model server (test/helpers/fake-model/):
 *
 * - `fleet create --message` to the first message at the model, against the
 *   CLI's own start-up: the same CLI with the same config (the first-run
 *   answers, the env) started by hand in a tmux session of the same size on the
 *   same tmux server, until its prompt shows (the type's readiness pattern, the
 *   one fleet waits for). Paired runs, alternating. Budget: ≤ 1.3× that floor.
 * - `fleet message` to one agent, 20 messages, each sent once the model has the
 *   one before and the CLI is idle again: the command's wall time, median and
 *   p90, against node plus the tmux commands of a bracketed paste and Enter.
 *
 * Nothing leaves loopback: the benchmark runs itself again inside a new network
 * namespace with only `lo` up (`unshare -n`, so it needs root), checks that it
 * sees no other interface, and runs the fake model in its own process there;
 * fleet, its tmux server and the CLIs all start inside. (test/helpers/
 * loopback-netns.ts puts only a test sandbox's tmux server in a namespace, with
 * the test outside; here nothing needs to be outside, so the whole run goes in.)
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startFakeModel, type FakeModel } from "../test/helpers/fake-model/server.ts";
import { getAgentType } from "../src/core/registry.ts";
import { benchEnv, fleetBin, nodeBin, repoRoot, writeResult, type Timing } from "./lib.ts";

const execFileAsync = promisify(execFile);
const PAIRS = Number(process.env.FLEET_BENCH_AGENT_PAIRS ?? 7);
const MESSAGES = 20;
const SIZE = { width: 200, height: 50 };
const binDir = join(repoRoot, "node_modules", ".bin");

if (process.env.FLEET_BENCH_IN_NETNS !== "1") {
  // Start again inside a namespace of our own with only loopback.
  if (process.getuid?.() !== 0) throw new Error("bench/agents.ts needs root (unshare -n)");
  const again = spawnSync(
    "unshare",
    ["-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', nodeBin, ...process.argv.slice(1)],
    { stdio: "inherit", env: { ...process.env, FLEET_BENCH_IN_NETNS: "1" } },
  );
  process.exit(again.status ?? 1);
}

const interfaces = readFileSync("/proc/net/dev", "utf8")
  .split("\n")
  .slice(2)
  .map((line) => line.split(":")[0]?.trim())
  .filter(Boolean);
if (interfaces.join(",") !== "lo") {
  throw new Error(`not in a loopback-only namespace: interfaces ${interfaces.join(", ")}`);
}
for (const cli of ["claude", "codex"]) {
  if (!existsSync(join(binDir, cli))) throw new Error(`${cli} is not installed: run npm ci`);
}

const bench = benchEnv("agents");
const userHome = join(bench.dir, "user-home");
mkdirSync(userHome);
// The user's own ~/.claude and ~/.codex stay out of it; the CLIs come from node_modules.
const env: NodeJS.ProcessEnv = {
  ...bench.env,
  HOME: userHome,
  PATH: `${binDir}:${process.env.PATH ?? ""}`,
  // The secrets fleet passes on (`--secret NAME`), read from its caller's env.
  ANTHROPIC_API_KEY: "sk-ant-fake-key-for-bench-0123456789abcdef",
  OPENAI_API_KEY: "sk-fake-key-for-bench",
};
const HOLD = "bench-hold";

interface Cli {
  type: "claude" | "codex";
  /** The spec env fleet is given (the fake model's address). */
  env: (port: number) => Record<string, string>;
  secret: string;
  /** The by-hand start: config written in `dir`, the command line for tmux. */
  byHand: (dir: string, port: number) => string;
}

const CLAUDE_KEY = env.ANTHROPIC_API_KEY ?? "";
const OPENAI_KEY = env.OPENAI_API_KEY ?? "";

/** A shell word. */
const q = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

const CLIS: Cli[] = [
  {
    type: "claude",
    env: (port) => ({ ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` }),
    secret: "ANTHROPIC_API_KEY",
    byHand(dir, port) {
      // What fleet's claude type writes: the first-run answers and the hooks' settings.
      const config = join(dir, "claude");
      mkdirSync(join(dir, "activity"), { recursive: true });
      mkdirSync(config, { recursive: true });
      writeFileSync(
        join(config, ".claude.json"),
        JSON.stringify({
          hasCompletedOnboarding: true,
          projects: {
            [dir]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true },
          },
          customApiKeyResponses: { rejected: [], approved: [CLAUDE_KEY.slice(-20)] },
        }),
      );
      const touch = `touch ${q(join(dir, "activity", "agent"))} 2>/dev/null || true`;
      const hook = [{ hooks: [{ type: "command", command: touch, timeout: 5 }] }];
      const events = ["SessionStart", "UserPromptSubmit", "SubagentStop", "Stop", "Notification"];
      writeFileSync(
        join(dir, "settings.json"),
        JSON.stringify({ hooks: Object.fromEntries(events.map((e) => [e, hook])) }),
      );
      return [
        "export DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1",
        `export CLAUDE_CONFIG_DIR=${q(config)} ANTHROPIC_BASE_URL=http://127.0.0.1:${port}`,
        `export ANTHROPIC_API_KEY=${q(CLAUDE_KEY)}`,
        `exec claude --settings ${q(join(dir, "settings.json"))}`,
      ].join("; ");
    },
  },
  {
    type: "codex",
    env: (port) => ({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_MODEL: "fake-model" }),
    secret: "OPENAI_API_KEY",
    byHand(dir, port) {
      // What fleet's codex type writes in CODEX_HOME.
      const home = join(dir, "codex");
      mkdirSync(home, { recursive: true });
      writeFileSync(
        join(home, "config.toml"),
        [
          'model = "fake-model"',
          'model_provider = "fleet"',
          "check_for_update_on_startup = false",
          "disable_paste_burst = true",
          "[analytics]",
          "enabled = false",
          "[features]",
          "plugins = false",
          "apps = false",
          "[tui]",
          "show_tooltips = false",
          `[projects.${JSON.stringify(dir)}]`,
          'trust_level = "trusted"',
          "[model_providers.fleet]",
          'name = "fleet"',
          `base_url = "http://127.0.0.1:${port}/v1"`,
          'wire_api = "responses"',
          'env_key = "OPENAI_API_KEY"',
          "",
        ].join("\n"),
      );
      return [
        `export CODEX_HOME=${q(home)} OPENAI_API_KEY=${q(OPENAI_KEY)}`,
        "exec codex --no-daemon",
      ].join("; ");
    },
  },
];

const tmux = (args: string[]) => execFileAsync("tmux", args, { env });

/** Runs a command to its end; fails loudly when it fails. */
function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: bench.dir, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`${command} ${args.join(" ")} failed (${code}): ${stderr}${stdout}`)),
    );
    child.stdin.end(input ?? "");
  });
}

const fleet = (args: string[], input?: string) => run(nodeBin, [fleetBin, ...args], input);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it is true; fails after `timeoutMs`. */
async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 5,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(everyMs);
  }
}

const received = (model: FakeModel, text: string): boolean =>
  model.requests.some((r) => r.kind === "turn" && r.lastUserText?.trimEnd() === text);

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { medianMs: at(0.5) ?? NaN, p90Ms: at(0.9) ?? NaN, runs: sorted.length };
}

/**
 * The CLI started by hand in tmux until its prompt shows, then its first message
 * typed by hand (a bracketed paste and Enter, as a user's terminal sends it) until
 * the model has it; ms to each.
 */
async function startByHand(
  cli: Cli,
  model: FakeModel,
  i: number,
): Promise<{ readyMs: number; deliveredMs: number }> {
  const port = model.port;
  const dir = join(bench.dir, `by-hand-${cli.type}-${i < 0 ? "warm" : i}`);
  mkdirSync(dir);
  const command = cli.byHand(dir, port);
  const session = `by-hand-${cli.type}-${i < 0 ? "warm" : i}`;
  const ready = (await getAgentType(cli.type)).readiness?.pattern;
  if (!ready) throw new Error(`${cli.type} has no readiness pattern`);
  const started = performance.now();
  await tmux([
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    String(SIZE.width),
    "-y",
    String(SIZE.height),
    "-c",
    dir,
    command,
  ]);
  await until(
    `${cli.type} by hand shows its prompt`,
    async () => {
      const { stdout } = await tmux(["capture-pane", "-p", "-J", "-t", `=${session}:`]);
      return ready.test(stdout);
    },
    60_000,
    10,
  );
  const readyMs = performance.now() - started;
  const message = `by hand ${i} to ${cli.type}`;
  await run("tmux", ["load-buffer", "-b", session, "-"], message);
  await tmux(["paste-buffer", "-p", "-d", "-b", session, "-t", `=${session}:`]);
  await tmux(["send-keys", "-t", `=${session}:`, "Enter"]);
  await until(`${cli.type} by hand: the message at the model`, () => received(model, message));
  const deliveredMs = performance.now() - started;
  await tmux(["kill-session", "-t", `=${session}`]);
  return { readyMs, deliveredMs };
}

/** `fleet create NAME --agent TYPE --message TEXT`, its env pointing at the fake model. */
const createAgent = (cli: Cli, model: FakeModel, name: string, message: string) =>
  fleet([
    "create",
    name,
    "--agent",
    cli.type,
    "--no-connect",
    "--message",
    message,
    "--secret",
    cli.secret,
    "-e",
    ...Object.entries(cli.env(model.port)).map(([k, v]) => `${k}=${v}`),
  ]);

/** `fleet create --message` until the model has the message; ms. */
async function createWithMessage(
  cli: Cli,
  model: FakeModel,
  i: number,
): Promise<{ ms: number; returnedMs: number }> {
  const name = `${cli.type}-create-${i < 0 ? "warm" : i}`;
  const message = `first message ${i} to ${cli.type}`;
  const started = performance.now();
  let returned = NaN;
  const created = createAgent(cli, model, name, message).then(() => (returned = performance.now()));
  await until(`${cli.type} agent ${name}'s first message at the model`, () =>
    received(model, message),
  );
  const ms = performance.now() - started;
  await created;
  await fleet(["destroy", name, "-y"]);
  return { ms, returnedMs: returned - started };
}

/** Until the agent's CLI is done with its turn: the model has answered and the screen is quiet. */
async function settled(name: string): Promise<void> {
  let last = "";
  let same = 0;
  await until(
    `${name} is idle again`,
    async () => {
      const { stdout } = await tmux([
        "capture-pane",
        "-p",
        "-J",
        "-t",
        `=${bench.prefix}${name}:agent`,
      ]);
      same = stdout === last && !/esc to interrupt/i.test(stdout) ? same + 1 : 0;
      last = stdout;
      return same >= 3;
    },
    60_000,
    100,
  );
}

async function messages(cli: Cli, model: FakeModel): Promise<void> {
  const name = `${cli.type}-messages`;
  await createAgent(cli, model, name, `warm-up for ${cli.type}`);
  await until(`warm-up at ${cli.type}`, () => received(model, `warm-up for ${cli.type}`));
  await settled(name);
  const wall: number[] = [];
  const atModel: number[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const text =
      i % 4 === 3 ? `message ${i} to ${cli.type}\nits second line` : `message ${i} to ${cli.type}`;
    const started = performance.now();
    const sent = fleet(["message", name], text).then(() => wall.push(performance.now() - started));
    await until(`message ${i} at ${cli.type}`, () => received(model, text));
    atModel.push(performance.now() - started);
    await sent;
    await settled(name);
  }
  await fleet(["destroy", name, "-y"]);

  // The floor: node, then the tmux commands of a bracketed paste and Enter, into a pane that reads.
  const floorPane = `=${HOLD}:`;
  const floorScript = [
    "const { execFileSync: x } = require('node:child_process');",
    "x('tmux', ['load-buffer', '-b', 'bench', '-'], { input: process.argv[1] });",
    `x('tmux', ['paste-buffer', '-p', '-d', '-b', 'bench', '-t', '${floorPane}']);`,
    `x('tmux', ['send-keys', '-t', '${floorPane}', 'Enter']);`,
  ].join(" ");
  const floor: number[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const started = performance.now();
    await run(nodeBin, ["-e", floorScript, `floor message ${i}`]);
    floor.push(performance.now() - started);
  }
  const measured = timing(wall);
  writeResult({
    name: `fleet message to a ${cli.type} agent, wall time (${MESSAGES} messages)`,
    measured,
    floor: timing(floor),
    floorDescription: "node -e (tmux load-buffer, paste-buffer -p, send-keys Enter)",
    budget: "—",
    pass: true,
    notes: `until the model had it: median ${timing(atModel).medianMs.toFixed(0)} ms, p90 ${timing(atModel).p90Ms.toFixed(0)} ms`,
  });
}

async function firstMessage(cli: Cli, model: FakeModel): Promise<void> {
  // Warm-up, untimed: the page cache holds the CLI's binary for both sides alike.
  await startByHand(cli, model, -1);
  await createWithMessage(cli, model, -1);
  const byHand: number[] = [];
  const byHandTyped: number[] = [];
  const handStart = async (i: number) => {
    const { readyMs, deliveredMs } = await startByHand(cli, model, i);
    byHand.push(readyMs);
    byHandTyped.push(deliveredMs);
  };
  const created: number[] = [];
  const returned: number[] = [];
  const create = async (i: number) => {
    const { ms, returnedMs } = await createWithMessage(cli, model, i);
    created.push(ms);
    returned.push(returnedMs);
  };
  for (let i = 0; i < PAIRS; i++) {
    // Alternate which goes first, so drift in the machine's load hits both alike.
    if (i % 2 === 0) {
      await handStart(i);
      await create(i);
    } else {
      await create(i);
      await handStart(i);
    }
  }
  const measured = timing(created);
  const floor = timing(byHand);
  writeResult({
    name: `fleet create --message ${cli.type}, until the model has the message`,
    measured,
    floor,
    floorDescription: `${cli.type} started by hand in tmux (same config), until its prompt shows`,
    budget: "≤ 1.3× floor",
    pass: measured.medianMs / floor.medianMs <= 1.3,
    notes: `${PAIRS} pairs, alternating; fleet create itself returned after ${timing(returned).medianMs.toFixed(0)} ms (median). The floor stops at the prompt: it holds no typing and none of the CLI's own time from Enter to its request`,
  });
  writeResult({
    name: `fleet create --message ${cli.type}, against starting it and typing the message by hand`,
    measured,
    floor: timing(byHandTyped),
    floorDescription: `${cli.type} started by hand in tmux, its prompt awaited, the message pasted and Enter pressed, until the model has it`,
    budget: "≤ 1.3× floor",
    pass: measured.medianMs / timing(byHandTyped).medianMs <= 1.3,
    notes: `the same fleet runs as the row above; this floor does by hand what fleet does. Typing by hand is itself ${(timing(byHandTyped).medianMs / floor.medianMs).toFixed(2)}× the floor above (docs/agents.md#how-fast-a-message-arrives)`,
  });
}

const model = await startFakeModel();
try {
  // One tmux server for both sides, already running (a pane that reads, for the message floor).
  await tmux(["new-session", "-d", "-s", HOLD, "cat > /dev/null"]);
  for (const cli of CLIS) await firstMessage(cli, model);
  for (const cli of CLIS) await messages(cli, model);
} finally {
  await model.close();
  bench.cleanup();
}
