/** The terminal bridge on an ssh host (a real sshd on loopback): the control client runs through `ssh -T`. */
import { makeSshFixture, skipSsh } from "../ssh/ssh-fixture.ts";
import { remoteBridgeCases } from "./terminal-bridge-cases.ts";

if (skipSsh !== false) console.log(`# terminal bridge on ssh tests skipped: ${skipSsh}`);

remoteBridgeCases({
  title: "terminal bridge on an ssh host",
  skip: skipSsh,
  async host() {
    const f = await makeSshFixture("ui-terminal-ssh");
    return {
      sb: f.sb,
      hostEntry: f.sshd.hostEntry({ hostKey: f.sshd.hostKey }),
      file: (yaml) => f.fleetFile(yaml),
      tmux: async (args) => (await f.sshd.remoteTmux(args)).stdout,
      cleanup: () => f.cleanup(),
      serverProcess: /^\d+ \S (sshd: )?\/usr\/sbin\/sshd /,
    };
  },
});
