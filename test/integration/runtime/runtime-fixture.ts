/**
 * A sandboxed local host for runtime tests: its own FLEET_HOME, tmux server and
 * prefix, the local provider bound to the sandbox's environment, and a spec
 * builder for `command` agents.
 */
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createLocalProvider } from "../../../providers/local/index.ts";
import { LocalTransport } from "../../../providers/local/transport.ts";
import type { HostHandle } from "../../../src/core/host/index.ts";
import { discoverAgents } from "../../../src/core/host/index.ts";
import { RecordingIoHost } from "../../../src/core/io.ts";
import type { AgentSpec, LiveAgent } from "../../../src/core/model.ts";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

export interface Runtime {
  sb: Sandbox;
  h: HostHandle;
  io: RecordingIoHost;
  transport: LocalTransport;
  /** A `command` agent spec on the local host. */
  spec(name: string, overrides?: Partial<AgentSpec>): AgentSpec;
  /** Runs tmux on the sandbox's server (without stdin: sandbox.tmux can hit EPIPE on fast exits). */
  tmux(...args: string[]): Promise<{ code: number; stdout: string }>;
  /** Whether the agent's tmux session exists. */
  hasSession(name: string): Promise<boolean>;
  /** The agent as discovery sees it now. */
  live(name: string): Promise<LiveAgent | undefined>;
  /** Waits until discovery reports the agent in `state`. */
  waitForState(name: string, state: LiveAgent["state"]): Promise<LiveAgent>;
  /** Waits until the agent window's screen matches. */
  waitForScreen(name: string, pattern: RegExp): Promise<string>;
  cleanup(): Promise<void>;
}

export async function makeRuntime(label: string): Promise<Runtime> {
  const sb = await makeSandbox(label);
  const io = new RecordingIoHost();
  const provider = createLocalProvider({ env: sb.env });
  const ctx = { env: { home: sb.home, prefix: sb.prefix }, io };
  const h: HostHandle = { provider, host: { name: "local", provider: "local", config: {} }, ctx };
  const transport = new LocalTransport(sb.home, sb.env);
  const tmux = (...args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile("tmux", args, { env: sb.env }, (error, stdout) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout });
      });
    });
  const live = async (name: string) =>
    (
      await discoverAgents(transport, {
        host: "local",
        provider: "local",
        prefix: sb.prefix,
        home: sb.home,
      })
    ).agents.find((agent) => agent.name === name);
  return {
    sb,
    h,
    io,
    transport,
    spec: (name, overrides = {}) => ({
      name,
      host: "local",
      agent: "command",
      command: "cat",
      args: [],
      env: {},
      secrets: [],
      services: [],
      labels: {},
      idleTimeout: null,
      ...overrides,
    }),
    tmux,
    hasSession: async (name) =>
      (await tmux("has-session", "-t", `=${sb.prefix}${name}`)).code === 0,
    live,
    waitForState: (name, state) =>
      waitFor(async () => {
        const agent = await live(name);
        return agent?.state === state ? agent : undefined;
      }),
    waitForScreen: (name, pattern) =>
      waitFor(async () => {
        const screen = await tmux("capture-pane", "-p", "-J", "-t", `=${sb.prefix}${name}:agent`);
        return pattern.test(screen.stdout) ? screen.stdout : undefined;
      }),
    cleanup: () => sb.cleanup(),
  };
}

/** Every regular file under dir, recursively, with its content. */
export async function filesUnder(dir: string): Promise<{ path: string; content: Buffer }[]> {
  const files: { path: string; content: Buffer }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.push({ path, content: await readFile(path) });
  }
  return files;
}
