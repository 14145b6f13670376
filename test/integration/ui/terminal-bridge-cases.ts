/**
 * The terminal bridge's core cases on a remote host, where tmux runs in a
 * container or behind ssh and the control client goes through `docker exec -i`
 * or `ssh -T`. One set of cases, run by the files that give the host.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import {
  childProcesses,
  startBridge,
  useSandboxEnvironment,
  type Bridge,
} from "./terminal-page.ts";

export interface BridgeHost {
  sb: Sandbox;
  /** The `box:` entry of a fleet file's hosts. */
  hostEntry: string;
  /** Writes a fleet file in the sandbox; its path. */
  file(yaml: string): Promise<string>;
  /** Runs tmux on the host, on the server its agents run on; its stdout. */
  tmux(args: string[]): Promise<string>;
  cleanup(): Promise<void>;
  /** A child of this process that is the host itself (the test's sshd), not a leftover. */
  serverProcess?: RegExp;
}

const SHELL = "printf 'ready-%s\\n' marker; exec sh";

export function remoteBridgeCases(options: {
  title: string;
  skip: string | false;
  host: () => Promise<BridgeHost>;
}): void {
  describe(options.title, { skip: options.skip, timeout: 240_000 }, () => {
    let h: BridgeHost;
    let bridge: Bridge;
    const screen = (name: string): Promise<string> =>
      h.tmux(["capture-pane", "-p", "-J", "-t", `=${h.sb.prefix}${name}:agent`]);
    const allGone = async (): Promise<void> => {
      let left = "";
      await waitFor(async () => {
        const clients = (await h.tmux(["list-clients", "-F", "#{client_name}"])).trim();
        const processes = childProcesses().filter((p) => !h.serverProcess?.test(p));
        left = `clients: ${clients}; processes: ${processes.join(", ")}`;
        return clients === "" && processes.length === 0;
      }, 20_000).catch((error: unknown) => {
        throw new Error(`still there: ${left}`, { cause: error });
      });
    };

    before(async () => {
      h = await options.host();
      const file = await h.file(`version: 1
name: uiterm
hosts:
  box: ${h.hostEntry}
agents:
  shell: { command: ${JSON.stringify(SHELL)}, host: box }
  stopper: { command: ${JSON.stringify(SHELL)}, host: box }
`);
      const applied = await h.sb.fleet(["apply", "-f", file, "-y"]);
      assert.equal(applied.code, 0, applied.stdout + applied.stderr);
      await waitFor(async () => (await screen("shell")).includes("ready-marker"), 30_000);
      bridge = await startBridge(useSandboxEnvironment(h.sb));
    });
    afterEach(async () => {
      bridge.closePages();
      await allGone();
    });
    after(async () => {
      await bridge?.close();
      await h?.cleanup();
    });

    test("the snapshot shows the agent's screen; keys run only after take", async () => {
      const page = await bridge.open("shell", "a");
      const shown = await page.next("screen", () => true, 30_000);
      assert.match(shown.data, /ready-marker/);

      page.send({ type: "input", data: "echo not-yet\r" });
      assert.equal((await page.next("error")).code, "READ_ONLY");

      page.send({ type: "take" });
      await page.next("control", (c) => c.holder?.id === "a");
      page.send({ type: "input", data: "echo hi\r" });
      await page.outputMatching(/\r\nhi\r\n/);
      const text = await waitFor(async () => {
        const now = await screen("shell");
        return now.split("\n").includes("hi") ? now : undefined;
      });
      assert.doesNotMatch(text, /not-yet/);
      page.close();
      await allGone();
    });

    test("a stop while watched ends the terminal; nothing is left running", async () => {
      const page = await bridge.open("stopper", "s");
      await page.next("screen", () => true, 30_000);
      const stopped = await h.sb.fleet(["stop", "stopper"]);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match((await page.next("ended", () => true, 30_000)).reason, /ended/);
      await page.closed();
      await allGone();
    });
  });
}
