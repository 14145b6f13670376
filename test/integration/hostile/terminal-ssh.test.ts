/** Terminal hygiene on an SSH host (a real sshd on loopback), over the same runtime. */
import { makeSshFixture, skipSsh } from "../ssh/ssh-fixture.ts";
import { remoteTerminalCases } from "./terminal-cases.ts";

remoteTerminalCases({
  title: "terminal hygiene on an ssh host",
  where: "on the host",
  skip: skipSsh,
  async host() {
    const f = await makeSshFixture("hostile-terminal-ssh");
    return {
      sb: f.sb,
      hostEntry: f.sshd.hostEntry({ hostKey: f.sshd.hostKey }),
      file: (yaml, name) => f.fleetFile(yaml, name),
      cleanup: () => f.cleanup(),
    };
  },
});
