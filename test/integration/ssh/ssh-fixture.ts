/**
 * An SSH host for CLI tests: a real sshd on loopback (test/helpers/sshd.ts) plus a
 * sandbox (FLEET_HOME, local tmux server, prefix) for the fleet CLI talking to it.
 * Cleanup ends fleet's ControlMaster connections, the host's tmux server and sshd.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { makeSandbox, type RunResult, type Sandbox } from "../../helpers/sandbox.ts";
import { closeSshMasters, sshdSkipReason, startSshd, type Sshd } from "../../helpers/sshd.ts";

export const execFileAsync = promisify(execFile);

/** Set when ssh tests cannot run here: pass it as `skip` to describe(). */
export const skipSsh: string | false = sshdSkipReason() ?? false;

export interface SshFixture {
  sb: Sandbox;
  sshd: Sshd;
  /** Writes a fleet file in the sandbox; returns its path. */
  fleetFile(text: string, name?: string): Promise<string>;
  /** `fleet list --json`, parsed. */
  list(): Promise<ListJson>;
  /** Sessions on the host's tmux server. */
  remoteSessions(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export interface ListJson {
  agents: {
    name: string;
    host: string;
    state: string;
    fleet: string | null;
    workdir: string | null;
  }[];
  errors: {
    host: string;
    provider: string;
    error: { code: string; message: string; hint?: string };
  }[];
}

export async function makeSshFixture(
  label: string,
  options: { without?: string[] } = {},
): Promise<SshFixture> {
  const sshd = await startSshd({ label, ...options });
  const sb = await makeSandbox(label);
  return {
    sb,
    sshd,
    async fleetFile(text, name = "fleet.yaml") {
      const file = join(sb.dir, name);
      await writeFile(file, text);
      return file;
    },
    async list() {
      const result = await sb.fleet(["list", "--json"]);
      return JSON.parse(result.stdout) as ListJson;
    },
    async remoteSessions() {
      const result = await sshd.remoteTmux(["list-sessions", "-F", "#{session_name}"]);
      return result.stdout.split("\n").filter((line) => line !== "");
    },
    async cleanup() {
      await closeSshMasters(sb.home);
      await sb.cleanup();
      await sshd.stop();
    },
  };
}

/** Both streams, for assertion messages. */
export const output = (result: RunResult): string =>
  `exit ${result.code}\n${result.stdout}\n${result.stderr}`;
