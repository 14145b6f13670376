/**
 * Terminal hygiene on a remote host, where tmux, stty and the session names are
 * the host's: the checks that run there (the terminal's mode, copy mode, whose
 * session it is) must hold as they do locally. One set of cases, run against a
 * docker host and an ssh host by the test files that give the host.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { waitFor, type Sandbox } from "../../helpers/sandbox.ts";

const READER = `while IFS= read -r line; do printf 'got %s chars\\n' "\${#line}"; done`;

export interface RemoteHost {
  sb: Sandbox;
  /** The `box:` entry of a fleet file's hosts. */
  hostEntry: string;
  /** Writes a fleet file in the sandbox; its path. */
  file(yaml: string, name?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export function remoteTerminalCases(options: {
  title: string;
  /** "in the container", "on the host": where the agents run, for test names. */
  where: string;
  skip: string | false;
  host: () => Promise<RemoteHost>;
}): void {
  const { where } = options;
  describe(options.title, { skip: options.skip, timeout: 240_000 }, () => {
    let h: RemoteHost;
    /** Runs tmux on the host, on the server its agents run on. */
    const tmux = async (...args: string[]) => h.sb.fleet(["exec", "canon", "--", "tmux", ...args]);
    const target = (name: string): string => `=${h.sb.prefix}${name}:agent`;
    const screen = async (name: string): Promise<string> =>
      (await tmux("capture-pane", "-p", "-J", "-t", target(name))).stdout;
    const fleet = async (args: string[]): Promise<void> => {
      const result = await h.sb.fleet(args);
      assert.equal(result.code, 0, result.stdout + result.stderr);
    };
    const fleetFile = (extra = "") =>
      `version: 1
name: hostterm
hosts:
  box: ${h.hostEntry}
agents:
  bytes: { command: "cat -vT", host: box }
  canon: { command: ${JSON.stringify(READER)}, host: box }
${extra}`;

    before(async () => {
      h = await options.host();
      await fleet(["apply", "-f", await h.file(fleetFile()), "-y"]);
    });
    after(() => h.cleanup());

    test(`controls are refused before they reach the agent ${where}; text arrives`, async () => {
      for (const text of ["paste \u001b[201~ end", "kill \u0003", "c1 \u009b"]) {
        const sent = await h.sb.fleet(["message", "bytes", text]);
        assert.equal(sent.code, 1, sent.stderr);
        assert.match(sent.stderr, /nothing was sent/);
      }
      await fleet(["message", "bytes", "plain words"]);
      const shown = await waitFor(async () => {
        const text = await screen("bytes");
        return text.includes("plain words") ? text : undefined;
      });
      for (const word of ["paste", "kill", "c1", "^["]) assert.ok(!shown.includes(word), shown);
    });

    test(`a 10,000-character line to a line reader ${where} is refused, nothing typed`, async () => {
      const sent = await h.sb.fleet(["message", "canon", "--json"], {
        input: "w".repeat(10_000),
      });
      assert.equal(sent.code, 1, sent.stdout);
      const { error } = JSON.parse(sent.stdout) as { error: { code: string } };
      assert.equal(error.code, "MESSAGE_TOO_LONG_FOR_TERMINAL");
      await fleet(["message", "canon", "after"]);
      const text = await waitFor(async () => {
        const shown = await screen("canon");
        return shown.includes("got 5 chars") ? shown : undefined;
      });
      assert.ok(!text.includes("www"), text);
    });

    test(`copy mode ${where} is left, and the message is submitted`, async () => {
      const entered = await tmux("copy-mode", "-t", target("canon"));
      assert.equal(entered.code, 0, entered.stderr);
      await fleet(["message", "canon", "from copy mode"]);
      await waitFor(async () => (await screen("canon")).includes("got 14 chars"));
    });

    test(`a session ${where} that fleet did not start survives apply and destroy`, async () => {
      const session = `${h.sb.prefix}mine`;
      const made = await tmux("new-session", "-d", "-s", session, "sleep 600");
      assert.equal(made.code, 0, made.stderr);
      const pidOf = async (): Promise<string> =>
        (await tmux("display-message", "-p", "-t", `=${session}:`, "#{pane_pid}")).stdout.trim();
      const pid = await pidOf();
      assert.match(pid, /^\d+$/);

      const withMine = await h.file(
        fleetFile('  mine: { command: "sleep 300", host: box }\n'),
        "with-mine.yaml",
      );
      const applied = await h.sb.fleet(["apply", "-f", withMine, "-y"]);
      assert.equal(applied.code, 1, applied.stdout);
      assert.match(applied.stdout, /agents\.mine: failed: .*not started by fleet/);
      assert.equal(await pidOf(), pid);
      await h.sb.fleet(["destroy", "mine", "-y"]);
      assert.equal(await pidOf(), pid);
    });
  });
}
